package io.rayscribe.model;

/**
 * Attention of one generated token, captured during decoding.
 * {@code visual[(layer * heads + head) * numPrompts + p]} is the softmax probability from this token
 * to visual prompt {@code p} (rows sum to 1 over all positions, of which these are a part).
 * {@code sink[layer * heads + head]} is the probability on the BOS/attention-sink position.
 * {@code visualShare[layer]} is the mean over heads of the total probability on visual prompts.
 */
public record TokenAttention(int layers, int heads, int numPrompts, float[] visual, float[] sink,
                             float[] visualShare) {
    public float get(int layer, int head, int prompt) {
        return visual[(layer * heads + head) * numPrompts + prompt];
    }
}
