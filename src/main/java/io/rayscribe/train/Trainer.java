package io.rayscribe.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.model.GenerationSettings;
import io.rayscribe.model.LlamaConfig;
import io.rayscribe.model.ModelBundle;
import io.rayscribe.model.djl.DjlLlama;
import io.rayscribe.model.djl.GradMode;
import io.rayscribe.model.djl.GraphScalars;
import io.rayscribe.model.vision.VisionConfig;
import io.rayscribe.model.weights.SafeTensors;
import io.rayscribe.model.weights.SafeTensorsWriter;
import io.rayscribe.train.metrics.FindingExtractor;
import io.rayscribe.train.metrics.FindingScores;
import io.rayscribe.train.phantom.Finding;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The two-stage protocol of Lu et al. (arXiv 2312.01504) on RayScribe's own networks, with DJL
 * autograd:
 * <ul>
 *   <li>stage 0 ({@code encoder_pretrain}, optional): the ViT learns multi-label finding classification
 *       per patch from the phantoms' ground-truth boxes. This stands in for a pretrained medical image
 *       encoder, which cannot be downloaded here;</li>
 *   <li>stage 1 ({@code align}): encoder and LLM frozen, only the projector trains, on next-token
 *       cross-entropy over the report tokens (prompt and visual positions carry no loss);</li>
 *   <li>stage 2 ({@code finetune}): projector and LLM train (full, or LoRA of a given rank on the
 *       attention and MLP matrices); the encoder stays frozen unless the stage unfreezes it.</li>
 * </ul>
 * AdamW with linear warm-up and cosine decay, global-norm clipping, a fixed seed for initialisation
 * and batch order. Checkpoints ({@code OUTPUT/checkpoint}) are complete bundles plus optimiser state,
 * replaced atomically, so an interruption (Ctrl-C included) leaves the last one usable and
 * {@code --resume} continues from it. After each stage the bundle is also kept as
 * {@code OUTPUT/after-NAME}; the last stage's bundle is {@code OUTPUT/final}.
 */
public final class Trainer {
    private static final String STATE_FILE = "trainer-state.json";
    private static final String OPTIMIZER_FILE = "optimizer.safetensors";
    private static final String HEAD_FILE = "stage0-head.safetensors";
    private static final String LORA_FILE = "lora.safetensors";
    private static final float POSITIVE_WEIGHT = 4f;

    private final TrainConfig cfg;
    private final PrintStream log;
    private final boolean resume;
    private volatile boolean stopRequested;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Per-stage outcome, for the command's summary and the model card. */
    public record StageResult(String name, String type, int steps, double firstLoss, double lastLoss, double seconds,
                              Path bundle) {
    }

    public record Result(Path finalBundle, List<StageResult> stages, int examples, int skipped, boolean interrupted) {
    }

    public Trainer(TrainConfig cfg, PrintStream log, boolean resume) {
        this.cfg = cfg;
        this.log = log;
        this.resume = resume;
    }

    private int stopAfterSteps = -1;

    /** For tests: behave as if interrupted once this many steps (over all stages) have run in this process. */
    void stopAfter(int steps) {
        this.stopAfterSteps = steps;
    }

    /** Asks the loop to stop after the current step and write a checkpoint. */
    public void requestStop() {
        stopRequested = true;
    }

    /** Waits (at most {@code seconds}) until a stopped run has written its checkpoint. */
    public boolean awaitStopped(long seconds) throws InterruptedException {
        return stopped.await(seconds, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ state

    private record State(int stage, int step, long optimizerSteps, double elapsed, String configHash) {
        String toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("stage_index", stage);
            o.addProperty("step", step);
            o.addProperty("optimizer_steps", optimizerSteps);
            o.addProperty("elapsed_seconds", elapsed);
            o.addProperty("config_sha256", configHash);
            return Json.PRETTY.toJson(o);
        }

        static State read(Path file) {
            try {
                JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
                return new State(o.get("stage_index").getAsInt(), o.get("step").getAsInt(),
                        o.get("optimizer_steps").getAsLong(), o.get("elapsed_seconds").getAsDouble(),
                        o.get("config_sha256").getAsString());
            } catch (IOException | RuntimeException e) {
                throw RayScribeException.forFile(file, "unreadable trainer state (" + e.getMessage() + ")");
            }
        }
    }

    // ------------------------------------------------------------------ run

    public Result run() {
        Path out = cfg.output();
        Path ckpt = out.resolve("checkpoint");
        String hash = configHash();
        State state = new State(0, 0, 0, 0, hash);
        boolean haveCheckpoint = Files.isRegularFile(ckpt.resolve(STATE_FILE));
        if (haveCheckpoint && !resume) {
            throw RayScribeException.forFile(ckpt, "a checkpoint from an earlier run is here; pass --resume to continue "
                    + "it, or choose another 'output'");
        }
        if (resume) {
            if (!haveCheckpoint) {
                throw RayScribeException.forFile(ckpt, "nothing to resume (no " + STATE_FILE + ")");
            }
            state = State.read(ckpt.resolve(STATE_FILE));
            if (!state.configHash().equals(hash)) {
                throw RayScribeException.forFile(cfg.file(), "the config changed since the checkpoint was written; "
                        + "resume needs the same config (or start a new 'output')");
            }
        }
        // Validate the data before any weights are touched.
        List<TrainingData.Row> rows = TrainingData.readManifest(cfg.data().path(), cfg.data().limit());
        boolean needTruth = cfg.stages().stream().anyMatch(TrainConfig.Stage::isEncoderPretrain);
        if (needTruth) {
            for (TrainingData.Row r : rows) {
                if (r.groundTruth() == null) {
                    throw RayScribeException.forFile(TrainingData.manifestOf(cfg.data().path()), "line " + r.line()
                            + ": stage encoder_pretrain needs ground-truth findings ('ground_truth'), as phantom folders have");
                }
            }
        }
        Path start = resume ? ckpt : cfg.model().startBundle() != null ? cfg.model().startBundle() : createInitialBundle(out);
        if (!resume && cfg.model().promptPositions()) {
            start = withPromptPositions(start, out);
        }
        long t0 = System.nanoTime();
        // libtorch's spinning worker threads cost far more than they give on a small, shared CPU.
        Engine.getEngine("PyTorch");   // loads the native library before the thread count is touched
        if (ai.djl.pytorch.jni.JniUtils.getNumThreads() != cfg.threads()) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(cfg.threads());
        }
        try (ModelBundle bundle = ModelBundle.load(start)) {
            if (!bundle.hasVision()) {
                throw RayScribeException.forFile(start, "not a multimodal bundle (no vision encoder)");
            }
            Session s = new Session(bundle, state, out);
            s.prepare(rows);
            return s.train(t0);
        }
    }

    private String configHash() {
        try {
            byte[] bytes = Files.readAllBytes(cfg.file());
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (IOException e) {
            throw RayScribeException.forFile(cfg.file(), "cannot read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The start bundle with a learned position per visual prompt ({@code model.projector.prompt_positions}):
     * edited in place when it is this run's own initial bundle, otherwise a copy in {@code out/init}.
     */
    private static Path withPromptPositions(Path start, Path out) {
        Path init = out.resolve("init").toAbsolutePath().normalize();
        if (!start.toAbsolutePath().normalize().equals(init)) {
            replaceDir(start, init, true);
        }
        ModelBundle.addPromptPositions(init);
        return init;
    }

    /** A new bundle: random ViT and projector, the configured pretrained LLM copied in unchanged. */
    private Path createInitialBundle(Path out) {
        TrainConfig.Model m = cfg.model();
        Path llmDir = m.llm();
        LlamaConfig llm = LlamaConfig.load(llmDir);
        // eps 1e-6 rather than HF ViT's 1e-12: a float32 ViT trained from scratch stays finite on flat patches.
        VisionConfig enc = new VisionConfig("vit", m.imageSize(), m.patchSize(), 1, m.encoderHidden(), m.encoderLayers(),
                m.encoderHeads(), m.encoderIntermediate(), 1e-6, true, "gelu", "");
        Path dir = out.resolve("init");
        try {
            deleteTree(dir);
            Files.createDirectories(dir);
            GenerationSettings gen = new GenerationSettings(true, 1f, 0, 1f, 0L, 1f, m.maxNewTokens(), List.of(), true, true);
            ModelBundle.RandomSpec spec = new ModelBundle.RandomSpec(m.name(), llm, enc, m.projectorType(), m.promptRows(),
                    m.promptCols(), new float[] {m.mean()}, new float[] {m.std()}, m.promptPrefix(), m.promptInstruction(),
                    llmDir, gen);
            ModelBundle.createRandom(dir, spec, cfg.seed());
            // Replace the random LLM by the pretrained one, file for file (config, weights, tokenizer).
            try (Stream<Path> files = Files.list(llmDir)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".json") || name.endsWith(".safetensors")) {
                        Files.copy(f, dir.resolve("llm").resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            throw RayScribeException.forFile(dir, "cannot create the initial bundle: " + e.getMessage(), e);
        }
        return dir;
    }

    // ------------------------------------------------------------------ session

    /** Everything one run holds: the bundle, the data, the optimiser, the step loop. */
    private final class Session {
        private final ModelBundle bundle;
        private final Path out;
        private State state;
        private final NDManager manager;
        private List<TrainingData.Example> examples;
        private int skipped;
        private int[][] reportIds;
        private List<List<AttentionTargets.Span>> attentionTargets; // per example, when a stage supervises attention
        private double attentionLossEma = Double.NaN;
        private double lastAttentionLoss = Double.NaN;
        private int promptLength;
        private float[][] features;          // frozen-encoder patch features per example, or null
        private Map<String, NDArray> head;   // stage 0 classification head
        private final Map<String, double[]> history = new LinkedHashMap<>();
        private int skippedSteps;

        Session(ModelBundle bundle, State state, Path out) {
            this.bundle = bundle;
            this.state = state;
            this.out = out;
            this.manager = NDManager.newBaseManager(bundle.device(), "PyTorch");
        }

        void prepare(List<TrainingData.Row> rows) {
            LlamaConfig lc = bundle.llmConfig();
            int eos = lc.eosTokenId();
            promptLength = bundle.prefixIds().length + bundle.config().numVisualPrompts() + bundle.instructionIds().length;
            // Token lengths first: an impossible sequence length is an error before images are read.
            int longest = 0;
            TrainingData.Row longestRow = null;
            for (TrainingData.Row r : rows) {
                int n = bundle.tokenizer().encode(TrainingData.targetText(r.report())).length;
                if (n > longest) {
                    longest = n;
                    longestRow = r;
                }
            }
            if (promptLength + longest + 1 > lc.maxPositionEmbeddings()) {
                throw RayScribeException.forFile(TrainingData.manifestOf(cfg.data().path()), "line " + longestRow.line()
                        + ": prompt (" + promptLength + " positions) + report (" + longest + " tokens) + EOS exceed the LLM's "
                        + lc.maxPositionEmbeddings() + " positions; shorten the report or use fewer visual prompts");
            }
            log.printf(Locale.ROOT, "train: %d manifest rows; loading images (%dx%d model input)...%n", rows.size(),
                    bundle.config().encoder().imageSize(), bundle.config().encoder().imageSize());
            long t = System.nanoTime();
            TrainingData.Loaded loaded = TrainingData.load(rows, bundle.preprocessor()::apply, 2);
            skipped = loaded.skipped().size();
            for (String s : loaded.skipped()) {
                log.println("train: skipped " + s);
            }
            examples = loaded.examples();
            if (examples.isEmpty()) {
                throw new RayScribeException("train: no usable examples (" + skipped + " rows skipped)");
            }
            reportIds = new int[examples.size()][];
            for (int i = 0; i < examples.size(); i++) {
                int[] ids = bundle.tokenizer().encode(TrainingData.targetText(examples.get(i).report()));
                int[] withEos = java.util.Arrays.copyOf(ids, ids.length + 1);
                withEos[ids.length] = eos;
                reportIds[i] = withEos;
            }
            if (cfg.stages().stream().anyMatch(st -> st.attentionWeight() > 0)) {
                attentionTargets = new ArrayList<>();
                int spans = 0;
                for (int i = 0; i < examples.size(); i++) {
                    List<AttentionTargets.Span> s = AttentionTargets.of(bundle.tokenizer(), reportIds[i],
                            examples.get(i).truth(), bundle.regions());
                    attentionTargets.add(s);
                    spans += s.size();
                }
                log.printf(Locale.ROOT, "train: attention supervision: %d finding mentions with a ground-truth region%n", spans);
            }
            log.printf(Locale.ROOT, "train: %d examples loaded, %d skipped, in %.1f s; prompt %d positions, reports up to %d tokens%n",
                    examples.size(), skipped, (System.nanoTime() - t) / 1e9, promptLength, longest);
        }

        Result train(long t0) {
            List<StageResult> results = new ArrayList<>();
            Thread hook = new Thread(() -> {
                requestStop();
                try {
                    awaitStopped(120);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "train-interrupt");
            Runtime.getRuntime().addShutdownHook(hook);
            boolean interrupted = false;
            try {
                initHead();
                for (int si = state.stage(); si < cfg.stages().size(); si++) {
                    TrainConfig.Stage st = cfg.stages().get(si);
                    int first = si == state.stage() ? state.step() : 0;
                    StageResult r = runStage(si, st, first, t0);
                    results.add(r);
                    if (stopRequested) {
                        interrupted = true;
                        break;
                    }
                }
                Path finalDir = out.resolve("final");
                if (!interrupted) {
                    replaceDir(results.isEmpty() ? out.resolve("checkpoint") : results.get(results.size() - 1).bundle(), finalDir, true);
                    log.println("train: final bundle " + finalDir);
                }
                return new Result(interrupted ? out.resolve("checkpoint") : finalDir, results, examples.size(), skipped, interrupted);
            } finally {
                stopped.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down: the hook is running and waits for us
                }
                manager.close();
            }
        }

        private void initHead() {
            int d = bundle.config().encoder().hiddenSize();
            int labels = Finding.LABELS.size();
            Path saved = out.resolve("checkpoint").resolve(HEAD_FILE);
            float[] w = new float[labels * d];
            float[] b = new float[labels];
            if (resume && Files.isRegularFile(saved)) {
                try (SafeTensors t = SafeTensors.open(saved)) {
                    w = t.floats("head.weight", new long[] {labels, d});
                    b = t.floats("head.bias", new long[] {labels});
                }
            } else {
                Random r = new Random(cfg.seed() + 17);
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) (r.nextGaussian() * 0.02);
                }
                java.util.Arrays.fill(b, -2f);   // findings are rare per patch: start from a low prior
            }
            head = new LinkedHashMap<>();
            head.put("head.weight", manager.create(w, new Shape(labels, d)));
            head.put("head.bias", manager.create(b, new Shape(labels)));
        }

        // -------------------------------------------------------------- one stage

        private StageResult runStage(int si, TrainConfig.Stage st, int firstStep, long t0) {
            Map<String, NDArray> trainable = trainableParameters(st);
            Lora lora = st.isFinetune() && st.loraRank() > 0 ? new Lora(bundle.llm(), st.loraRank(), st.loraAlpha(),
                    cfg.seed() + si, manager) : null;
            Map<String, NDArray> optimised = new LinkedHashMap<>(trainable);
            if (lora != null) {
                if (firstStep > 0) {
                    lora.load(out.resolve("checkpoint").resolve(LORA_FILE));
                }
                optimised.putAll(lora.factors());
            }
            setRequiresGradient(trainable);
            if (!st.isEncoderPretrain() && !st.trainEncoder() && features == null) {
                features = computeFeatures();
            }
            long params = 0;
            for (NDArray a : optimised.values()) {
                params += a.getShape().size();
            }
            log.printf(Locale.ROOT, "train: stage %d/%d '%s' (%s): %d steps, batch %d, lr %.2g, %,d trainable parameters%s%n",
                    si + 1, cfg.stages().size(), st.name(), st.type(), st.steps(), st.batchSize(), st.lr(), params,
                    lora != null ? " (LoRA rank " + st.loraRank() + ")" : "");
            double firstLoss = Double.NaN;
            double lastLoss = Double.NaN;
            double ema = Double.NaN;
            long stageStart = System.nanoTime();
            long tokens = 0;
            int nonFinite = 0;
            try (AdamW opt = new AdamW(manager, 0.9, 0.95, 1e-8)) {
                if (firstStep > 0) {
                    loadOptimizer(opt, optimised);
                }
                int step = firstStep;
                while (step < st.steps() && !stopRequested) {
                    double lr = learningRate(st, step);
                    int[] batch = batchIndices(si, st, step);
                    StepOutcome o = st.isEncoderPretrain() ? encoderStep(batch, trainable) : languageStep(batch, trainable, st);
                    Map<String, NDArray> grads = o.grads();
                    if (lora != null) {
                        grads = lora.factorGradients(grads);
                    }
                    double norm = opt.step(optimised, grads, lr, st.weightDecay(), st.gradClip());
                    zeroGradients(trainable);
                    if (lora != null) {
                        lora.apply();
                    }
                    step++;
                    tokens += o.tokens();
                    if (stopAfterSteps > 0 && --stopAfterSteps == 0) {
                        requestStop();
                    }
                    if (!Double.isFinite(o.loss()) || !Double.isFinite(norm)) {
                        // AdamW skipped the update; a run of such steps means the weights are gone.
                        skippedSteps++;
                        List<String> bad = opt.lastNonFinite();
                        log.printf(Locale.ROOT, "train: stage '%s' step %d: non-finite loss/gradient (loss %s, gradient norm %s%s%s),"
                                        + " update skipped%n", st.name(), step, o.loss(), norm,
                                st.attentionWeight() > 0 ? ", attention loss " + lastAttentionLoss : "",
                                bad.isEmpty() ? "" : ", in " + String.join(" ", bad));
                        if (++nonFinite >= 5) {
                            throw new RayScribeException("train: stage '" + st.name() + "' step " + step
                                    + ": the loss or gradient stayed non-finite (lower 'lr' or 'grad_clip'); last checkpoint kept");
                        }
                        continue;
                    }
                    nonFinite = 0;
                    if (Double.isNaN(firstLoss)) {
                        firstLoss = o.loss();
                    }
                    lastLoss = o.loss();
                    ema = Double.isNaN(ema) ? o.loss() : 0.9 * ema + 0.1 * o.loss();
                    history.computeIfAbsent(st.name(), k -> new double[st.steps()])[step - 1] = o.loss();
                    if (step % cfg.logEvery() == 0 || step == st.steps()) {
                        double secs = (System.nanoTime() - stageStart) / 1e9;
                        int done = step - firstStep;
                        double perStep = secs / Math.max(1, done);
                        double eta = perStep * (st.steps() - step) + remainingLaterSteps(si) * perStep;
                        log.printf(Locale.ROOT, "%s %s step %d/%d  loss %.4f (avg %.4f)%s  lr %.2e  |g| %.2f  %.0f tok/s  "
                                        + "elapsed %s  ETA %s%n", st.name(), bar(step, st.steps()), step, st.steps(), o.loss(),
                                ema, st.attentionWeight() > 0 ? String.format(Locale.ROOT, "  attention loss %.3f", attentionLossEma) : "",
                                lr, norm, tokens / Math.max(1e-9, secs), clock(state.elapsed() + (System.nanoTime() - t0) / 1e9),
                                clock(eta));
                    }
                    if (step % cfg.checkpointEvery() == 0 && step < st.steps()) {
                        checkpoint(si, step, opt, optimised, lora, t0);
                        if (st.isEncoderPretrain()) {
                            features = computeFeatures();
                            reportEncoderQuality();
                            features = null;
                        }
                    }
                }
                boolean complete = step >= st.steps();
                // Last checkpoint of the stage (or of an interrupted run): resume starts after it.
                checkpoint(complete ? si + 1 : si, complete ? 0 : step, opt, optimised, lora, t0);
                if (stopRequested && !complete) {
                    log.printf(Locale.ROOT, "train: interrupted in stage '%s' at step %d; checkpoint %s (resume with --resume)%n",
                            st.name(), step, out.resolve("checkpoint"));
                }
            } finally {
                setRequiresGradient(Map.of());
            }
            if (lora != null) {
                lora.close();
            }
            if (st.trainEncoder() || st.isEncoderPretrain()) {
                features = null;   // the encoder changed: recompute cached features
            }
            if (st.isEncoderPretrain() && !stopRequested) {
                features = computeFeatures();
                reportEncoderQuality();
            }
            Path after = out.resolve("after-" + st.name());
            if (!stopRequested) {
                replaceDir(out.resolve("checkpoint"), after, true);
                if (!st.isEncoderPretrain()) {
                    sampleReports(st.name());
                }
            }
            return new StageResult(st.name(), st.type(), st.steps(), firstLoss, lastLoss,
                    (System.nanoTime() - stageStart) / 1e9, stopRequested ? out.resolve("checkpoint") : after);
        }

        private long remainingLaterSteps(int si) {
            long n = 0;
            for (int k = si + 1; k < cfg.stages().size(); k++) {
                n += cfg.stages().get(k).steps();
            }
            return n;
        }

        private Map<String, NDArray> trainableParameters(TrainConfig.Stage st) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            if (st.isEncoderPretrain()) {
                out.putAll(bundle.encoder().parameters());
                out.putAll(head);
                return out;
            }
            out.putAll(bundle.projector().parameters());
            if (st.isFinetune()) {
                if (st.loraRank() == 0) {
                    out.putAll(bundle.llm().parameters());
                } else {
                    // LoRA: the targeted matrices need gradients (turned into factor gradients), nothing else of the LLM.
                    for (String name : Lora.targets(bundle.llm())) {
                        out.put(name, bundle.llm().parameters().get(name));
                    }
                }
                if (st.trainEncoder()) {
                    out.putAll(bundle.encoder().parameters());
                }
            }
            return out;
        }

        private void setRequiresGradient(Map<String, NDArray> trainable) {
            List<Map<String, NDArray>> all = List.of(bundle.encoder().parameters(), bundle.projector().parameters(),
                    bundle.llm().parameters(), head);
            for (Map<String, NDArray> group : all) {
                for (NDArray a : group.values()) {
                    boolean want = trainable.containsValue(a);
                    if (a.hasGradient() != want) {
                        a.setRequiresGradient(want);
                    }
                }
            }
        }

        private void zeroGradients(Map<String, NDArray> trainable) {
            clearGradients(trainable.values());
        }

        private double learningRate(TrainConfig.Stage st, int step) {
            if (st.warmupSteps() > 0 && step < st.warmupSteps()) {
                return st.lr() * (step + 1) / st.warmupSteps();
            }
            double span = Math.max(1, st.steps() - st.warmupSteps());
            double progress = Math.min(1, (step - st.warmupSteps()) / span);
            double min = st.lr() * st.minLrRatio();
            return min + (st.lr() - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
        }

        /** The examples of step {@code step}: epochs are seeded permutations, so a resumed run sees the same batches. */
        private final Map<Long, int[]> permutations = new HashMap<>();

        private int[] batchIndices(int si, TrainConfig.Stage st, int step) {
            int n = examples.size();
            int[] out = new int[st.batchSize()];
            for (int i = 0; i < out.length; i++) {
                long global = (long) step * st.batchSize() + i;
                long epoch = global / n;
                long key = si * 1_000_003L + epoch;
                int[] perm = permutations.get(key);
                if (perm == null) {
                    if (permutations.size() > 4) {
                        permutations.clear();
                    }
                    perm = new int[n];
                    for (int j = 0; j < n; j++) {
                        perm[j] = j;
                    }
                    Random r = new Random(cfg.seed() * 31 + key);
                    for (int j = n - 1; j > 0; j--) {
                        int x = r.nextInt(j + 1);
                        int t = perm[j];
                        perm[j] = perm[x];
                        perm[x] = t;
                    }
                    permutations.put(key, perm);
                }
                out[i] = perm[(int) (global % n)];
            }
            return out;
        }

        private record StepOutcome(double loss, Map<String, NDArray> grads, long tokens) {
        }

        private NDArray pixels(NDManager m, int[] batch) {
            VisionConfig vc = bundle.config().encoder();
            int per = vc.channels() * vc.imageSize() * vc.imageSize();
            float[] flat = new float[batch.length * per];
            for (int i = 0; i < batch.length; i++) {
                System.arraycopy(examples.get(batch[i]).pixels(), 0, flat, i * per, per);
            }
            return m.create(flat, new Shape(batch.length, vc.channels(), vc.imageSize(), vc.imageSize()));
        }

        /** Stage 0: per-patch multi-label finding classification (binary cross-entropy, positives weighted). */
        private StepOutcome encoderStep(int[] batch, Map<String, NDArray> trainable) {
            VisionConfig vc = bundle.config().encoder();
            int g = vc.gridSize();
            int labels = Finding.LABELS.size();
            float[] target = new float[batch.length * g * g * labels];
            for (int i = 0; i < batch.length; i++) {
                float[] t = PatchLabels.of(examples.get(batch[i]).truth(), g);
                System.arraycopy(t, 0, target, i * t.length, t.length);
            }
            try (NDManager m = manager.newSubManager()) {
                NDArray x = pixels(m, batch);
                NDArray y = m.create(target, new Shape(batch.length, (long) g * g, labels));
                double loss;
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray f = bundle.encoder().forward(x);
                    NDArray logits = f.getNDArrayInternal().linear(f, head.get("head.weight"), head.get("head.bias"))
                            .singletonOrThrow();
                    NDArray bce = Activation.relu(logits).sub(logits.mul(y)).add(logits.abs().neg().exp().add(1f).log());
                    NDArray weights = y.mul(POSITIVE_WEIGHT - 1f).add(1f);
                    NDArray l = bce.mul(weights).mean();
                    gc.backward(l);
                    loss = l.getFloat();
                }
                return new StepOutcome(loss, gradients(trainable), (long) batch.length * g * g);
            }
        }

        /** Stages 1 and 2: next-token cross-entropy on the report tokens (and EOS) only. */
        private StepOutcome languageStep(int[] batch, Map<String, NDArray> trainable, TrainConfig.Stage st) {
            int b = batch.length;
            int r = 0;
            for (int i : batch) {
                r = Math.max(r, reportIds[i].length);
            }
            // inputs: prompt + report tokens except the final EOS; targets: every report token + EOS
            int inputLen = r - 1;
            long[] ids = new long[b * Math.max(1, inputLen)];
            long[] targets = new long[b * r];
            float[] mask = new float[b * r];
            long count = 0;
            for (int i = 0; i < b; i++) {
                int[] rep = reportIds[batch[i]];
                for (int j = 0; j < r; j++) {
                    if (j < rep.length) {
                        targets[i * r + j] = rep[j];
                        mask[i * r + j] = 1f;
                        count++;
                    }
                    if (j < inputLen) {
                        ids[i * inputLen + j] = j < rep.length - 1 ? rep[j] : 0;
                    }
                }
            }
            try (NDManager m = manager.newSubManager()) {
                NDArray visualIn;
                boolean viaEncoder = st.trainEncoder() || features == null;
                if (viaEncoder) {
                    visualIn = pixels(m, batch);
                } else {
                    VisionConfig vc = bundle.config().encoder();
                    int per = vc.numPatches() * vc.hiddenSize();
                    float[] flat = new float[b * per];
                    for (int i = 0; i < b; i++) {
                        System.arraycopy(features[batch[i]], 0, flat, i * per, per);
                    }
                    visualIn = m.create(flat, new Shape(b, vc.numPatches(), vc.hiddenSize()));
                }
                NDArray tgt = m.create(targets, new Shape(b, r, 1));
                NDArray msk = m.create(mask, new Shape(b, r));
                double loss;
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray visual = viaEncoder ? bundle.visualPrompts(visualIn) : bundle.projector().forward(visualIn);
                    NDArray prompt = bundle.promptEmbeddings(visual);
                    NDArray input = prompt;
                    if (inputLen > 0) {
                        NDArray rep = bundle.llm().embedTokens(m.create(ids, new Shape(b, inputLen)));
                        input = prompt.concat(rep, 1);
                    }
                    List<NDArray> attention = st.attentionWeight() > 0 ? new ArrayList<>() : null;
                    NDArray logits = bundle.llm().forward(input, null, attention);
                    NDArray sl = logits.get(new NDIndex(":, " + (promptLength - 1) + ":" + (promptLength - 1 + r) + ", :"));
                    NDArray picked = sl.logSoftmax(-1).gather(tgt, -1).reshape(b, r);
                    NDArray l = GraphScalars.dividedBy(picked.mul(msk).sum().neg(), count);
                    loss = l.getFloat();
                    NDArray att = attention != null ? attentionLoss(m, attention, batch) : null;
                    if (att != null) {
                        lastAttentionLoss = att.getFloat();
                        attentionLossEma = 0.9 * (Double.isNaN(attentionLossEma) ? att.getFloat() : attentionLossEma)
                                + 0.1 * att.getFloat();
                        l = l.add(GraphScalars.times(att, (float) st.attentionWeight()));
                    }
                    gc.backward(l);
                }
                return new StepOutcome(loss, gradients(trainable), (long) b * (promptLength + inputLen));
            }
        }

        /**
         * Attention supervision: for each mention of a true finding in the batch's reports, the attention
         * of the rows that produce its tokens, over the visual prompts only, renormalised per layer and
         * head (a softmax of the scores over the visual keys) and averaged (the map the overlay and the pointing game show); the loss is minus the log of
         * that map's mass inside the finding's region. Null when the batch has no such mention.
         */
        private NDArray attentionLoss(NDManager m, List<NDArray> attention, int[] batch) {
            int vs = bundle.prefixIds().length;
            int prompts = bundle.config().numVisualPrompts();
            long b = batch.length;
            long t = attention.get(0).getShape().get(2);
            List<float[]> rowWeights = new ArrayList<>();
            List<float[]> targets = new ArrayList<>();
            for (int i = 0; i < batch.length; i++) {
                for (AttentionTargets.Span sp : attentionTargets.get(batch[i])) {
                    float[] w = new float[(int) (b * t)];
                    for (int j = sp.from(); j < sp.to(); j++) {
                        // the row whose logits produce report token j (the generator credits it with that row)
                        w[(int) (i * t) + promptLength - 1 + j] = 1f / (sp.to() - sp.from());
                    }
                    float[] tg = new float[prompts];
                    for (int p = 0; p < prompts; p++) {
                        tg[p] = sp.prompts()[p] ? 1f : 0f;
                    }
                    rowWeights.add(w);
                    targets.add(tg);
                }
            }
            if (rowWeights.isEmpty()) {
                return null;
            }
            NDList visual = new NDList();
            for (NDArray scores : attention) {
                // softmax over the visual keys only = the attention renormalised over the visual prompts
                visual.add(scores.get(new NDIndex(":, :, :, " + vs + ":" + (vs + prompts))).softmax(-1));
            }
            NDArray mean = NDArrays.stack(visual, 0).mean(new int[] {0}).mean(new int[] {1}).reshape(b * t, prompts);
            int n = rowWeights.size();
            NDArray maps = m.create(concat(rowWeights), new Shape(n, b * t)).matMul(mean);
            NDArray mass = maps.mul(m.create(concat(targets), new Shape(n, prompts))).sum(new int[] {1});
            return mass.add(1e-6f).log().neg().mean();
        }

        private static float[] concat(List<float[]> rows) {
            float[] out = new float[rows.stream().mapToInt(r -> r.length).sum()];
            int o = 0;
            for (float[] r : rows) {
                System.arraycopy(r, 0, out, o, r.length);
                o += r.length;
            }
            return out;
        }

        private Map<String, NDArray> gradients(Map<String, NDArray> trainable) {
            Map<String, NDArray> g = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                g.put(e.getKey(), e.getValue().getGradient());
            }
            return g;
        }

        /** Patch features of every example through the frozen encoder, in batches, without gradients. */
        private float[][] computeFeatures() {
            long t = System.nanoTime();
            float[][] out = new float[examples.size()][];
            VisionConfig vc = bundle.config().encoder();
            int per = vc.numPatches() * vc.hiddenSize();
            boolean g = GradMode.disable();
            try {
                for (int start = 0; start < examples.size(); start += 64) {
                    int n = Math.min(64, examples.size() - start);
                    int[] idx = new int[n];
                    for (int i = 0; i < n; i++) {
                        idx[i] = start + i;
                    }
                    try (NDManager m = manager.newSubManager()) {
                        float[] flat = bundle.encoder().forward(pixels(m, idx)).toFloatArray();
                        for (int i = 0; i < n; i++) {
                            out[start + i] = java.util.Arrays.copyOfRange(flat, i * per, (i + 1) * per);
                        }
                    }
                }
            } finally {
                GradMode.restore(g);
            }
            log.printf(Locale.ROOT, "train: encoder features cached for %d examples in %.1f s (encoder frozen)%n",
                    examples.size(), (System.nanoTime() - t) / 1e9);
            return out;
        }

        /**
         * Stage 0 diagnostic: image-level finding detection from the patch head (a label is present
         * when some patch scores above 0.5; its side is the image half of the best patch), as micro-F1
         * over the same keys the report metrics use. Training examples, so an optimistic figure.
         */
        private void reportEncoderQuality() {
            VisionConfig vc = bundle.config().encoder();
            int d = vc.hiddenSize();
            int g = vc.gridSize();
            int labels = Finding.LABELS.size();
            float[] w = head.get("head.weight").toFloatArray();
            float[] b = head.get("head.bias").toFloatArray();
            FindingScores scores = new FindingScores();
            for (int i = 0; i < examples.size(); i++) {
                TrainingData.Example ex = examples.get(i);
                if (!ex.hasTruth()) {
                    continue;
                }
                float[] f = features[i];
                List<String> predicted = new ArrayList<>();
                for (int l = 0; l < labels; l++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int bestPatch = 0;
                    boolean leftHalf = false;
                    boolean rightHalf = false;
                    for (int p = 0; p < g * g; p++) {
                        double z = b[l];
                        for (int k = 0; k < d; k++) {
                            z += w[l * d + k] * f[p * d + k];
                        }
                        if (z > best) {
                            best = z;
                            bestPatch = p;
                        }
                        if (z > 0) {
                            if (p % g < g / 2) {
                                rightHalf = true;    // image left = patient right
                            } else {
                                leftHalf = true;
                            }
                        }
                    }
                    if (best > 0) {
                        String label = Finding.LABELS.get(l);
                        String side = bestPatch % g < g / 2 ? "right" : "left";
                        if (label.equals(Finding.EFFUSION) && leftHalf && rightHalf) {
                            side = "bilateral";
                        }
                        predicted.add(Finding.key(label, side));
                    }
                }
                List<String> truth = new ArrayList<>();
                ex.truth().forEach(t -> truth.add(t.key()));
                scores.add(predicted, truth);
            }
            StringBuilder per = new StringBuilder();
            Map<String, int[]> byLabel = new TreeMap<>();
            for (Map.Entry<String, int[]> e : scores.perKey().entrySet()) {
                int[] acc = byLabel.computeIfAbsent(e.getKey().split(":")[0], k -> new int[3]);
                for (int k = 0; k < 3; k++) {
                    acc[k] += e.getValue()[k];
                }
            }
            for (Map.Entry<String, int[]> e : byLabel.entrySet()) {
                int[] c = e.getValue();
                per.append(String.format(Locale.ROOT, " %s %.2f", e.getKey(), 2.0 * c[0] / Math.max(1, 2 * c[0] + c[1] + c[2])));
            }
            log.printf(Locale.ROOT, "train: stage 0 encoder check: image-level finding F1 %.3f (P %.3f, R %.3f) "
                    + "on the training images from the patch head; per label:%s%n", scores.f1(), scores.precision(),
                    scores.recall(), per);
        }

        // -------------------------------------------------------------- checkpoints

        private void checkpoint(int stageIndex, int step, AdamW opt, Map<String, NDArray> optimised, Lora lora, long t0) {
            Path tmp = out.resolve("checkpoint.tmp");
            Path dst = out.resolve("checkpoint");
            Path old = out.resolve("checkpoint.old");
            try {
                deleteTree(tmp);
                bundle.save(tmp);
                write(tmp.resolve(OPTIMIZER_FILE), opt.state(), optimised);
                Map<String, float[]> h = new LinkedHashMap<>();
                for (Map.Entry<String, NDArray> e : head.entrySet()) {
                    h.put(e.getKey(), e.getValue().toFloatArray());
                }
                write(tmp.resolve(HEAD_FILE), h, head);
                if (lora != null) {
                    lora.save(tmp.resolve(LORA_FILE));
                }
                history(tmp);
                State s = new State(stageIndex, step, opt.steps(), state.elapsed() + (System.nanoTime() - t0) / 1e9, state.configHash());
                Files.writeString(tmp.resolve(STATE_FILE), s.toJson() + "\n", StandardCharsets.UTF_8);
                // Swap atomically: at every instant either the old or the new checkpoint is complete.
                deleteTree(old);
                if (Files.exists(dst)) {
                    Files.move(dst, old, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(old);
            } catch (IOException e) {
                throw RayScribeException.forFile(dst, "cannot write checkpoint: " + e.getMessage(), e);
            }
        }

        private void history(Path dir) throws IOException {
            JsonObject o = new JsonObject();
            for (Map.Entry<String, double[]> e : history.entrySet()) {
                com.google.gson.JsonArray a = new com.google.gson.JsonArray();
                for (double v : e.getValue()) {
                    a.add(Math.round(v * 1e5) / 1e5);
                }
                o.add(e.getKey(), a);
            }
            Files.writeString(dir.resolve("loss-history.json"), Json.PRETTY.toJson(o) + "\n");
        }

        private void write(Path file, Map<String, float[]> values, Map<String, NDArray> shapes) {
            Map<String, SafeTensorsWriter.Tensor> t = new LinkedHashMap<>();
            for (Map.Entry<String, float[]> e : values.entrySet()) {
                String name = e.getKey();
                String param = name.startsWith("m.") || name.startsWith("v.") ? name.substring(2) : name;
                NDArray like = shapes.get(param);
                long[] shape = like != null ? like.getShape().getShape() : new long[] {e.getValue().length};
                t.put(name, new SafeTensorsWriter.Tensor(e.getValue(), shape));
            }
            SafeTensorsWriter.write(file, t, Map.of());
        }

        private void loadOptimizer(AdamW opt, Map<String, NDArray> optimised) {
            Path file = out.resolve("checkpoint").resolve(OPTIMIZER_FILE);
            Map<String, float[]> st = new HashMap<>();
            try (SafeTensors t = SafeTensors.open(file)) {
                for (Map.Entry<String, NDArray> e : optimised.entrySet()) {
                    long[] shape = e.getValue().getShape().getShape();
                    for (String p : new String[] {"m.", "v."}) {
                        if (t.has(p + e.getKey())) {
                            st.put(p + e.getKey(), t.floats(p + e.getKey(), shape));
                        }
                    }
                }
            }
            opt.load(optimised, st, state.optimizerSteps());
            Path hist = out.resolve("checkpoint").resolve("loss-history.json");
            if (Files.isRegularFile(hist)) {
                try {
                    JsonObject o = JsonParser.parseString(Files.readString(hist)).getAsJsonObject();
                    for (String k : o.keySet()) {
                        com.google.gson.JsonArray a = o.getAsJsonArray(k);
                        double[] v = new double[a.size()];
                        for (int i = 0; i < v.length; i++) {
                            v[i] = a.get(i).getAsDouble();
                        }
                        history.put(k, v);
                    }
                } catch (IOException | RuntimeException e) {
                    log.println("train: loss history not restored (" + e.getMessage() + ")");
                }
            }
            log.printf(Locale.ROOT, "train: resumed from %s (optimiser step %d)%n", out.resolve("checkpoint"), state.optimizerSteps());
        }

        // -------------------------------------------------------------- samples

        /** Greedy reports for a few training examples, and their finding F1, as a sanity line in the log. */
        private void sampleReports(String stageName) {
            int n = Math.min(8, examples.size());
            FindingScores scores = new FindingScores();
            boolean g = GradMode.disable();
            try (DjlLlama.Session session = bundle.llm().newSession()) {
                for (int i = 0; i < n; i++) {
                    TrainingData.Example ex = examples.get(i);
                    String text = greedy(session, ex, Math.min(160, bundle.config().generation().maxNewTokens()));
                    if (ex.hasTruth()) {
                        List<String> truth = new ArrayList<>();
                        ex.truth().forEach(t -> truth.add(t.key()));
                        scores.add(FindingExtractor.keys(text), truth);
                    }
                    if (i < 2) {
                        log.println("train: sample after '" + stageName + "' (" + ex.id() + "): " + text.replace('\n', ' '));
                    }
                }
            } finally {
                GradMode.restore(g);
            }
            log.printf(Locale.ROOT, "train: after '%s': finding F1 %.3f on %d training examples (sanity check, not held out)%n",
                    stageName, scores.f1(), n);
        }

        private String greedy(DjlLlama.Session session, TrainingData.Example ex, int maxNew) {
            session.reset();
            float[][] visual;
            try (NDManager m = manager.newSubManager()) {
                VisionConfig vc = bundle.config().encoder();
                NDArray px = m.create(ex.pixels(), new Shape(1, vc.channels(), vc.imageSize(), vc.imageSize()));
                float[] flat = bundle.visualPrompts(px).toFloatArray();
                int p = bundle.config().numVisualPrompts();
                int h = bundle.llmConfig().hiddenSize();
                visual = new float[p][];
                for (int i = 0; i < p; i++) {
                    visual[i] = java.util.Arrays.copyOfRange(flat, i * h, (i + 1) * h);
                }
            }
            List<float[]> rows = new ArrayList<>(List.of(session.embed(bundle.prefixIds())));
            rows.addAll(List.of(visual));
            rows.addAll(List.of(session.embed(bundle.instructionIds())));
            float[] logits = session.forward(rows.toArray(new float[0][]), null);
            List<Integer> outIds = new ArrayList<>();
            int eos = bundle.llmConfig().eosTokenId();
            int limit = Math.min(maxNew, bundle.llmConfig().maxPositionEmbeddings() - session.position() - 1);
            for (int k = 0; k < limit; k++) {
                int best = 0;
                for (int v = 1; v < logits.length; v++) {
                    if (logits[v] > logits[best]) {
                        best = v;
                    }
                }
                if (best == eos) {
                    break;
                }
                outIds.add(best);
                logits = session.forward(session.embed(new int[] {best}), null);
            }
            int[] ids = outIds.stream().mapToInt(Integer::intValue).toArray();
            return bundle.tokenizer().decode(ids).trim();
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Sets every gradient buffer to exactly zero. Not grad - grad: after a skipped step with an
     * overflowed gradient that leaves NaN (inf - inf) in the buffer and poisons every later step.
     */
    static void clearGradients(java.util.Collection<NDArray> params) {
        boolean g = GradMode.disable();
        try {
            for (NDArray p : params) {
                if (p.hasGradient()) {
                    try (NDArray grad = p.getGradient()) {
                        grad.set(new NDIndex("..."), 0f);
                    }
                }
            }
        } finally {
            GradMode.restore(g);
        }
    }

    static String bar(int step, int total) {
        int width = 20;
        int filled = (int) Math.round((double) step / total * width);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }

    static String clock(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /**
     * Copies {@code src} to {@code dst} (replacing it), leaving out trainer-only files when {@code bundleOnly}
     * (trainer state, optimiser moments, LoRA factors, the stage-0 classification head: none is part of a bundle).
     */
    static void replaceDir(Path src, Path dst, boolean bundleOnly) {
        try {
            Path tmp = dst.resolveSibling(dst.getFileName() + ".tmp");
            deleteTree(tmp);
            try (Stream<Path> walk = Files.walk(src)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    Path rel = src.relativize(p);
                    String name = p.getFileName().toString();
                    if (bundleOnly && (name.equals(STATE_FILE) || name.equals(OPTIMIZER_FILE) || name.equals(LORA_FILE)
                            || name.equals(HEAD_FILE))) {
                        continue;
                    }
                    Path target = tmp.resolve(rel.toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            deleteTree(dst);
            Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw RayScribeException.forFile(dst, "cannot write bundle copy: " + e.getMessage(), e);
        }
    }
}
