package io.rayscribe.model.fast;

import io.rayscribe.core.RayScribeException;
import io.rayscribe.model.DecoderSession;
import io.rayscribe.model.LlamaConfig;

import java.util.Arrays;

/**
 * One sequence through a {@link JavaLlama}: KV cache, scratch buffers and helper threads.
 * {@link #forward} handles n rows at once (prefill reads each weight once for all rows) and one row
 * per step while decoding. Not thread-safe.
 */
public final class JavaLlamaSession implements DecoderSession {
    /** Below this many multiply-adds a product runs on the calling thread: a hand-off costs more. */
    private static final long PARALLEL_MIN_WORK = 48 * 1024;

    private final JavaLlama m;
    private final LlamaConfig c;
    private final Workers workers;
    private final int h;
    private final int kv;
    private final int im;
    private final int hd;
    private final int heads;
    private final int group;
    private final int maxPositions;
    private final float eps;
    private final float scale;

    private float[][] keyCache;
    private float[][] valueCache;
    private int cacheCapacity;
    private int pos;

    private int rowCapacity;
    private float[] x;
    private float[] xb;
    private float[] qkvOut;
    private float[] att;
    private float[] tmp;
    private float[] gu;
    private float[] cos;
    private float[] sin;
    private final float[] last;
    private final float[] logits;
    private boolean closed;

    JavaLlamaSession(JavaLlama model, Workers workers) {
        this.m = model;
        this.c = model.config;
        this.workers = workers;
        this.h = c.hiddenSize();
        this.kv = c.kvDim();
        this.im = c.intermediateSize();
        this.hd = c.headDim();
        this.heads = c.numAttentionHeads();
        this.group = heads / c.numKeyValueHeads();
        this.maxPositions = c.maxPositionEmbeddings();
        this.eps = (float) c.rmsNormEps();
        this.scale = (float) (1.0 / Math.sqrt(hd));
        this.keyCache = new float[c.numHiddenLayers()][];
        this.valueCache = new float[c.numHiddenLayers()][];
        this.last = new float[h];
        this.logits = new float[c.vocabSize()];
        ensureCache(Math.min(maxPositions, 32)); // grows by doubling as positions are used
        ensureRows(1);
    }

    @Override
    public int hiddenSize() {
        return h;
    }

    @Override
    public int vocabSize() {
        return c.vocabSize();
    }

    @Override
    public int numLayers() {
        return c.numHiddenLayers();
    }

    @Override
    public int numHeads() {
        return heads;
    }

    @Override
    public int position() {
        return pos;
    }

    @Override
    public void reset() {
        pos = 0;
    }

    @Override
    public float[][] embed(int[] tokenIds) {
        float[][] out = new float[tokenIds.length][];
        for (int i = 0; i < tokenIds.length; i++) {
            int id = tokenIds[i];
            if (id < 0 || id >= c.vocabSize()) {
                throw new RayScribeException("token id " + id + " is outside the vocabulary (0.." + (c.vocabSize() - 1) + ")");
            }
            out[i] = Arrays.copyOfRange(m.embed, id * h, (id + 1) * h);
        }
        return out;
    }

    @Override
    public float[] forward(float[][] embeddings, AttentionSink sink) {
        if (closed) {
            throw new IllegalStateException("session closed");
        }
        int n = embeddings.length;
        if (n == 0) {
            throw new IllegalArgumentException("forward needs at least one row");
        }
        if (pos + n > maxPositions) {
            throw new RayScribeException("context full: " + (pos + n) + " positions exceed max_position_embeddings "
                    + maxPositions);
        }
        ensureRows(n);
        ensureCache(pos + n);
        for (int t = 0; t < n; t++) {
            if (embeddings[t].length != h) {
                throw new IllegalArgumentException("embedding row " + t + " has " + embeddings[t].length + " values, expected " + h);
            }
            System.arraycopy(embeddings[t], 0, x, t * h, h);
        }
        ropeTables(n);
        int positions = pos + n;
        float[] probs = sink == null ? null : new float[c.numHiddenLayers() * heads * positions];
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            layer(l, n, probs);
        }
        pos += n;
        Kernels.rmsnorm(x, (n - 1) * h, m.finalNorm, eps, last, 0, h);
        matmul(m.head, last, h, 1, logits, c.vocabSize(), 0);
        if (sink != null) {
            sink.accept(probs, c.numHiddenLayers(), heads, positions);
        }
        return logits.clone();
    }

    private void layer(int l, int n, float[] probs) {
        int qkvWidth = h + 2 * kv;
        for (int t = 0; t < n; t++) {
            Kernels.rmsnorm(x, t * h, m.inputNorm[l], eps, xb, t * h, h);
        }
        matmul(m.qkv[l], xb, h, n, qkvOut, qkvWidth, 0);
        float[] kc = keyCache[l];
        float[] vc = valueCache[l];
        for (int t = 0; t < n; t++) {
            int base = t * qkvWidth;
            rope(qkvOut, base, heads, t);
            rope(qkvOut, base + h, c.numKeyValueHeads(), t);
            int p = pos + t;
            for (int i = 0; i < kv; i++) {
                kc[i * cacheCapacity + p] = qkvOut[base + h + i]; // keys transposed: [kv][position]
            }
            System.arraycopy(qkvOut, base + h + kv, vc, p * kv, kv);
        }
        attention(l, n, probs);
        matmul(m.o[l], att, h, n, tmp, h, 0);
        Kernels.add(tmp, 0, x, 0, n * h);
        for (int t = 0; t < n; t++) {
            Kernels.rmsnorm(x, t * h, m.postNorm[l], eps, xb, t * h, h);
        }
        matmul(m.gateUp[l], xb, h, n, gu, 2 * im, 0);
        for (int t = 0; t < n; t++) {
            Kernels.swiglu(gu, t * 2 * im, gu, t * 2 * im + im, im);
        }
        matmul(m.down[l], gu, 2 * im, n, tmp, h, 0);
        Kernels.add(tmp, 0, x, 0, n * h);
    }

    /** Causal attention of the n new rows over the cache, split by (row, head) across threads. */
    private void attention(int l, int n, float[] probs) {
        float[] kc = keyCache[l];
        float[] vc = valueCache[l];
        int qkvWidth = h + 2 * kv;
        int items = n * heads;
        int positionsAll = pos + n;
        long work = (long) items * positionsAll * hd * 2;
        Workers.Range task = (from, to) -> {
            float[] sc = new float[positionsAll];
            for (int it = from; it < to; it++) {
                int t = it / heads;
                int head = it % heads;
                int kvOff = (head / group) * hd;
                int qOff = t * qkvWidth + head * hd;
                int len = pos + t + 1;
                Kernels.scoresTransposed(qkvOut, qOff, kc, kvOff * cacheCapacity, cacheCapacity, hd, scale, sc, len);
                Kernels.softmax(sc, 0, len);
                Kernels.weightedRows(sc, len, vc, kvOff, kv, hd, att, t * h + head * hd);
                if (probs != null && t == n - 1) {
                    System.arraycopy(sc, 0, probs, (l * heads + head) * positionsAll, len);
                }
            }
        };
        if (work < PARALLEL_MIN_WORK) {
            task.run(0, items);
        } else {
            workers.forRange(items, 1, task);
        }
    }

    /** out[t * outStride + outOff + r] = W · in[t], rows split across the helper threads when worth it. */
    private void matmul(Matrix w, float[] in, int inStride, int n, float[] out, int outStride, int outOff) {
        long work = (long) w.rows * w.cols * n;
        if (work < PARALLEL_MIN_WORK) {
            w.gemm(in, inStride, n, out, outStride, outOff, 0, w.rows);
            return;
        }
        workers.forRange(w.rows, Matrix.ROW_ALIGN, (r0, r1) -> w.gemm(in, inStride, n, out, outStride, outOff, r0, r1));
    }

    /** cos/sin of every (row, frequency) for the positions of this call. */
    private void ropeTables(int n) {
        int half = hd / 2;
        for (int t = 0; t < n; t++) {
            float p = pos + t;
            for (int i = 0; i < half; i++) {
                float angle = p * m.invFreq[i];
                cos[t * half + i] = (float) Math.cos(angle);
                sin[t * half + i] = (float) Math.sin(angle);
            }
        }
    }

    /** Hugging Face rotate-half RoPE: pairs (i, i + hd/2) of each head rotate by the row's angle. */
    private void rope(float[] v, int off, int numHeads, int t) {
        int half = hd / 2;
        int tb = t * half;
        for (int head = 0; head < numHeads; head++) {
            int b = off + head * hd;
            for (int i = 0; i < half; i++) {
                float x1 = v[b + i];
                float x2 = v[b + i + half];
                float cs = cos[tb + i];
                float sn = sin[tb + i];
                v[b + i] = x1 * cs - x2 * sn;
                v[b + i + half] = x2 * cs + x1 * sn;
            }
        }
    }

    private void ensureRows(int n) {
        if (n <= rowCapacity) {
            return;
        }
        int cap = Math.max(n, rowCapacity * 2);
        x = new float[cap * h];
        xb = new float[cap * h];
        qkvOut = new float[cap * (h + 2 * kv)];
        att = new float[cap * h];
        tmp = new float[cap * h];
        gu = new float[cap * 2 * im];
        cos = new float[cap * hd / 2];
        sin = new float[cap * hd / 2];
        rowCapacity = cap;
    }

    /**
     * Grows the KV cache (doubling, up to max_position_embeddings) to hold {@code positions}. Keys
     * are stored transposed, [kv dim][position], so a head's scores over all positions are
     * vectorised across positions (small heads such as stories260K's 8 dims would otherwise spend
     * their time in per-position lane reductions); values stay [position][kv dim].
     */
    private void ensureCache(int positions) {
        if (positions <= cacheCapacity) {
            return;
        }
        int cap = Math.min(maxPositions, Math.max(positions, cacheCapacity * 2));
        for (int l = 0; l < keyCache.length; l++) {
            float[] keys = new float[cap * kv];
            if (keyCache[l] != null) {
                for (int i = 0; i < kv; i++) {
                    System.arraycopy(keyCache[l], i * cacheCapacity, keys, i * cap, cacheCapacity);
                }
            }
            keyCache[l] = keys;
            valueCache[l] = valueCache[l] == null ? new float[cap * kv] : Arrays.copyOf(valueCache[l], cap * kv);
        }
        cacheCapacity = cap;
    }

    @Override
    public void close() {
        closed = true;
        workers.close();
    }
}
