package io.rayscribe.model.fast;

/**
 * Weights stored narrower than float32 (bf16, int8). Decoding (one to three input rows) reads them
 * as they are, one row at a time; prefill widens a block of rows to float32 once and multiplies all
 * input rows with it, so the widening is paid once per weight rather than once per weight and row.
 */
abstract class NarrowMatrix extends Matrix {
    private static final int PREFILL_BLOCK = 16;

    NarrowMatrix(int rows, int cols) {
        super(rows, cols);
    }

    /** out[outOff + r] = row r · x[xo .. xo + cols) for r in [r0, r1), straight from the narrow weights. */
    abstract void matvec(float[] x, int xo, float[] out, int outOff, int r0, int r1);

    /** Row r widened to float32 into dst[off .. off + cols). */
    abstract void widenRow(int r, float[] dst, int off);

    @Override
    final void gemm(float[] x, int xStride, int n, float[] out, int outStride, int outOff, int r0, int r1) {
        if (n < 4) {
            for (int t = 0; t < n; t++) {
                matvec(x, t * xStride, out, t * outStride + outOff, r0, r1);
            }
            return;
        }
        float[] rowsF = new float[PREFILL_BLOCK * cols];
        for (int r = r0; r < r1; r += PREFILL_BLOCK) {
            int nr = Math.min(PREFILL_BLOCK, r1 - r);
            for (int i = 0; i < nr; i++) {
                widenRow(r + i, rowsF, i * cols);
            }
            Kernels.gemm(rowsF, cols, x, xStride, n, out, outStride, outOff + r, 0, nr);
        }
    }
}
