package io.rayscribe.model.djl;

import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's grad mode is per thread: inference turns it off for the duration of a call and puts
 * it back, so a decode step inside a training thread never leaves autograd switched off.
 */
public final class GradMode {
    private GradMode() {
    }

    /** Turns grad mode off; returns the previous state for {@link #restore(boolean)}. */
    public static boolean disable() {
        boolean was = JniUtils.isGradMode();
        if (was) {
            JniUtils.setGradMode(false);
        }
        return was;
    }

    public static void restore(boolean was) {
        if (was) {
            JniUtils.setGradMode(true);
        }
    }
}
