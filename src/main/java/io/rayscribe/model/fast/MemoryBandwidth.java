package io.rayscribe.model.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Measures how fast this machine streams memory into the cores: a vectorised sum over an array far
 * larger than the caches, split across the same number of threads the decoder uses. The decode
 * bound of a bandwidth-limited model is this figure divided by the weight bytes per token.
 */
public final class MemoryBandwidth {
    private MemoryBandwidth() {
    }

    /** Best of {@code rounds} passes over {@code bytes} of floats, in GB/s (1e9 bytes per second). */
    public static double measure(int threads, long bytes, int rounds) {
        int n = (int) Math.min(Integer.MAX_VALUE - 64, bytes / 4);
        n -= n % (64 * threads);
        float[] a = new float[n];
        for (int i = 0; i < n; i += 1024) {
            a[i] = 1f; // touch every page so the first pass does not measure page faults
        }
        double[] sink = new double[2];
        // Compile sum() with C2 first: a method that ran only a few times (even if its loop is long)
        // runs interpreted or in C1, where Vector API operations are not intrinsified and are ~50×
        // slower, which would measure the compiler, not the memory.
        float[] small = new float[4096];
        for (int i = 0; i < 30_000; i++) {
            sink[0] += sum(small, 0, small.length);
        }
        Thread caller = Thread.currentThread();
        double best = 0;
        int len = n;
        try (Workers w = new Workers(threads, "rayscribe-bandwidth")) {
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                w.forRange(len, 1 << 16, (from, to) -> sink[Thread.currentThread() == caller ? 0 : 1] += sum(a, from, to));
                long dt = System.nanoTime() - t0;
                best = Math.max(best, 4.0 * n / dt);
            }
        }
        if (sink[0] < 0) {
            throw new IllegalStateException("impossible sum"); // keeps the reads from being optimised away
        }
        return best;
    }

    private static float sum(float[] a, int from, int to) {
        int l = Kernels.S.length();
        FloatVector s0 = FloatVector.zero(Kernels.S);
        FloatVector s1 = FloatVector.zero(Kernels.S);
        FloatVector s2 = FloatVector.zero(Kernels.S);
        FloatVector s3 = FloatVector.zero(Kernels.S);
        int i = from;
        for (; i + 4 * l <= to; i += 4 * l) {
            s0 = s0.add(FloatVector.fromArray(Kernels.S, a, i));
            s1 = s1.add(FloatVector.fromArray(Kernels.S, a, i + l));
            s2 = s2.add(FloatVector.fromArray(Kernels.S, a, i + 2 * l));
            s3 = s3.add(FloatVector.fromArray(Kernels.S, a, i + 3 * l));
        }
        float s = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            s += a[i];
        }
        return s;
    }
}
