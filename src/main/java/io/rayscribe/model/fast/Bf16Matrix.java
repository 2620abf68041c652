package io.rayscribe.model.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * bfloat16 weights: the upper half of each float32, so widening is a shift and exact. A bf16
 * checkpoint keeps its own numbers at half the memory of float32 (most published Llama checkpoints
 * are bf16); a float32 checkpoint is rounded to nearest-even, an approximation with 8 significant
 * bits per weight. Decoding streams half the bytes of float32 per token.
 */
final class Bf16Matrix extends NarrowMatrix {
    private static final VectorSpecies<Float> S = Kernels.S;
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
    private static final VectorSpecies<Short> SS = VectorSpecies.of(short.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
    private static final int L = S.length();

    final short[] w;

    private Bf16Matrix(short[] w, int rows, int cols) {
        super(rows, cols);
        this.w = w;
    }

    /** Rounds row-major float weights [rows, cols] to bfloat16 (nearest-even; exact for bf16 values). */
    static Bf16Matrix round(float[] f, int rows, int cols) {
        short[] w = new short[f.length];
        for (int i = 0; i < f.length; i++) {
            w[i] = toBf16(f[i]);
        }
        return new Bf16Matrix(w, rows, cols);
    }

    static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40); // keep it a NaN
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    static float toFloat(short b) {
        return Float.intBitsToFloat(b << 16);
    }

    private static FloatVector load(short[] w, int off) {
        IntVector wide = (IntVector) ShortVector.fromArray(SS, w, off).convertShape(VectorOperators.S2I, IS, 0);
        return wide.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /**
     * Decode: one row at a time (one sequential stream of weights), eight loads in flight per step
     * into four accumulator chains.
     */
    @Override
    void matvec(float[] x, int xo, float[] out, int outOff, int r0, int r1) {
        int bound8 = cols - cols % (8 * L);
        int bound = S.loopBound(cols);
        for (int r = r0; r < r1; r++) {
            int b = r * cols;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            int c = 0;
            for (; c < bound8; c += 8 * L) {
                a0 = load(w, b + c).fma(FloatVector.fromArray(S, x, xo + c), a0);
                a1 = load(w, b + c + L).fma(FloatVector.fromArray(S, x, xo + c + L), a1);
                a2 = load(w, b + c + 2 * L).fma(FloatVector.fromArray(S, x, xo + c + 2 * L), a2);
                a3 = load(w, b + c + 3 * L).fma(FloatVector.fromArray(S, x, xo + c + 3 * L), a3);
                a0 = load(w, b + c + 4 * L).fma(FloatVector.fromArray(S, x, xo + c + 4 * L), a0);
                a1 = load(w, b + c + 5 * L).fma(FloatVector.fromArray(S, x, xo + c + 5 * L), a1);
                a2 = load(w, b + c + 6 * L).fma(FloatVector.fromArray(S, x, xo + c + 6 * L), a2);
                a3 = load(w, b + c + 7 * L).fma(FloatVector.fromArray(S, x, xo + c + 7 * L), a3);
            }
            for (; c < bound; c += L) {
                a0 = load(w, b + c).fma(FloatVector.fromArray(S, x, xo + c), a0);
            }
            float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
            for (; c < cols; c++) {
                s += toFloat(w[b + c]) * x[xo + c];
            }
            out[outOff + r] = s;
        }
    }

    @Override
    void widenRow(int r, float[] dst, int off) {
        int b = r * cols;
        for (int c = 0; c < cols; c++) {
            dst[off + c] = toFloat(w[b + c]);
        }
    }

    @Override
    long bytes() {
        return 2L * w.length;
    }
}
