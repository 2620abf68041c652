package io.rayscribe.model.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import io.rayscribe.model.DecoderSession;
import io.rayscribe.model.LlamaConfig;
import io.rayscribe.model.LlamaWeights;
import io.rayscribe.model.weights.SafeTensors;
import io.rayscribe.model.weights.SafeTensorsWriter;

import java.nio.file.Path;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Llama decoder written with DJL NDArray operations (PyTorch engine). One implementation
 * serves both faces of the model:
 * <ul>
 *   <li>inference: {@link #newSession()} gives a {@link DecoderSession} with a KV cache, one
 *       sub-manager per step, and the last row's attention copied out once per token;</li>
 *   <li>training: {@link #forward(NDArray, NDArray)} runs a batch [B,T,H] of input embeddings to
 *       logits [B,T,V] over the {@link #parameters()} the trainer may mark as requiring gradients.</li>
 * </ul>
 * Parameters use Hugging Face names and layouts ({@code [out, in]} linear weights, applied with
 * {@code linear} so no transposed copies are made). RoPE is Hugging Face's rotate-half form.
 */
public final class DjlLlama implements AutoCloseable {
    /** Supplies one parameter's values (row-major float32) given its name and expected shape. */
    @FunctionalInterface
    public interface TensorSource {
        float[] read(String name, long[] shape);
    }

    private static final float MASKED = -1e9f;

    private final LlamaConfig dims;
    private final NDManager manager;
    private final Map<String, NDArray> params;
    private final Layer[] layers;
    private final NDArray embed;
    private final NDArray finalNorm;
    private final NDArray head;
    private final NDArray cos;
    private final NDArray sinSigned;
    private final NDArray eps;
    /** 1/sqrt(head dim) as a tensor owned by the model: see {@link GraphScalars} for why not a float. */
    private final NDArray attnScale;
    private final DataType dtype;

    private record Layer(NDArray inNorm, NDArray wq, NDArray wk, NDArray wv, NDArray wo, NDArray postNorm,
                         NDArray gate, NDArray up, NDArray down) {
    }

    private DjlLlama(LlamaConfig dims, NDManager manager, Map<String, NDArray> params, DataType dtype) {
        this.dims = dims;
        this.dtype = dtype;
        this.manager = manager;
        this.params = Collections.unmodifiableMap(params);
        this.layers = new Layer[dims.numHiddenLayers()];
        for (int l = 0; l < layers.length; l++) {
            String p = "model.layers." + l + ".";
            layers[l] = new Layer(params.get(p + "input_layernorm.weight"), params.get(p + "self_attn.q_proj.weight"),
                    params.get(p + "self_attn.k_proj.weight"), params.get(p + "self_attn.v_proj.weight"),
                    params.get(p + "self_attn.o_proj.weight"), params.get(p + "post_attention_layernorm.weight"),
                    params.get(p + "mlp.gate_proj.weight"), params.get(p + "mlp.up_proj.weight"),
                    params.get(p + "mlp.down_proj.weight"));
        }
        this.embed = params.get("model.embed_tokens.weight");
        this.finalNorm = params.get("model.norm.weight");
        this.head = dims.tieWordEmbeddings() ? embed : params.get("lm_head.weight");
        NDArray[] rope = ropeTables(manager, dims);
        this.cos = rope[0];
        this.sinSigned = rope[1];
        this.eps = manager.create((float) dims.rmsNormEps());
        this.attnScale = manager.create((float) (1.0 / Math.sqrt(dims.headDim())));
    }

    /**
     * Sets libtorch's intra-op threads (process-wide). Incremental decoding multiplies one row by each
     * matrix; with two threads libtorch's spin-waiting costs more than it gains on a busy 2-core CPU
     * (measured ~6 ms/token with 1 thread vs ~90-200 ms with 2 on stories260K under load), so the
     * inference paths ask for 1 on the CPU. Training may set it back for its batched matmuls.
     */
    public static void setTorchThreads(int threads) {
        Engine.getEngine("PyTorch"); // loads the native library before the first JNI call
        if (ai.djl.pytorch.jni.JniUtils.getNumThreads() != threads) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
    }

    /** The device DJL picks: the first GPU when one is visible, else the CPU. */
    public static synchronized Device defaultDevice() {
        if (defaultDevice == null) {
            defaultDevice = Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        }
        return defaultDevice;
    }

    private static Device defaultDevice;

    /**
     * Loads a Hugging Face Llama directory ({@code config.json} + {@code model.safetensors} or a sharded
     * index): every tensor is checked against the config (name, dtype, shape) before any is used.
     */
    public static DjlLlama load(Path dir, Device device) {
        return load(dir, device, configuredType());
    }

    /** As {@link #load(Path, Device)} holding the weights in {@code dtype} (FLOAT32 or FLOAT16). */
    public static DjlLlama load(Path dir, Device device, DataType dtype) {
        LlamaConfig config = LlamaConfig.load(dir);
        try (SafeTensors weights = SafeTensors.open(dir)) {
            LlamaWeights.check(config, weights);
            return create(config, weights::floats, device, dtype);
        }
    }

    /**
     * The weight type for inference: FLOAT32 unless {@code -Drayscribe.llm.dtype=f16} (halves the
     * memory of a large checkpoint on a GPU; norms, softmax and logits are still computed in float32).
     * Training needs FLOAT32.
     */
    public static DataType configuredType() {
        String t = System.getProperty(DTYPE_PROPERTY, "f32").toLowerCase(java.util.Locale.ROOT);
        return switch (t) {
            case "f16", "float16", "half" -> DataType.FLOAT16;
            case "f32", "float32" -> DataType.FLOAT32;
            default -> throw new io.rayscribe.core.RayScribeException("-D" + DTYPE_PROPERTY + "=" + t
                    + ": expected f32 or f16");
        };
    }

    public static final String DTYPE_PROPERTY = "rayscribe.llm.dtype";

    /** Builds the model on {@code device}, reading every parameter from {@code source}. */
    public static DjlLlama create(LlamaConfig dims, TensorSource source, Device device) {
        return create(dims, source, device, DataType.FLOAT32);
    }

    /** As {@link #create(LlamaConfig, TensorSource, Device)} holding the weights in {@code dtype}. */
    public static DjlLlama create(LlamaConfig dims, TensorSource source, Device device, DataType dtype) {
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
            throw new IllegalArgumentException("weights can be FLOAT32 or FLOAT16, not " + dtype);
        }
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : LlamaWeights.expected(dims).entrySet()) {
                float[] data = source.read(e.getKey(), e.getValue());
                NDArray a = manager.create(data, new Shape(e.getValue()));
                if (dtype != DataType.FLOAT32) {
                    NDArray converted = a.toType(dtype, false);
                    a.close();
                    a = converted;
                }
                a.setName(e.getKey());
                params.put(e.getKey(), a);
            }
            return new DjlLlama(dims, manager, params, dtype);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    /**
     * cos and "signed sin" tables [maxPos, headDim] for rotate-half RoPE:
     * {@code rope(x) = x*cos + swapHalves(x)*sinSigned} with sinSigned = [-sin, sin].
     */
    private static NDArray[] ropeTables(NDManager manager, LlamaConfig dims) {
        int hd = dims.headDim();
        int half = hd / 2;
        int n = dims.maxPositionEmbeddings();
        float[] invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            invFreq[i] = (float) (1.0 / Math.pow(dims.ropeTheta(), (2.0 * i) / hd));
        }
        float[] c = new float[n * hd];
        float[] s = new float[n * hd];
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) p * invFreq[i];
                float cv = (float) Math.cos(angle);
                float sv = (float) Math.sin(angle);
                c[p * hd + i] = cv;
                c[p * hd + half + i] = cv;
                s[p * hd + i] = -sv;
                s[p * hd + half + i] = sv;
            }
        }
        return new NDArray[] {manager.create(c, new Shape(n, hd)), manager.create(s, new Shape(n, hd))};
    }

    public LlamaConfig config() {
        return dims;
    }

    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** Hugging Face name → parameter (live arrays: mark them trainable, update them in place). */
    public Map<String, NDArray> parameters() {
        return params;
    }

    /**
     * Random initial weights as Hugging Face initialises a Llama: N(0, 0.02) for matrices, 1 for the
     * RMSNorm weights. Same seed, same weights.
     */
    public static DjlLlama random(LlamaConfig config, long seed, Device device) {
        java.util.Random r = new java.util.Random(seed);
        return create(config, (name, shape) -> {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            float[] v = new float[Math.toIntExact(n)];
            if (name.endsWith("norm.weight")) {
                java.util.Arrays.fill(v, 1f);
            } else {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (r.nextGaussian() * 0.02);
                }
            }
            return v;
        }, device);
    }

    /** Writes {@code config.json} and {@code model.safetensors} (F32) into {@code dir}. */
    public void save(Path dir) {
        config().save(dir);
        Map<String, SafeTensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            tensors.put(e.getKey(), new SafeTensorsWriter.Tensor(floats(e.getValue()), e.getValue().getShape().getShape()));
        }
        SafeTensorsWriter.write(dir.resolve(SafeTensors.SINGLE_FILE), tensors, Map.of("format", "pt"));
    }

    /** Parameter values copied to Java, for checkpoints ({@code name → float[]} in parameter order). */
    public Map<String, float[]> parameterValues() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            out.put(e.getKey(), floats(e.getValue()));
        }
        return out;
    }

    /** Token embeddings [.., H] for an int64/int32 id array of any shape; differentiable w.r.t. the table. */
    public NDArray embedTokens(NDArray ids) {
        NDArray idx = ids.getDataType() == DataType.INT64 ? ids : ids.toType(DataType.INT64, false);
        return idx.getNDArrayInternal().embedding(idx, embed, SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * The training/batch forward pass: {@code inputsEmbeds} [B,T,H] at positions 0..T-1, causal
     * attention, and when {@code paddingMask} [B,T] is given (1 = real token, 0 = padding) padded keys
     * are masked too (pad on the right). Returns logits [B,T,V] in the manager of {@code inputsEmbeds}.
     */
    public NDArray forward(NDArray inputsEmbeds, NDArray paddingMask) {
        return forward(inputsEmbeds, paddingMask, null);
    }

    /**
     * As {@link #forward(NDArray, NDArray)}; when {@code attentionScores} is given, each layer's
     * masked pre-softmax attention scores [B,heads,T,T] are added to it, still attached to the autograd
     * graph (stage 2's attention supervision trains on them: a softmax over a subset of the keys is
     * stable where renormalising the probabilities of that subset is not).
     */
    public NDArray forward(NDArray inputsEmbeds, NDArray paddingMask, List<NDArray> attentionScores) {
        NDManager m = inputsEmbeds.getManager();
        long b = inputsEmbeds.getShape().get(0);
        int t = (int) inputsEmbeds.getShape().get(1);
        checkPositions(0, t);
        NDArray mask = causalMask(m, 0, t, t);
        if (paddingMask != null) {
            NDArray keep = paddingMask.toType(DataType.FLOAT32, false).reshape(b, 1, 1, t);
            mask = mask.add(keep.sub(1f).mul(-MASKED));
        }
        NDArray x = runLayers(inputsEmbeds, 0, mask, null, null, attentionScores);
        return logits(x);
    }

    private void checkPositions(int pos0, int n) {
        if (pos0 + n > dims.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequence of " + (pos0 + n) + " positions exceeds max_position_embeddings "
                    + dims.maxPositionEmbeddings());
        }
    }

    /** Additive causal mask [1,1,n,pos0+n] for n new rows at positions pos0..pos0+n-1. */
    private static NDArray causalMask(NDManager m, int pos0, int n, int keys) {
        float[] mask = new float[n * keys];
        for (int i = 0; i < n; i++) {
            for (int j = pos0 + i + 1; j < keys; j++) {
                mask[i * keys + j] = MASKED;
            }
        }
        return m.create(mask, new Shape(1, 1, n, keys));
    }

    private NDArray logits(NDArray x) {
        NDArray h = rmsNorm(x, finalNorm);
        NDArray out = linear(h, head);
        return out.getDataType() == DataType.FLOAT32 ? out : out.toType(DataType.FLOAT32, false);
    }

    /** Values as float32 Java floats, whatever the array's type. */
    private static float[] floats(NDArray a) {
        return a.getDataType() == DataType.FLOAT32 ? a.toFloatArray() : a.toType(DataType.FLOAT32, false).toFloatArray();
    }

    /** The weights' element type (FLOAT32, or FLOAT16 for half-precision inference). */
    public DataType dtype() {
        return dtype;
    }

    /**
     * Runs all layers over x [B,n,H] at positions pos0.. . With a cache, keys/values are appended to it
     * (B = 1). With {@code lastRowProbs}, each layer's attention of the last row [B,heads,S] is collected.
     */
    private NDArray runLayers(NDArray x, int pos0, NDArray mask, KvCache cache, List<NDArray> lastRowProbs) {
        return runLayers(x, pos0, mask, cache, lastRowProbs, null);
    }

    private NDArray runLayers(NDArray x, int pos0, NDArray mask, KvCache cache, List<NDArray> lastRowProbs,
                              List<NDArray> allScores) {
        NDManager m = x.getManager();
        int n = (int) x.getShape().get(1);
        NDIndex rows = new NDIndex(pos0 + ":" + (pos0 + n));
        NDArray c = cos.get(m, rows);
        NDArray s = sinSigned.get(m, rows);
        if (dtype != DataType.FLOAT32) {
            c = c.toType(dtype, false);
            s = s.toType(dtype, false);
        }
        for (int l = 0; l < layers.length; l++) {
            x = layer(l, x, c, s, mask, cache, lastRowProbs, allScores);
        }
        return x;
    }

    private NDArray layer(int l, NDArray x, NDArray c, NDArray s, NDArray mask, KvCache cache,
                          List<NDArray> lastRowProbs, List<NDArray> allScores) {
        Layer w = layers[l];
        long b = x.getShape().get(0);
        long n = x.getShape().get(1);
        int heads = dims.numAttentionHeads();
        int kvHeads = dims.numKeyValueHeads();
        int hd = dims.headDim();
        int group = heads / kvHeads;

        NDArray h = rmsNorm(x, w.inNorm());
        NDArray q = linear(h, w.wq()).reshape(b, n, heads, hd).transpose(0, 2, 1, 3);
        NDArray k = linear(h, w.wk()).reshape(b, n, kvHeads, hd).transpose(0, 2, 1, 3);
        NDArray v = linear(h, w.wv()).reshape(b, n, kvHeads, hd).transpose(0, 2, 1, 3);
        q = rope(q, c, s);
        k = rope(k, c, s);
        if (cache != null) {
            k = cache.appendKeys(l, k);
            v = cache.appendValues(l, v);
        }
        long keys = k.getShape().get(2);
        // Grouped-query attention without repeating K/V: the query heads sharing one KV head are
        // stacked along the row axis, [B, kvHeads, group*n, hd] x [B, kvHeads, hd, S].
        NDArray scores = q.mul(attnScale).reshape(b, kvHeads, group * n, hd).matMul(k.transpose(0, 1, 3, 2))
                .reshape(b, heads, n, keys);
        if (dtype != DataType.FLOAT32) {
            scores = scores.toType(DataType.FLOAT32, false); // softmax in float32, as transformers does
        }
        if (mask != null) {
            scores = scores.add(mask);
        }
        if (allScores != null) {
            allScores.add(scores);
        }
        NDArray probs = scores.softmax(-1);
        if (lastRowProbs != null) {
            lastRowProbs.add(probs.get(":, :, -1, :"));
        }
        if (dtype != DataType.FLOAT32) {
            probs = probs.toType(dtype, false);
        }
        NDArray ctx = probs.reshape(b, kvHeads, group * n, keys).matMul(v)
                .reshape(b, heads, n, hd).transpose(0, 2, 1, 3).reshape(b, n, (long) heads * hd);
        x = x.add(linear(ctx, w.wo()));
        NDArray h2 = rmsNorm(x, w.postNorm());
        NDArray g = linear(h2, w.gate());
        NDArray mlp = linear(g.mul(Activation.sigmoid(g)).mul(linear(h2, w.up())), w.down());
        return x.add(mlp);
    }

    private static NDArray linear(NDArray x, NDArray weight) {
        return x.getNDArrayInternal().linear(x, weight, null).singletonOrThrow();
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        if (x.getDataType() != DataType.FLOAT32) {
            // Half precision: normalise in float32, as transformers' LlamaRMSNorm does.
            NDArray xf = x.toType(DataType.FLOAT32, false);
            NDArray rms = xf.square().mean(new int[] {-1}, true).add(eps).sqrt();
            return xf.div(rms).toType(x.getDataType(), false).mul(weight);
        }
        NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt();
        return x.div(rms).mul(weight);
    }

    private static NDArray rope(NDArray x, NDArray c, NDArray s) {
        NDList halves = x.split(2, 3);
        NDArray swapped = halves.get(1).concat(halves.get(0), 3);
        return x.mul(c).add(swapped.mul(s));
    }

    /** A new incremental-decoding session (its own KV cache). */
    public Session newSession() {
        return new Session();
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Per-layer key/value tensors [1, kvHeads, S, hd] living in the session's manager. */
    private static final class KvCache {
        private final NDArray[] keys;
        private final NDArray[] values;
        private final NDManager owner;

        KvCache(int layers, NDManager owner) {
            this.keys = new NDArray[layers];
            this.values = new NDArray[layers];
            this.owner = owner;
        }

        NDArray appendKeys(int layer, NDArray k) {
            keys[layer] = append(keys[layer], k);
            return keys[layer];
        }

        NDArray appendValues(int layer, NDArray v) {
            values[layer] = append(values[layer], v);
            return values[layer];
        }

        private NDArray append(NDArray old, NDArray fresh) {
            NDArray joined = old == null ? fresh.duplicate() : NDArrays.concat(new NDList(old, fresh), 2);
            joined.attach(owner);
            if (old != null) {
                old.close();
            }
            return joined;
        }

        void clear() {
            for (int l = 0; l < keys.length; l++) {
                if (keys[l] != null) {
                    keys[l].close();
                    values[l].close();
                }
                keys[l] = null;
                values[l] = null;
            }
        }
    }

    /** Incremental decoding over this model; not thread-safe (one per generation worker). */
    public final class Session implements DecoderSession {
        private final NDManager sessionManager = manager.newSubManager();
        private final KvCache cache = new KvCache(dims.numHiddenLayers(), sessionManager);
        private int position;

        @Override
        public int hiddenSize() {
            return dims.hiddenSize();
        }

        @Override
        public int vocabSize() {
            return dims.vocabSize();
        }

        @Override
        public int numLayers() {
            return dims.numHiddenLayers();
        }

        @Override
        public int numHeads() {
            return dims.numAttentionHeads();
        }

        @Override
        public float[][] embed(int[] tokenIds) {
            float[][] out = new float[tokenIds.length][];
            try (NDManager step = manager.newSubManager()) {
                for (int i = 0; i < tokenIds.length; i++) {
                    int id = tokenIds[i];
                    if (id < 0 || id >= dims.vocabSize()) {
                        throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + dims.vocabSize());
                    }
                    out[i] = floats(embed.get(step, new NDIndex(id)));
                }
            }
            return out;
        }

        @Override
        public float[] forward(float[][] embeddings, AttentionSink sink) {
            int n = embeddings.length;
            int hidden = dims.hiddenSize();
            checkPositions(position, n);
            float[] flat = new float[n * hidden];
            for (int i = 0; i < n; i++) {
                if (embeddings[i].length != hidden) {
                    throw new IllegalArgumentException("embedding row " + i + " has " + embeddings[i].length
                            + " values, expected " + hidden);
                }
                System.arraycopy(embeddings[i], 0, flat, i * hidden, hidden);
            }
            boolean grad = GradMode.disable();
            try (NDManager step = sessionManager.newSubManager()) {
                NDArray x = step.create(flat, new Shape(1, n, hidden));
                if (dtype != DataType.FLOAT32) {
                    x = x.toType(dtype, false);
                }
                NDArray mask = n > 1 ? causalMask(step, position, n, position + n) : null;
                List<NDArray> probs = sink != null ? new ArrayList<>(dims.numHiddenLayers()) : null;
                NDArray out = runLayers(x, position, mask, cache, probs);
                float[] logits = logits(out.get(":, -1, :")).toFloatArray();
                position += n;
                if (sink != null) {
                    // One copy per token: [layers, 1, heads, S] stacked on the native side.
                    float[] p = NDArrays.stack(new NDList(probs)).toFloatArray();
                    sink.accept(p, dims.numHiddenLayers(), dims.numAttentionHeads(), position);
                }
                return logits;
            } finally {
                GradMode.restore(grad);
            }
        }

        @Override
        public int position() {
            return position;
        }

        @Override
        public void reset() {
            cache.clear();
            position = 0;
        }

        @Override
        public void close() {
            cache.clear();
            sessionManager.close();
        }
    }
}
