package io.rayscribe.model;

/**
 * One sequence's pass through a Llama decoder with a KV cache. Two implementations share this
 * contract: the DJL one (the reference, also used for training) and the pure-Java Vector API one
 * (the fast decode path); they must agree. Not thread-safe: one per generation worker.
 */
public interface DecoderSession extends AutoCloseable {
    int hiddenSize();

    int vocabSize();

    int numLayers();

    int numHeads();

    /** Rows of the token-embedding table, [n][hidden] (copies: callers may modify them). */
    float[][] embed(int[] tokenIds);

    /**
     * Feeds {@code embeddings} ([n][hidden]) at the next n positions and returns the logits of
     * the last row. When {@code sink} is not null it receives the attention probabilities of
     * that last row over all positions so far.
     */
    float[] forward(float[][] embeddings, AttentionSink sink);

    /** Number of positions in the KV cache. */
    int position();

    /** Empties the KV cache so the session can start a new sequence. */
    void reset();

    @Override
    void close();

    /** Receives one row's attention: {@code probs[(layer * heads + head) * positions + pos]}. */
    interface AttentionSink {
        void accept(float[] probs, int layers, int heads, int positions);
    }
}
