package io.rayscribe.model.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels over row-major float matrices. Products take four weight rows at a time so
 * each load of {@code x} feeds four fused multiply-adds, and a block of four weight rows stays in
 * cache while all input rows pass by, so prefill streams the weights from memory once per call
 * however many rows there are.
 */
final class Kernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Kernels() {
    }

    /**
     * out[t * outStride + outOff + r] = W[r, :] · X[t, :] for t in [0, n), r in [r0, r1); W is
     * [rows, cols] row-major and X rows start {@code xStride} apart. With n = 1 this is the decode
     * matrix-vector product. Blocks of four weight rows stay in L1 while all n input rows pass by.
     */
    static void gemm(float[] w, int cols, float[] x, int xStride, int n, float[] out, int outStride, int outOff, int r0, int r1) {
        if (n == 1) {
            matvec(w, cols, x, out, outOff, r0, r1);
            return;
        }
        int bound = S.loopBound(cols);
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            int b0 = r * cols;
            int b1 = b0 + cols;
            int b2 = b1 + cols;
            int b3 = b2 + cols;
            for (int t = 0; t < n; t++) {
                int xo = t * xStride;
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = FloatVector.zero(S);
                FloatVector a2 = FloatVector.zero(S);
                FloatVector a3 = FloatVector.zero(S);
                int c = 0;
                for (; c < bound; c += L) {
                    FloatVector xv = FloatVector.fromArray(S, x, xo + c);
                    a0 = FloatVector.fromArray(S, w, b0 + c).fma(xv, a0);
                    a1 = FloatVector.fromArray(S, w, b1 + c).fma(xv, a1);
                    a2 = FloatVector.fromArray(S, w, b2 + c).fma(xv, a2);
                    a3 = FloatVector.fromArray(S, w, b3 + c).fma(xv, a3);
                }
                float s0 = a0.reduceLanes(VectorOperators.ADD);
                float s1 = a1.reduceLanes(VectorOperators.ADD);
                float s2 = a2.reduceLanes(VectorOperators.ADD);
                float s3 = a3.reduceLanes(VectorOperators.ADD);
                for (; c < cols; c++) {
                    float xc = x[xo + c];
                    s0 += w[b0 + c] * xc;
                    s1 += w[b1 + c] * xc;
                    s2 += w[b2 + c] * xc;
                    s3 += w[b3 + c] * xc;
                }
                int o = t * outStride + outOff + r;
                out[o] = s0;
                out[o + 1] = s1;
                out[o + 2] = s2;
                out[o + 3] = s3;
            }
        }
        for (; r < r1; r++) {
            for (int t = 0; t < n; t++) {
                out[t * outStride + outOff + r] = dot(w, r * cols, x, t * xStride, cols);
            }
        }
    }

    /**
     * Decode: out[outOff + r] = W[r, :] · x for r in [r0, r1), one row at a time with four
     * independent accumulators, so the weights are read as one sequential stream (measured ~10-20%
     * more bytes per CPU-second here than interleaving four rows).
     */
    static void matvec(float[] w, int cols, float[] x, float[] out, int outOff, int r0, int r1) {
        int bound4 = cols - cols % (4 * L);
        int bound = S.loopBound(cols);
        for (int r = r0; r < r1; r++) {
            int b = r * cols;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            int c = 0;
            for (; c < bound4; c += 4 * L) {
                a0 = FloatVector.fromArray(S, w, b + c).fma(FloatVector.fromArray(S, x, c), a0);
                a1 = FloatVector.fromArray(S, w, b + c + L).fma(FloatVector.fromArray(S, x, c + L), a1);
                a2 = FloatVector.fromArray(S, w, b + c + 2 * L).fma(FloatVector.fromArray(S, x, c + 2 * L), a2);
                a3 = FloatVector.fromArray(S, w, b + c + 3 * L).fma(FloatVector.fromArray(S, x, c + 3 * L), a3);
            }
            for (; c < bound; c += L) {
                a0 = FloatVector.fromArray(S, w, b + c).fma(FloatVector.fromArray(S, x, c), a0);
            }
            float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
            for (; c < cols; c++) {
                s += w[b + c] * x[c];
            }
            out[outOff + r] = s;
        }
    }

    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        if (n < 2 * L) {
            // Short vectors (small head dims): a lane reduction would cost more than the products.
            float s = 0;
            for (int i = 0; i < n; i++) {
                s += a[aOff + i] * b[bOff + i];
            }
            return s;
        }
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < bound; i += L) {
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    /**
     * Attention scores over transposed keys: sc[j] = scale × Σ_d q[qOff + d] × kT[kOff + d·stride + j]
     * for j in [0, len), eight (a vector of) positions at a time.
     */
    static void scoresTransposed(float[] q, int qOff, float[] kT, int kOff, int stride, int hd, float scale,
                                 float[] sc, int len) {
        int j = 0;
        // Sixteen positions per pass use whole 64-byte lines of each key row; two chains per half.
        for (; j + 2 * L <= len; j += 2 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S);
            FloatVector b1 = FloatVector.zero(S);
            int d = 0;
            for (; d + 1 < hd; d += 2) {
                int o = kOff + d * stride + j;
                FloatVector q0 = FloatVector.broadcast(S, q[qOff + d]);
                FloatVector q1 = FloatVector.broadcast(S, q[qOff + d + 1]);
                a0 = FloatVector.fromArray(S, kT, o).fma(q0, a0);
                b0 = FloatVector.fromArray(S, kT, o + L).fma(q0, b0);
                a1 = FloatVector.fromArray(S, kT, o + stride).fma(q1, a1);
                b1 = FloatVector.fromArray(S, kT, o + stride + L).fma(q1, b1);
            }
            if (d < hd) {
                FloatVector q0 = FloatVector.broadcast(S, q[qOff + d]);
                a0 = FloatVector.fromArray(S, kT, kOff + d * stride + j).fma(q0, a0);
                b0 = FloatVector.fromArray(S, kT, kOff + d * stride + j + L).fma(q0, b0);
            }
            a0.add(a1).mul(scale).intoArray(sc, j);
            b0.add(b1).mul(scale).intoArray(sc, j + L);
        }
        for (; j + L <= len; j += L) {
            FloatVector a0 = FloatVector.zero(S);
            for (int d = 0; d < hd; d++) {
                a0 = FloatVector.fromArray(S, kT, kOff + d * stride + j).fma(FloatVector.broadcast(S, q[qOff + d]), a0);
            }
            a0.mul(scale).intoArray(sc, j);
        }
        for (; j < len; j++) {
            float s = 0;
            for (int d = 0; d < hd; d++) {
                s += q[qOff + d] * kT[kOff + d * stride + j];
            }
            sc[j] = s * scale;
        }
    }

    /**
     * out[outOff + d] = Σ_j p[j] × v[j·stride + vOff + d] for d in [0, hd): the attention-weighted sum
     * of value rows, accumulated in registers sixteen dims (one 64-byte line of a row) at a time.
     */
    static void weightedRows(float[] p, int len, float[] v, int vOff, int stride, int hd, float[] out, int outOff) {
        int d = 0;
        for (; d + 2 * L <= hd; d += 2 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S);
            FloatVector b1 = FloatVector.zero(S);
            int j = 0;
            for (; j + 1 < len; j += 2) {
                int o = j * stride + vOff + d;
                FloatVector p0 = FloatVector.broadcast(S, p[j]);
                FloatVector p1 = FloatVector.broadcast(S, p[j + 1]);
                a0 = FloatVector.fromArray(S, v, o).fma(p0, a0);
                b0 = FloatVector.fromArray(S, v, o + L).fma(p0, b0);
                a1 = FloatVector.fromArray(S, v, o + stride).fma(p1, a1);
                b1 = FloatVector.fromArray(S, v, o + stride + L).fma(p1, b1);
            }
            if (j < len) {
                FloatVector p0 = FloatVector.broadcast(S, p[j]);
                a0 = FloatVector.fromArray(S, v, j * stride + vOff + d).fma(p0, a0);
                b0 = FloatVector.fromArray(S, v, j * stride + vOff + d + L).fma(p0, b0);
            }
            a0.add(a1).intoArray(out, outOff + d);
            b0.add(b1).intoArray(out, outOff + d + L);
        }
        for (; d + L <= hd; d += L) {
            FloatVector a0 = FloatVector.zero(S);
            for (int j = 0; j < len; j++) {
                a0 = FloatVector.fromArray(S, v, j * stride + vOff + d).fma(FloatVector.broadcast(S, p[j]), a0);
            }
            a0.intoArray(out, outOff + d);
        }
        for (; d < hd; d++) {
            float s = 0;
            for (int j = 0; j < len; j++) {
                s += p[j] * v[j * stride + vOff + d];
            }
            out[outOff + d] = s;
        }
    }

    /** y += x over n elements. */
    static void add(float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).add(FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += x[xOff + i];
        }
    }

    /** Llama RMSNorm as Hugging Face computes it: x / sqrt(mean(x²) + eps) × weight. */
    static void rmsnorm(float[] x, int xOff, float[] weight, float eps, float[] out, int outOff, int n) {
        float ss = dot(x, xOff, x, xOff, n);
        float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
        int bound = S.loopBound(n);
        FloatVector iv = FloatVector.broadcast(S, inv);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(iv).mul(FloatVector.fromArray(S, weight, i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = x[xOff + i] * inv * weight[i];
        }
    }

    /** In-place softmax over a[off .. off + n), exponentials vectorised (lane-wise EXP). */
    static void softmax(float[] a, int off, int n) {
        int bound = S.loopBound(n);
        float max = Float.NEGATIVE_INFINITY;
        int i = 0;
        if (bound > 0) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; i < bound; i += L) {
                m = m.max(FloatVector.fromArray(S, a, off + i));
            }
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            max = Math.max(max, a[off + i]);
        }
        FloatVector mv = FloatVector.broadcast(S, max);
        FloatVector sv = FloatVector.zero(S);
        for (i = 0; i < bound; i += L) {
            FloatVector e = FloatVector.fromArray(S, a, off + i).sub(mv).lanewise(VectorOperators.EXP);
            e.intoArray(a, off + i);
            sv = sv.add(e);
        }
        float sum = sv.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(a[off + i] - max);
            a[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        FloatVector iv = FloatVector.broadcast(S, inv);
        for (i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, a, off + i).mul(iv).intoArray(a, off + i);
        }
        for (; i < n; i++) {
            a[off + i] *= inv;
        }
    }

    /** SwiGLU in place: g[i] = silu(g[i]) × u[i] = g / (1 + e^-g) × u. */
    static void swiglu(float[] g, int gOff, float[] u, int uOff, int n) {
        int bound = S.loopBound(n);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, g, gOff + i);
            FloatVector e = v.neg().lanewise(VectorOperators.EXP);
            v.div(e.add(one)).mul(FloatVector.fromArray(S, u, uOff + i)).intoArray(g, gOff + i);
        }
        for (; i < n; i++) {
            float v = g[gOff + i];
            g[gOff + i] = v / (1f + (float) Math.exp(-v)) * u[uOff + i];
        }
    }
}
