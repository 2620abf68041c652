package io.rayscribe.model.fast;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The matrix kernels against plain scalar loops, including vector tails and odd row counts. */
class MatrixTest {
    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** Plain double-precision reference of out[t][r] = W[r] · x[t]. */
    /**
     * {@code m}'s GEMM of random inputs with n rows (each n of {@code ns}), computed in two row ranges split at
     * {@code split}, equals the double-precision product with {@code effective}, the weights {@code m} holds.
     */
    private static void assertGemmMatches(Matrix m, float[] effective, int rows, int cols, int[] ns, int split,
                                          long seedBase, double tolerance) {
        for (int n : ns) {
            float[] x = random(n * cols, seedBase + n);
            double[] ref = reference(effective, rows, cols, x, cols, n);
            float[] out = new float[n * rows];
            m.gemm(x, cols, n, out, rows, 0, 0, split);
            m.gemm(x, cols, n, out, rows, 0, split, rows);
            for (int i = 0; i < out.length; i++) {
                assertEquals(ref[i], out[i], tolerance, "n=" + n + " i=" + i);
            }
        }
    }

    private static double[] reference(float[] w, int rows, int cols, float[] x, int xStride, int n) {
        double[] out = new double[n * rows];
        for (int t = 0; t < n; t++) {
            for (int r = 0; r < rows; r++) {
                double s = 0;
                for (int c = 0; c < cols; c++) {
                    s += (double) w[r * cols + c] * x[t * xStride + c];
                }
                out[t * rows + r] = s;
            }
        }
        return out;
    }

    @Test
    void f32GemmMatchesScalarLoops() {
        for (int[] shape : new int[][] {{7, 172}, {13, 64}, {33, 9}, {4, 768}}) {
            int rows = shape[0];
            int cols = shape[1];
            float[] w = random(rows * cols, rows);
            for (int n : new int[] {1, 3, 6}) {
                int xStride = cols + 5;
                float[] x = random(n * xStride, n);
                double[] ref = reference(w, rows, cols, x, xStride, n);
                float[] out = new float[n * (rows + 2)];
                // Two row ranges, as two threads would compute them, into an offset output.
                Matrix m = new F32Matrix(w, rows, cols);
                int split = rows / 8 * 4;
                m.gemm(x, xStride, n, out, rows + 2, 1, 0, split);
                m.gemm(x, xStride, n, out, rows + 2, 1, split, rows);
                for (int t = 0; t < n; t++) {
                    for (int r = 0; r < rows; r++) {
                        assertEquals(ref[t * rows + r], out[t * (rows + 2) + 1 + r], 1e-4, rows + "x" + cols + " t" + t + " r" + r);
                    }
                }
            }
        }
    }

    @Test
    void q8QuantizationErrorIsBoundedAndGemmUsesTheQuantizedWeights() {
        int rows = 10;
        int cols = 172; // a short last group
        float[] w = random(rows * cols, 3);
        w[5] = 40f; // an outlier only widens its own group's scale
        Q8Matrix q = Q8Matrix.quantize(w, rows, cols);
        int groups = (cols + Q8Matrix.GROUP - 1) / Q8Matrix.GROUP;
        float[] deq = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float scale = q.scales[r * groups + c / Q8Matrix.GROUP];
                deq[r * cols + c] = q.q[r * cols + c] * scale;
                assertTrue(Math.abs(deq[r * cols + c] - w[r * cols + c]) <= scale / 2 + 1e-7, "element " + r + "," + c);
            }
        }
        assertTrue(q.scales[groups] < 1f / 100, "the outlier's group is row 0 only");
        // n >= 4 takes the dequantize-then-GEMM prefill path
        assertGemmMatches(q, deq, rows, cols, new int[] {1, 2, 5}, 8, 10, 1e-3);
        assertEquals(rows * cols + 4L * rows * groups, q.bytes());
    }

    @Test
    void bf16RoundsToNearestEvenAndGemmUsesTheRoundedWeights() {
        assertEquals((short) 0x3F80, Bf16Matrix.toBf16(1f));
        assertEquals(1f, Bf16Matrix.toFloat(Bf16Matrix.toBf16(1f)));
        // 1 + 2^-8 lies halfway between two bf16 values: ties go to the even one (1.0)
        assertEquals((short) 0x3F80, Bf16Matrix.toBf16(1f + 1f / 256));
        assertEquals((short) 0x3F81, Bf16Matrix.toBf16(1f + 3f / 512));
        assertTrue(Float.isNaN(Bf16Matrix.toFloat(Bf16Matrix.toBf16(Float.NaN))));
        int rows = 11;
        int cols = 77; // vector tail
        float[] w = random(rows * cols, 5);
        Bf16Matrix m = Bf16Matrix.round(w, rows, cols);
        float[] rounded = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            rounded[i] = Bf16Matrix.toFloat(m.w[i]);
            assertTrue(Math.abs(rounded[i] - w[i]) <= Math.abs(w[i]) / 256, "element " + i);
            assertEquals(m.w[i], Bf16Matrix.toBf16(rounded[i]), "bf16 values round to themselves");
        }
        // n >= 4 widens a block of rows, then the float32 GEMM
        assertGemmMatches(m, rounded, rows, cols, new int[] {1, 3, 6}, 4, 20, 1e-4);
        assertEquals(2L * rows * cols, m.bytes());
    }

    @Test
    void workersCoverEveryIndexExactlyOnce() {
        try (Workers w = new Workers(3, "test")) {
            for (int n : new int[] {1, 5, 64, 1001, 100_000}) {
                int[] hits = new int[n];
                w.forRange(n, 4, (from, to) -> {
                    assertEquals(0, from % 4);
                    for (int i = from; i < to; i++) {
                        hits[i]++;
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits[i], "index " + i + " of " + n);
                }
            }
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> w.forRange(10_000, 1, (from, to) -> {
                        if (from > 5000) {
                            throw new IllegalStateException("boom");
                        }
                    }));
            assertEquals("boom", e.getMessage());
        }
    }
}
