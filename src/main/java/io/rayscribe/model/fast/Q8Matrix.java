package io.rayscribe.model.fast;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Int8 weights with one float scale per group of {@link #GROUP} (64) consecutive inputs of a row
 * (symmetric, scale = max|w| / 127, like GGML's Q8_0 but with groups of 64: the per-group rescale
 * costs less, ~20% faster than 32 here, with the same stories260K agreement). A quarter of the
 * float32 bytes, so decoding, which streams every weight once per token, has a four times higher
 * bandwidth bound. This is an
 * approximation of the float32 model: activations stay float32, only weights are rounded.
 */
final class Q8Matrix extends Matrix {
    static final int GROUP = Integer.getInteger("rayscribe.q8group", 64);
    private static final VectorSpecies<Float> S = Kernels.S;
    private static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(S.vectorBitSize() / 4));
    private static final int L = S.length();

    final byte[] q;
    final float[] scales;
    private final int groups;
    private final int fullGroups;

    private Q8Matrix(byte[] q, float[] scales, int rows, int cols) {
        super(rows, cols);
        this.q = q;
        this.scales = scales;
        this.groups = (cols + GROUP - 1) / GROUP;
        this.fullGroups = cols / GROUP;
    }

    /** Quantizes row-major float weights [rows, cols]; the last group of a row may be shorter. */
    static Q8Matrix quantize(float[] w, int rows, int cols) {
        int groups = (cols + GROUP - 1) / GROUP;
        byte[] q = new byte[rows * cols];
        float[] scales = new float[rows * groups];
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < groups; g++) {
                int from = r * cols + g * GROUP;
                int to = r * cols + Math.min(cols, (g + 1) * GROUP);
                float max = 0;
                for (int i = from; i < to; i++) {
                    max = Math.max(max, Math.abs(w[i]));
                }
                float scale = max / 127f;
                scales[r * groups + g] = scale;
                float inv = scale == 0 ? 0 : 1f / scale;
                for (int i = from; i < to; i++) {
                    q[i] = (byte) Math.round(w[i] * inv);
                }
            }
        }
        return new Q8Matrix(q, scales, rows, cols);
    }

    private static FloatVector load(byte[] q, int off) {
        return (FloatVector) ByteVector.fromArray(BS, q, off).convertShape(VectorOperators.B2F, S, 0);
    }

    @Override
    void gemm(float[] x, int xStride, int n, float[] out, int outStride, int outOff, int r0, int r1) {
        if (n >= 4) {
            gemmDequantized(x, xStride, n, out, outStride, outOff, r0, r1);
            return;
        }
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            int b0 = r * cols;
            int b1 = b0 + cols;
            int b2 = b1 + cols;
            int b3 = b2 + cols;
            int s0 = r * groups;
            for (int t = 0; t < n; t++) {
                int xo = t * xStride;
                FloatVector t0 = FloatVector.zero(S);
                FloatVector t1 = FloatVector.zero(S);
                FloatVector t2 = FloatVector.zero(S);
                FloatVector t3 = FloatVector.zero(S);
                for (int g = 0; g < fullGroups; g++) {
                    FloatVector a0 = FloatVector.zero(S);
                    FloatVector a1 = FloatVector.zero(S);
                    FloatVector a2 = FloatVector.zero(S);
                    FloatVector a3 = FloatVector.zero(S);
                    int c0 = g * GROUP;
                    for (int c = c0; c < c0 + GROUP; c += L) {
                        FloatVector xv = FloatVector.fromArray(S, x, xo + c);
                        a0 = load(q, b0 + c).fma(xv, a0);
                        a1 = load(q, b1 + c).fma(xv, a1);
                        a2 = load(q, b2 + c).fma(xv, a2);
                        a3 = load(q, b3 + c).fma(xv, a3);
                    }
                    t0 = a0.fma(FloatVector.broadcast(S, scales[s0 + g]), t0);
                    t1 = a1.fma(FloatVector.broadcast(S, scales[s0 + groups + g]), t1);
                    t2 = a2.fma(FloatVector.broadcast(S, scales[s0 + 2 * groups + g]), t2);
                    t3 = a3.fma(FloatVector.broadcast(S, scales[s0 + 3 * groups + g]), t3);
                }
                int o = t * outStride + outOff + r;
                out[o] = t0.reduceLanes(VectorOperators.ADD) + tail(r, x, xo);
                out[o + 1] = t1.reduceLanes(VectorOperators.ADD) + tail(r + 1, x, xo);
                out[o + 2] = t2.reduceLanes(VectorOperators.ADD) + tail(r + 2, x, xo);
                out[o + 3] = t3.reduceLanes(VectorOperators.ADD) + tail(r + 3, x, xo);
            }
        }
        for (; r < r1; r++) {
            for (int t = 0; t < n; t++) {
                out[t * outStride + outOff + r] = rowDot(r, x, t * xStride);
            }
        }
    }

    /**
     * Prefill: expands a block of rows to float32 once and multiplies all n input rows with it, so
     * the int8 conversion is paid once per weight rather than once per weight and row.
     */
    private void gemmDequantized(float[] x, int xStride, int n, float[] out, int outStride, int outOff, int r0, int r1) {
        final int block = 16;
        float[] rowsF = new float[block * cols];
        for (int r = r0; r < r1; r += block) {
            int nr = Math.min(block, r1 - r);
            for (int i = 0; i < nr; i++) {
                dequantizeRow(r + i, rowsF, i * cols);
            }
            Kernels.gemm(rowsF, cols, x, xStride, n, out, outStride, outOff + r, 0, nr);
        }
    }

    private void dequantizeRow(int r, float[] dst, int off) {
        int b = r * cols;
        for (int g = 0; g < groups; g++) {
            float scale = scales[r * groups + g];
            for (int c = g * GROUP; c < Math.min(cols, (g + 1) * GROUP); c++) {
                dst[off + c] = q[b + c] * scale;
            }
        }
    }

    /** The short last group of row r (when cols is not a multiple of the group size). */
    private float tail(int r, float[] x, int xo) {
        if (fullGroups == groups) {
            return 0f;
        }
        int c0 = fullGroups * GROUP;
        int b = r * cols;
        float s = 0;
        for (int c = c0; c < cols; c++) {
            s += q[b + c] * x[xo + c];
        }
        return s * scales[r * groups + fullGroups];
    }

    private float rowDot(int r, float[] x, int xo) {
        float total = 0;
        int b = r * cols;
        for (int g = 0; g < groups; g++) {
            float s = 0;
            for (int c = g * GROUP; c < Math.min(cols, (g + 1) * GROUP); c++) {
                s += q[b + c] * x[xo + c];
            }
            total += s * scales[r * groups + g];
        }
        return total;
    }

    @Override
    long bytes() {
        return q.length + 4L * scales.length;
    }
}
