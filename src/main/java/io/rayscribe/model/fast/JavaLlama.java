package io.rayscribe.model.fast;

import io.rayscribe.core.RayScribeException;
import io.rayscribe.model.LlamaConfig;
import io.rayscribe.model.LlamaWeights;
import io.rayscribe.model.weights.DType;
import io.rayscribe.model.weights.SafeTensors;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Llama decoder in pure Java (Vector API), for fast CPU decoding. Weights are converted to float32
 * (or, on request, int8 with group scales) on the heap once at load, with the q/k/v projections packed into one matrix and gate/up into
 * another so each layer needs four parallel matrix products per token. Immutable after loading;
 * each {@link #newSession()} has its own KV cache and helper threads.
 */
public final class JavaLlama implements AutoCloseable {
    final LlamaConfig config;
    final float[] embed;
    final Matrix[] qkv;
    final Matrix[] o;
    final Matrix[] gateUp;
    final Matrix[] down;
    final float[][] inputNorm;
    final float[][] postNorm;
    final float[] finalNorm;
    final Matrix head;
    final float[] invFreq;
    private final int threads;
    private final WeightFormat format;

    private JavaLlama(LlamaConfig c, SafeTensors st, int threads, WeightFormat format) {
        this.config = c;
        this.threads = threads;
        this.format = format;
        int h = c.hiddenSize();
        int kv = c.kvDim();
        int im = c.intermediateSize();
        int layers = c.numHiddenLayers();
        embed = st.floats(LlamaWeights.EMBED);
        qkv = new Matrix[layers];
        o = new Matrix[layers];
        gateUp = new Matrix[layers];
        down = new Matrix[layers];
        inputNorm = new float[layers][];
        postNorm = new float[layers][];
        for (int l = 0; l < layers; l++) {
            float[] wqkv = new float[(h + 2 * kv) * h];
            st.readFloats(LlamaWeights.q(l), wqkv, 0);
            st.readFloats(LlamaWeights.k(l), wqkv, h * h);
            st.readFloats(LlamaWeights.v(l), wqkv, (h + kv) * h);
            qkv[l] = matrix(wqkv, h + 2 * kv, h);
            o[l] = matrix(st.floats(LlamaWeights.o(l)), h, h);
            float[] wgu = new float[2 * im * h];
            st.readFloats(LlamaWeights.gate(l), wgu, 0);
            st.readFloats(LlamaWeights.up(l), wgu, im * h);
            gateUp[l] = matrix(wgu, 2 * im, h);
            down[l] = matrix(st.floats(LlamaWeights.down(l)), h, im);
            inputNorm[l] = st.floats(LlamaWeights.inputNorm(l));
            postNorm[l] = st.floats(LlamaWeights.postNorm(l));
        }
        finalNorm = st.floats(LlamaWeights.FINAL_NORM);
        head = matrix(c.tieWordEmbeddings() ? embed : st.floats(LlamaWeights.LM_HEAD), c.vocabSize(), h);
        invFreq = ropeInverseFrequencies(c);
    }

    private Matrix matrix(float[] w, int rows, int cols) {
        return switch (format) {
            case Q8 -> Q8Matrix.quantize(w, rows, cols);
            case BF16 -> Bf16Matrix.round(w, rows, cols);
            case F32 -> new F32Matrix(w, rows, cols);
        };
    }

    /**
     * Loads a Hugging Face Llama directory ({@code config.json} + safetensors) with its matrices in
     * the checkpoint's own precision: bf16 stays bf16 (exact, half the memory of float32), float32
     * and float16 become float32.
     */
    public static JavaLlama load(Path hfDir) {
        return load(hfDir, null);
    }

    /** As {@link #load(Path)}, keeping the matrices in {@code format} (null: the checkpoint's own). */
    public static JavaLlama load(Path hfDir, WeightFormat format) {
        if (!Files.isDirectory(hfDir)) {
            throw RayScribeException.forFile(hfDir, "not a model directory");
        }
        LlamaConfig c = LlamaConfig.load(hfDir);
        try (SafeTensors st = SafeTensors.open(hfDir)) {
            WeightFormat f = format != null ? format
                    : st.info(LlamaWeights.q(0)).dtype() == DType.BF16 ? WeightFormat.BF16 : WeightFormat.F32;
            return create(c, st, Workers.defaultParts(8), f);
        }
    }

    /** Builds the decoder from open weights after checking every tensor against the config. */
    public static JavaLlama create(LlamaConfig config, SafeTensors weights) {
        return create(config, weights, Workers.defaultParts(8));
    }

    /** As {@link #create(LlamaConfig, SafeTensors)} with an explicit thread count per session. */
    public static JavaLlama create(LlamaConfig config, SafeTensors weights, int threads) {
        return create(config, weights, threads, WeightFormat.F32);
    }

    /**
     * As {@link #create(LlamaConfig, SafeTensors, int)} keeping the matrices in {@code format};
     * {@link WeightFormat#Q8} trades exactness for ~4× less memory traffic per token.
     */
    public static JavaLlama create(LlamaConfig config, SafeTensors weights, int threads, WeightFormat format) {
        LlamaWeights.check(config, weights);
        return new JavaLlama(config, weights, threads, format);
    }

    /** Hugging Face's inv_freq, computed in float32 as transformers does. */
    private static float[] ropeInverseFrequencies(LlamaConfig c) {
        int hd = c.headDim();
        float[] f = new float[hd / 2];
        for (int i = 0; i < hd / 2; i++) {
            float exponent = (float) (2 * i) / hd;
            f[i] = (float) (1.0 / (float) Math.pow(c.ropeTheta(), exponent));
        }
        return f;
    }

    public LlamaConfig config() {
        return config;
    }

    public WeightFormat format() {
        return format;
    }

    public int threads() {
        return threads;
    }

    /** Weight bytes one decode step streams: every matrix once (the embedding row lookup is negligible). */
    public long bytesPerToken() {
        long s = head.bytes();
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            s += qkv[l].bytes() + o[l].bytes() + gateUp[l].bytes() + down[l].bytes();
        }
        return s;
    }

    /** A new decoding session with an empty KV cache and its own helper threads. */
    public JavaLlamaSession newSession() {
        return new JavaLlamaSession(this, new Workers(threads, "rayscribe-decode"));
    }

    @Override
    public void close() {
        // Heap weights: nothing to release beyond dropping references.
    }
}
