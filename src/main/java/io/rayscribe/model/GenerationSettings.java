package io.rayscribe.model;

import java.util.List;

/**
 * How to decode. Greedy ignores temperature/topK/topP/seed. {@code topK <= 0} and {@code topP >= 1}
 * disable those filters; {@code repetitionPenalty == 1} disables the penalty.
 */
public record GenerationSettings(boolean greedy, float temperature, int topK, float topP, long seed,
                                 float repetitionPenalty, int maxNewTokens, List<String> stopStrings,
                                 boolean stopAtEos, boolean captureAttention) {
    public static GenerationSettings greedy(int maxNewTokens) {
        return new GenerationSettings(true, 1f, 0, 1f, 0L, 1f, maxNewTokens, List.of(), true, true);
    }

    public GenerationSettings withMaxNewTokens(int n) {
        return new GenerationSettings(greedy, temperature, topK, topP, seed, repetitionPenalty, n, stopStrings,
                stopAtEos, captureAttention);
    }

    public GenerationSettings withCaptureAttention(boolean on) {
        return new GenerationSettings(greedy, temperature, topK, topP, seed, repetitionPenalty, maxNewTokens,
                stopStrings, stopAtEos, on);
    }
}
