package io.rayscribe.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.model.djl.DjlLlama;
import io.rayscribe.model.djl.GradMode;
import io.rayscribe.model.vision.ImagePreprocessor;
import io.rayscribe.model.vision.Projector;
import io.rayscribe.model.vision.TensorMaps;
import io.rayscribe.model.vision.VisionConfig;
import io.rayscribe.model.vision.VisionEncoder;
import io.rayscribe.model.weights.SafeTensors;
import io.rayscribe.model.weights.SafeTensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A loaded model: the Llama (DJL), its tokenizer and, for a multimodal bundle, the ViT encoder,
 * projector, image preprocessing and prompt template. The format is described in
 * docs/model-bundle.md. A plain Hugging Face Llama directory loads as an LLM-only bundle.
 * Not thread-safe: one generation worker per bundle.
 */
public final class ModelBundle implements AutoCloseable {
    public static final String[] TOKENIZER_FILES = {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"};

    private final Path dir;
    private final BundleConfig config;
    private final Path llmDir;
    private final LlamaConfig llmConfig;
    private final Device device;
    private DjlLlama llm;
    private final TextTokenizer tokenizer;
    private final NDManager visionManager;
    private final VisionEncoder encoder;
    private final Projector projector;
    private final long weightBytes;

    private ModelBundle(Path dir, BundleConfig config, Path llmDir, LlamaConfig llmConfig, Device device, TextTokenizer tokenizer,
                        NDManager visionManager, VisionEncoder encoder, Projector projector, long weightBytes) {
        this.dir = dir;
        this.config = config;
        this.llmDir = llmDir;
        this.llmConfig = llmConfig;
        this.device = device;
        this.tokenizer = tokenizer;
        this.visionManager = visionManager;
        this.encoder = encoder;
        this.projector = projector;
        this.weightBytes = weightBytes;
    }

    public static ModelBundle load(Path dir) {
        return load(dir, DjlLlama.defaultDevice());
    }

    /** Loads a bundle directory (with {@code rayscribe-model.json}) or a plain HF Llama directory. */
    public static ModelBundle load(Path dir, Device device) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw RayScribeException.forFile(abs, "model directory not found");
        }
        Path bundleFile = abs.resolve(BundleConfig.FILE_NAME);
        BundleConfig config = null;
        Path llmDir = abs;
        if (Files.isRegularFile(bundleFile)) {
            config = BundleConfig.load(bundleFile);
            llmDir = abs.resolve(config.llmDir());
            if (!Files.isDirectory(llmDir)) {
                throw RayScribeException.forFile(llmDir, "LLM directory named by key 'llm' in " + bundleFile + " not found");
            }
        } else if (!Files.isRegularFile(abs.resolve(LlamaConfig.FILE_NAME))) {
            throw RayScribeException.forFile(abs, "neither " + BundleConfig.FILE_NAME + " (a RayScribe bundle) nor "
                    + LlamaConfig.FILE_NAME + " (a Hugging Face Llama) found");
        }
        LlamaConfig llmConfig = LlamaConfig.load(llmDir);
        TextTokenizer tokenizer = TextTokenizer.load(llmDir, llmConfig.bosTokenId(), llmConfig.eosTokenId(),
                llmConfig.maxPositionEmbeddings());
        if (tokenizer.maxTokenId() >= llmConfig.vocabSize()) {
            tokenizer.close();
            throw RayScribeException.forFile(tokenizer.file(), "produces token ids up to " + tokenizer.maxTokenId()
                    + " but " + llmDir.resolve(LlamaConfig.FILE_NAME) + " has vocab_size " + llmConfig.vocabSize()
                    + " (tokenizer and model do not belong together)");
        }
        NDManager vm = null;
        try {
            long bytes;
            try (SafeTensors weights = SafeTensors.open(llmDir)) {
                // Checked now so a bad checkpoint fails at load; the DJL copy is made on first use.
                LlamaWeights.check(llmConfig, weights);
                bytes = LlamaWeights.weightBytes(llmConfig, weights);
            }
            if (config == null) {
                return new ModelBundle(abs, null, llmDir, llmConfig, device, tokenizer, null, null, null, bytes);
            }
            vm = NDManager.newBaseManager(device, "PyTorch");
            VisionEncoder encoder;
            Path encFile = abs.resolve(config.encoderWeights());
            try (SafeTensors w = openFile(encFile)) {
                encoder = new VisionEncoder(config.encoder(), TensorMaps.read(w, config.encoder().expectedShapes(), vm));
                bytes += w.totalBytes();
            }
            Projector projector;
            Path projFile = abs.resolve(config.projectorWeights());
            Projector.Config pc = config.projectorConfig(llmConfig.hiddenSize());
            try (SafeTensors w = openFile(projFile)) {
                projector = new Projector(pc, TensorMaps.read(w, pc.expectedShapes(), vm));
                bytes += w.totalBytes();
            }
            return new ModelBundle(abs, config, llmDir, llmConfig, device, tokenizer, vm, encoder, projector, bytes);
        } catch (RuntimeException | Error e) {
            tokenizer.close();
            if (vm != null) {
                vm.close();
            }
            throw e;
        }
    }

    private static SafeTensors openFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw RayScribeException.forFile(file, "weights file missing");
        }
        return SafeTensors.open(file);
    }

    public String name() {
        return config != null ? config.name() : llmDir.getFileName().toString();
    }

    public Path dir() {
        return dir;
    }

    public Path llmDir() {
        return llmDir;
    }

    /** The bundle config, or null for an LLM-only directory. */
    public BundleConfig config() {
        return config;
    }

    public boolean hasVision() {
        return encoder != null;
    }

    /** The DJL Llama (the reference and trainable network), loaded on first use. */
    public synchronized DjlLlama llm() {
        if (llm == null) {
            llm = DjlLlama.load(llmDir, device);
        }
        return llm;
    }

    public LlamaConfig llmConfig() {
        return llmConfig;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public VisionEncoder encoder() {
        return encoder;
    }

    public Projector projector() {
        return projector;
    }

    public Device device() {
        return device;
    }

    /** Bytes of all weights a forward pass reads (LLM + encoder + projector as stored). */
    public long weightBytes() {
        return weightBytes;
    }

    public GenerationSettings defaultSettings() {
        return config != null ? config.generation() : GenerationSettings.greedy(128).withCaptureAttention(false);
    }

    public List<PromptRegion> regions() {
        return projector != null ? projector.regions() : List.of();
    }

    public ImagePreprocessor preprocessor() {
        requireVision();
        return config.preprocessor();
    }

    /** BOS (when the tokenizer adds it) + the template's prefix text. */
    public int[] prefixIds() {
        return tokenizer.encodeWithBos(config != null ? config.promptPrefix() : "");
    }

    /** The template's instruction text after the visual prompts (no BOS). */
    public int[] instructionIds() {
        return tokenizer.encode(config != null ? config.promptInstruction() : "");
    }

    private void requireVision() {
        if (!hasVision()) {
            throw new RayScribeException(dir + ": an LLM-only model has no vision encoder (no " + BundleConfig.FILE_NAME + ")");
        }
    }

    /** Batched, differentiable: pixels [B,C,S,S] → visual prompts [B, numPrompts, llmHidden]. */
    public NDArray visualPrompts(NDArray pixels) {
        requireVision();
        return projector.forward(encoder.forward(pixels));
    }

    /**
     * Batched, differentiable: prompt embeddings [B, prefix + P + instruction, H] around the given
     * visual prompts, in the template's order. The trainer appends the report tokens after these.
     */
    public NDArray promptEmbeddings(NDArray visual) {
        NDManager m = visual.getManager();
        long b = visual.getShape().get(0);
        long h = visual.getShape().get(2);
        NDList parts = new NDList();
        int[] pre = prefixIds();
        if (pre.length > 0) {
            parts.add(llm().embedTokens(ids(m, pre)).reshape(1, pre.length, h).broadcast(b, pre.length, h));
        }
        parts.add(visual);
        int[] ins = instructionIds();
        if (ins.length > 0) {
            parts.add(llm().embedTokens(ids(m, ins)).reshape(1, ins.length, h).broadcast(b, ins.length, h));
        }
        return parts.size() == 1 ? visual : ai.djl.ndarray.NDArrays.concat(parts, 1);
    }

    private static NDArray ids(NDManager m, int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return m.create(l, new Shape(ids.length));
    }

    /** One image's visual prompts as Java rows [numPrompts][llmHidden] (no gradients). */
    public float[][] visualPrompts(DisplayImage image) {
        requireVision();
        float[] pixels = config.preprocessor().apply(image);
        VisionConfig vc = config.encoder();
        boolean grad = GradMode.disable();
        try (NDManager m = visionManager.newSubManager()) {
            NDArray x = m.create(pixels, new Shape(1, vc.channels(), vc.imageSize(), vc.imageSize()));
            float[] flat = visualPrompts(x).toFloatArray();
            int p = config.numVisualPrompts();
            int h = llmConfig.hiddenSize();
            float[][] out = new float[p][];
            for (int i = 0; i < p; i++) {
                out[i] = Arrays.copyOfRange(flat, i * h, (i + 1) * h);
            }
            return out;
        } finally {
            GradMode.restore(grad);
        }
    }

    /**
     * The prompt for one image: BOS + prefix + visual prompts + instruction, embedded with
     * {@code session} (ids hold -1 at visual positions). Without an image (or an LLM-only bundle)
     * just BOS + prefix + instruction.
     */
    public Prompt prompt(DisplayImage image, DecoderSession session) {
        float[][] visual = image != null && hasVision() ? visualPrompts(image) : new float[0][];
        return Prompt.of(prefixIds(), visual, instructionIds(), session);
    }

    /** Writes this bundle (current parameter values, F32) to {@code target}: a checkpoint. */
    public void save(Path target) {
        requireVision();
        Path abs = target.toAbsolutePath().normalize();
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw RayScribeException.forFile(abs, "cannot create: " + e.getMessage(), e);
        }
        Path llmTarget = abs.resolve(config.llmDir());
        llm().save(llmTarget);
        copyTokenizer(llmDir, llmTarget);
        SafeTensorsWriter.write(abs.resolve(config.encoderWeights()), TensorMaps.toWriter(encoder.parameters()), Map.of());
        SafeTensorsWriter.write(abs.resolve(config.projectorWeights()), TensorMaps.toWriter(projector.parameters()), Map.of());
        writeConfig(abs, config);
    }

    /**
     * Gives the bundle in {@code dir} (edited in place) a learned position per visual prompt, starting
     * from a 2-D sine-cosine code of amplitude 1 per channel (prompts of a trained projector have channel
     * RMS of a few units, text-token embeddings well under one). No-op when it already has them.
     */
    public static void addPromptPositions(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        BundleConfig config = BundleConfig.load(abs.resolve(BundleConfig.FILE_NAME));
        if (config.promptPositions()) {
            return;
        }
        LlamaConfig llm = LlamaConfig.load(abs.resolve(config.llmDir()));
        Projector.Config before = config.projectorConfig(llm.hiddenSize());
        Path file = abs.resolve(config.projectorWeights());
        Map<String, SafeTensorsWriter.Tensor> tensors = new java.util.LinkedHashMap<>();
        try (SafeTensors w = openFile(file)) {
            for (Map.Entry<String, long[]> e : before.expectedShapes().entrySet()) {
                tensors.put(e.getKey(), new SafeTensorsWriter.Tensor(w.floats(e.getKey(), e.getValue()), e.getValue()));
            }
        }
        float[] positions = Projector.sincosPositions(config.promptRows(), config.promptCols(), llm.hiddenSize(), 1f);
        tensors.put(Projector.Config.POSITION,
                new SafeTensorsWriter.Tensor(positions, new long[] {config.numVisualPrompts(), llm.hiddenSize()}));
        SafeTensorsWriter.write(file, tensors, Map.of());
        writeConfig(abs, config.withPromptPositions());
    }

    static void writeConfig(Path dir, BundleConfig config) {
        Path file = dir.resolve(BundleConfig.FILE_NAME);
        try {
            Path tmp = dir.resolve(BundleConfig.FILE_NAME + ".tmp");
            Files.writeString(tmp, config.toJson() + "\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw RayScribeException.forFile(file, "cannot write: " + e.getMessage(), e);
        }
    }

    static void copyTokenizer(Path from, Path to) {
        for (String name : TOKENIZER_FILES) {
            Path src = from.resolve(name);
            Path dst = to.resolve(name);
            try {
                if (Files.isRegularFile(src) && !(Files.exists(dst) && Files.isSameFile(src, dst))) {
                    Files.createDirectories(to);
                    Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw RayScribeException.forFile(dst, "cannot copy tokenizer file: " + e.getMessage(), e);
            }
        }
        if (!Files.isRegularFile(to.resolve("tokenizer.json"))) {
            throw RayScribeException.forFile(from.resolve("tokenizer.json"), "missing: a bundle needs the LLM's tokenizer.json");
        }
    }

    /**
     * What a random bundle looks like. The LLM's vocabulary must match the tokenizer copied from
     * {@code tokenizerDir} (e.g. stories260K's 512 tokens).
     */
    public record RandomSpec(String name, LlamaConfig llm, VisionConfig encoder, String projectorType, int promptRows,
                             int promptCols, float[] mean, float[] std, String promptPrefix, String promptInstruction,
                             Path tokenizerDir, GenerationSettings generation) {
        /** A small multimodal bundle over a tokenizer of {@code vocab} tokens (fast enough for unit tests). */
        public static RandomSpec tiny(Path tokenizerDir, int vocab) {
            return new RandomSpec("random-tiny", LlamaConfig.of(32, 64, 2, 4, 2, vocab, 256, true),
                    VisionConfig.vit(32, 8, 1, 16, 1, 2, 32), "mlp2_gelu", 2, 2, new float[] {0.5f}, new float[] {0.25f},
                    "Chest radiograph.", "Findings:", tokenizerDir,
                    new GenerationSettings(true, 1f, 0, 1f, 0L, 1f, 24, List.of(), true, true));
        }
    }

    /** Writes a complete bundle with random weights to {@code dir} (same seed, same bytes) and returns its config. */
    public static BundleConfig createRandom(Path dir, RandomSpec spec, long seed) {
        Path abs = dir.toAbsolutePath().normalize();
        BundleConfig config = new BundleConfig(spec.name(), "llm", spec.encoder(), "encoder.safetensors", spec.mean(),
                spec.std(), spec.projectorType(), "projector.safetensors", spec.promptRows(), spec.promptCols(),
                spec.promptPrefix(), spec.promptInstruction(), spec.generation(), false);
        Projector.Config pc = config.projectorConfig(spec.llm().hiddenSize());
        try (DjlLlama llm = DjlLlama.random(spec.llm(), seed, Device.cpu())) {
            llm.save(abs.resolve("llm"));
        }
        copyTokenizer(spec.tokenizerDir(), abs.resolve("llm"));
        writeRandom(abs.resolve(config.encoderWeights()), spec.encoder().expectedShapes(), seed + 1, 0.02f);
        writeRandom(abs.resolve(config.projectorWeights()), pc.expectedShapes(), seed + 2,
                (float) (1.0 / Math.sqrt(spec.encoder().hiddenSize())));
        writeConfig(abs, config);
        return config;
    }

    private static void writeRandom(Path file, Map<String, long[]> shapes, long seed, float std) {
        Map<String, float[]> values = TensorMaps.random(shapes, seed, std);
        Map<String, SafeTensorsWriter.Tensor> tensors = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            tensors.put(e.getKey(), new SafeTensorsWriter.Tensor(values.get(e.getKey()), e.getValue()));
        }
        SafeTensorsWriter.write(file, tensors, Map.of());
    }

    @Override
    public void close() {
        tokenizer.close();
        synchronized (this) {
            if (llm != null) {
                llm.close();
            }
        }
        if (visionManager != null) {
            visionManager.close();
        }
    }

    /** A prompt ready for a decoder: ids (-1 at visual positions) and their embeddings. */
    public record Prompt(int[] ids, float[][] embeddings, int visualStart, int numVisual) {
        static Prompt of(int[] prefix, float[][] visual, int[] instruction, DecoderSession session) {
            int n = prefix.length + visual.length + instruction.length;
            int[] ids = new int[n];
            float[][] emb = new float[n][];
            List<float[]> rows = new ArrayList<>(n);
            rows.addAll(Arrays.asList(session.embed(prefix)));
            rows.addAll(Arrays.asList(visual));
            rows.addAll(Arrays.asList(session.embed(instruction)));
            System.arraycopy(prefix, 0, ids, 0, prefix.length);
            Arrays.fill(ids, prefix.length, prefix.length + visual.length, -1);
            System.arraycopy(instruction, 0, ids, prefix.length + visual.length, instruction.length);
            for (int i = 0; i < n; i++) {
                emb[i] = rows.get(i);
            }
            return new Prompt(ids, emb, prefix.length, visual.length);
        }

        /** A text-only prompt. */
        public static Prompt ofTokens(int[] ids, DecoderSession session) {
            return new Prompt(ids.clone(), session.embed(ids), ids.length, 0);
        }
    }
}
