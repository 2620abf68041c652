package io.rayscribe.app;

import io.rayscribe.model.Generator;
import ai.djl.Device;
import io.rayscribe.core.Args;
import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.model.DecoderSession;
import io.rayscribe.model.LlamaConfig;
import io.rayscribe.model.LlamaWeights;
import io.rayscribe.model.RandomLlama;
import io.rayscribe.model.djl.DjlLlama;
import io.rayscribe.model.fast.JavaLlama;
import io.rayscribe.model.fast.MemoryBandwidth;
import io.rayscribe.model.fast.WeightFormat;
import io.rayscribe.model.fast.Workers;
import io.rayscribe.model.weights.DType;
import io.rayscribe.model.weights.SafeTensors;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code rayscribe bench llm}: load time, prefill and decode speed, time to first token and peak
 * memory of one Llama backend, beside the machine's own memory-bandwidth bound for decoding.
 * {@code --random-110m DIR} first writes a random-weight 110M-parameter Llama there (if missing);
 * {@code --peer djl} (or {@code java:q8}, ...) measures a second backend in the same run and reports
 * how many generated ids the two agree on.
 */
public final class LlmBenchCommand implements Command {
    private static final Set<String> OPTIONS = Set.of("model", "random-110m", "tokens", "prompt-tokens", "backend",
            "threads", "repeat", "warmup", "bandwidth-mb", "weights", "peer");

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws IOException {
        Args a = Args.parse(argv, Set.of("json"));
        a.rejectUnknown(OPTIONS);
        Path dir;
        if (a.has("random-110m")) {
            dir = Path.of(a.get("random-110m"));
            if (!Files.isRegularFile(dir.resolve(SafeTensors.SINGLE_FILE))) {
                err.println("writing a random-weight 110M Llama to " + dir + " ...");
                RandomLlama.write(dir, RandomLlama.shape110M(), 1, DType.F32);
            }
        } else {
            dir = Path.of(a.require("model"));
        }
        int tokens = a.getInt("tokens", 128);
        int promptTokens = a.getInt("prompt-tokens", 32);
        int repeat = a.getInt("repeat", 3);
        int warmup = a.getInt("warmup", 2);
        String backend = a.get("backend", "java");
        if (!backend.equals("java") && !backend.equals("djl")) {
            throw new RayScribeException("--backend must be java or djl, got '" + backend + "'");
        }
        WeightFormat format = WeightFormat.parse(a.get("weights", "f32"));
        int threads = a.getInt("threads", Workers.defaultParts(8));
        if (tokens < 1 || promptTokens < 1 || repeat < 1 || threads < 1) {
            throw new RayScribeException("--tokens, --prompt-tokens, --repeat and --threads must be positive");
        }
        LlamaConfig config = LlamaConfig.load(dir);
        if (promptTokens + tokens > config.maxPositionEmbeddings()) {
            throw new RayScribeException("--prompt-tokens + --tokens exceeds max_position_embeddings " + config.maxPositionEmbeddings());
        }
        long weightBytes;
        try (SafeTensors st = SafeTensors.open(dir)) {
            LlamaWeights.check(config, st);
            weightBytes = LlamaWeights.weightBytes(config, st);
        }
        String load = loadAverage();
        int[] prompt = promptIds(config, promptTokens);
        Measured main = measure(dir, config, backend, format, threads, prompt, tokens, warmup, repeat);
        Measured peer = null;
        if (a.has("peer")) {
            String[] p = a.get("peer").split(":", 2);
            WeightFormat peerFormat = p.length > 1 ? WeightFormat.parse(p[1]) : WeightFormat.F32;
            peer = measure(dir, config, p[0], peerFormat, threads, prompt, tokens, warmup, repeat);
        }
        double bandwidth = MemoryBandwidth.measure(threads, a.getInt("bandwidth-mb", 512) * (1L << 20), 5);

        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", dir.toString());
        o.put("parameters", config.parameterCount());
        o.put("weight_bytes", weightBytes);
        o.put("prompt_tokens", promptTokens);
        o.put("decode_tokens", tokens);
        o.putAll(main.figures(bandwidth, f32BytesPerToken(config)));
        o.put("bandwidth_gb_s", round(bandwidth, 2));
        o.put("load_average_before", load);
        if (peer != null) {
            o.put("peer", peer.figures(bandwidth, f32BytesPerToken(config)));
            o.put("generated_ids_agree_with_peer", agreeingPrefix(main.generated, peer.generated));
        }
        if (a.flag("json")) {
            out.println(Json.COMPACT.toJson(o));
        } else {
            o.forEach((k, v) -> out.println(k + ": " + (v instanceof double[] d ? Arrays.toString(d) : v)));
        }
        return 0;
    }

    /** The runs of one backend, and the ids its last run generated. */
    private record Measured(String backend, WeightFormat format, Integer threads, long bytesPerToken, double loadS,
                            long loadRssKb, long peakRssKb, double coldTtft, List<double[]> runs, int[] generated) {
        /**
         * {@code f32BytesPerToken} is what the float32 model streams per token: the bound. A
         * backend with smaller weights (q8) has its own, higher bound ({@code bound_tokens_per_s}) and is
         * also compared with the float32 one, since it decodes the same model approximately.
         */
        Map<String, Object> figures(double bandwidth, long f32BytesPerToken) {
            double[] decode = runs.stream().mapToDouble(x -> x[1]).sorted().toArray();
            double[] prefill = runs.stream().mapToDouble(x -> x[0]).sorted().toArray();
            double[] ttft = runs.stream().mapToDouble(x -> x[2]).sorted().toArray();
            double decodeMedian = decode[decode.length / 2];
            double bound = bandwidth * 1e9 / bytesPerToken;
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("backend", backend);
            o.put("threads", threads);
            o.put("weights", format.name().toLowerCase(Locale.ROOT));
            o.put("bytes_per_token", bytesPerToken);
            o.put("load_s", round(loadS, 3));
            o.put("prefill_tokens_per_s", round(prefill[prefill.length / 2], 1));
            o.put("decode_tokens_per_s", round(decodeMedian, 1));
            o.put("decode_tokens_per_s_runs", runs.stream().mapToDouble(x -> round(x[1], 1)).toArray());
            o.put("decode_cpu_share_runs", runs.stream().mapToDouble(x -> round(x[3], 2)).toArray());
            o.put("ttft_s", round(ttft[ttft.length / 2], 4));
            o.put("cold_ttft_s", round(coldTtft, 4));
            o.put("load_peak_rss_mb", loadRssKb < 0 ? null : round(loadRssKb / 1024.0, 1));
            o.put("peak_rss_mb", peakRssKb < 0 ? null : round(peakRssKb / 1024.0, 1));
            o.put("bound_tokens_per_s", round(bound, 1));
            o.put("fraction_of_bound", round(decodeMedian / bound, 3));
            double f32Bound = bandwidth * 1e9 / f32BytesPerToken;
            o.put("f32_bound_tokens_per_s", round(f32Bound, 1));
            o.put("fraction_of_f32_bound", round(decodeMedian / f32Bound, 3));
            return o;
        }
    }

    /** Loads one backend, warms it up, and times {@code repeat} runs (figures are medians of those). */
    private static Measured measure(Path dir, LlamaConfig config, String backend, WeightFormat format, int threads,
                                    int[] prompt, int tokens, int warmup, int repeat) {
        if (backend.equals("djl") && format != WeightFormat.F32) {
            throw new RayScribeException("weights " + format + " are only available with the java backend");
        }
        long t0 = System.nanoTime();
        AutoCloseable model;
        DecoderSession session;
        long bytesPerToken;
        switch (backend) {
            case "java" -> {
                try (SafeTensors st = SafeTensors.open(dir)) {
                    JavaLlama m = JavaLlama.create(config, st, threads, format);
                    model = m;
                    session = m.newSession();
                    bytesPerToken = m.bytesPerToken();
                }
            }
            case "djl" -> {
                DjlLlama.setTorchThreads(threads); // libtorch intra-op threads = --threads (the app uses 1)
                DjlLlama m = DjlLlama.load(dir, Device.cpu());
                model = m;
                session = m.newSession();
                bytesPerToken = f32BytesPerToken(config);
            }
            default -> throw new RayScribeException("backend must be java or djl, got '" + backend + "'");
        }
        double loadS = (System.nanoTime() - t0) / 1e9;
        long loadRss = peakRssKb();
        List<double[]> runs = new ArrayList<>();
        int[] generated = new int[tokens];
        double coldTtft;
        try (AutoCloseable ignored = model; DecoderSession s = session) {
            coldTtft = runOnce(s, prompt, tokens, generated)[2];
            for (int w = 1; w < warmup; w++) {
                runOnce(s, prompt, tokens, generated); // warm-up rounds: JIT compilation happens here
            }
            for (int r = 0; r < repeat; r++) {
                runs.add(runOnce(s, prompt, tokens, generated));
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new RayScribeException("closing the model failed: " + e.getMessage(), e);
        }
        return new Measured(backend, format, threads, bytesPerToken, loadS, loadRss,
                peakRssKb(), coldTtft, runs, generated);
    }

    /** Float32 bytes streamed per decoded token: an untied model streams lm_head but only looks up embedding rows. */
    private static long f32BytesPerToken(LlamaConfig config) {
        long lookupOnly = config.tieWordEmbeddings() ? 0 : (long) config.vocabSize() * config.hiddenSize();
        return 4L * (config.parameterCount() - lookupOnly);
    }

    private static int agreeingPrefix(int[] a, int[] b) {
        int n = 0;
        while (n < Math.min(a.length, b.length) && a[n] == b[n]) {
            n++;
        }
        return n;
    }

    /**
     * One measured run from an empty cache: {prefill tok/s, decode tok/s, ttft s, decode CPU share}.
     * The CPU share is the calling thread's CPU time over wall time while decoding: near 1 when it
     * had a core to itself, lower when other processes took the machine (the figures are then low).
     */
    private static double[] runOnce(DecoderSession s, int[] prompt, int tokens, int[] generated) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        s.reset();
        long t0 = System.nanoTime();
        float[] logits = s.forward(s.embed(prompt), null);
        int next = Generator.argmax(logits);
        long t1 = System.nanoTime();
        long c1 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < tokens; i++) {
            generated[i] = next;
            logits = s.forward(s.embed(new int[] {next}), null);
            next = Generator.argmax(logits);
        }
        long t2 = System.nanoTime();
        long c2 = mx.getCurrentThreadCpuTime();
        return new double[] {prompt.length / ((t1 - t0) / 1e9), tokens / ((t2 - t1) / 1e9), (t1 - t0) / 1e9,
            (double) (c2 - c1) / (t2 - t1)};
    }

    /** BOS followed by fixed pseudo-random ids, so every backend and run sees the same prompt. */
    private static int[] promptIds(LlamaConfig c, int n) {
        SplittableRandom r = new SplittableRandom(7);
        int[] ids = new int[n];
        ids[0] = c.bosTokenId();
        for (int i = 1; i < n; i++) {
            ids[i] = 3 + r.nextInt(c.vocabSize() - 3);
        }
        return ids;
    }


    /** VmHWM (peak resident set) in kB, or -1 where /proc is not available. */
    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // not Linux: report no figure rather than a wrong one
        }
        return -1;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return null;
        }
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
