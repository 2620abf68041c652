package io.rayscribe.model;

/** A running generation: cancel at any token, or wait for its result. */
public interface DraftHandle {
    void cancel();

    boolean isDone();

    /** Blocks until finished; rethrows a generation failure as {@link io.rayscribe.core.RayScribeException}. */
    GenerationResult await() throws InterruptedException;
}
