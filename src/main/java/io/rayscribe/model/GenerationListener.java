package io.rayscribe.model;

/**
 * Receives tokens one by one on the generation worker thread (never the JavaFX thread);
 * UIs must hand them over to their own thread themselves, batched.
 */
public interface GenerationListener {
    void onToken(TokenEvent event);

    default void onFinished(GenerationResult result) {
    }

    default void onError(Throwable error) {
    }
}
