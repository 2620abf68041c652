package io.rayscribe.model.djl;

import ai.djl.ndarray.NDArray;

/**
 * Multiplying or dividing by a Java number on an autograd path, safely.
 *
 * <p>DJL's PyTorch engine (0.36) implements {@code x.mul(2f)} by wrapping the number in a tensor over a
 * Java direct buffer, multiplying, and closing the wrapper at once. Autograd keeps that tensor for the
 * backward pass, but once the JVM has collected the buffer, its memory is freed and the backward pass
 * multiplies by whatever is there now: garbage, NaN or infinity. This caused the sporadic skipped steps
 * that made training runs with the same seed drift apart. {@code GraphScalarsTest} shows both the bug
 * and the fix. Here the scalar belongs to the operand's manager, so it stays alive until that manager
 * closes, after the backward pass. Adding or subtracting a number is safe: its backward pass never reads
 * the scalar.
 */
public final class GraphScalars {
    private GraphScalars() {
    }

    /** {@code x * s}, differentiable w.r.t. {@code x}. */
    public static NDArray times(NDArray x, float s) {
        return x.mul(x.getManager().create(s));
    }

    /** {@code x / s}, differentiable w.r.t. {@code x}. */
    public static NDArray dividedBy(NDArray x, float s) {
        return x.div(x.getManager().create(s));
    }
}
