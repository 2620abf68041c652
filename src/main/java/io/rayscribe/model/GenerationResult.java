package io.rayscribe.model;

import java.util.List;

/**
 * The outcome of one generation. {@code stopReason}: "eos", "stop_string", "max_tokens" or "cancelled".
 * {@code attention} holds one entry per generated token (null entries when capture was off).
 */
public record GenerationResult(int[] promptIds, int[] generatedIds, String text, String stopReason,
                               List<TokenAttention> attention, List<PromptRegion> regions,
                               double prefillSeconds, double decodeSeconds, double timeToFirstTokenSeconds) {
    public double decodeTokensPerSecond() {
        return generatedIds.length <= 1 || decodeSeconds <= 0 ? 0 : (generatedIds.length - 1) / decodeSeconds;
    }
}
