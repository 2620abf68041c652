package io.rayscribe.model.fast;

/** A weight matrix [rows, cols] (PyTorch's [out, in]) that multiplies input rows. */
abstract class Matrix {
    final int rows;
    final int cols;

    Matrix(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * out[t * outStride + outOff + r] = W[r, :] · x[t * xStride ..] for t in [0, n), r in [r0, r1).
     * Callers split [0, rows) into blocks aligned to {@link #ROW_ALIGN} across threads.
     */
    abstract void gemm(float[] x, int xStride, int n, float[] out, int outStride, int outOff, int r0, int r1);

    /** Bytes streamed from memory per pass over the whole matrix. */
    abstract long bytes();

    static final int ROW_ALIGN = 4;
}
