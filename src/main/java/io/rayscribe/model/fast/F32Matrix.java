package io.rayscribe.model.fast;

/** Float32 weights on the Java heap, row-major. */
final class F32Matrix extends Matrix {
    final float[] w;

    F32Matrix(float[] w, int rows, int cols) {
        super(rows, cols);
        if ((long) rows * cols != w.length) {
            throw new IllegalArgumentException("matrix " + rows + "x" + cols + " needs " + (long) rows * cols + " floats, got " + w.length);
        }
        this.w = w;
    }

    @Override
    void gemm(float[] x, int xStride, int n, float[] out, int outStride, int outOff, int r0, int r1) {
        Kernels.gemm(w, cols, x, xStride, n, out, outStride, outOff, r0, r1);
    }

    @Override
    long bytes() {
        return 4L * w.length;
    }
}
