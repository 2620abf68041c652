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
final class Q8Matrix extends NarrowMatrix {
    static final int GROUP = 64;
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

    /**
     * Decode: out[outOff + r] = row r · x, one row at a time so the int8 weights are read as one
     * sequential stream, two accumulator chains per 64-wide group and one scale FMA per group.
     * Measured here: twice the tokens per CPU-second of interleaving four rows (which shares each
     * load of x but splits the weights into four streams).
     */
    @Override
    void matvec(float[] x, int xo, float[] out, int outOff, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int b = r * cols;
            int sb = r * groups;
            FloatVector t = FloatVector.zero(S);
            for (int g = 0; g < fullGroups; g++) {
                t = L == 8 ? group8(b + g * GROUP, x, xo + g * GROUP, scales[sb + g], t)
                        : groupAny(b + g * GROUP, x, xo + g * GROUP, scales[sb + g], t);
            }
            out[outOff + r] = t.reduceLanes(VectorOperators.ADD) + tail(r, x, xo);
        }
    }

    /** One 64-wide group with 8-lane vectors, written out: C2 keeps all eight loads in flight. */
    private FloatVector group8(int b, float[] x, int xo, float scale, FloatVector t) {
        FloatVector a0 = load(q, b).mul(FloatVector.fromArray(S, x, xo));
        FloatVector a1 = load(q, b + 8).mul(FloatVector.fromArray(S, x, xo + 8));
        a0 = load(q, b + 16).fma(FloatVector.fromArray(S, x, xo + 16), a0);
        a1 = load(q, b + 24).fma(FloatVector.fromArray(S, x, xo + 24), a1);
        a0 = load(q, b + 32).fma(FloatVector.fromArray(S, x, xo + 32), a0);
        a1 = load(q, b + 40).fma(FloatVector.fromArray(S, x, xo + 40), a1);
        a0 = load(q, b + 48).fma(FloatVector.fromArray(S, x, xo + 48), a0);
        a1 = load(q, b + 56).fma(FloatVector.fromArray(S, x, xo + 56), a1);
        return a0.add(a1).fma(FloatVector.broadcast(S, scale), t);
    }

    /** The same for any vector length (4 or 16 lanes) that divides the group. */
    private FloatVector groupAny(int b, float[] x, int xo, float scale, FloatVector t) {
        FloatVector a = FloatVector.zero(S);
        for (int k = 0; k < GROUP; k += L) {
            a = load(q, b + k).fma(FloatVector.fromArray(S, x, xo + k), a);
        }
        return a.fma(FloatVector.broadcast(S, scale), t);
    }

    @Override
    void widenRow(int r, float[] dst, int off) {
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

    @Override
    long bytes() {
        return q.length + 4L * scales.length;
    }
}
