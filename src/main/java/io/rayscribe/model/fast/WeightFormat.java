package io.rayscribe.model.fast;

import io.rayscribe.core.RayScribeException;

import java.util.Locale;

/** How {@link JavaLlama} keeps its matrices in memory. */
public enum WeightFormat {
    /** float32: exact, the same numbers as the checkpoint and the DJL reference. */
    F32,
    /** bfloat16: exact for a bf16 checkpoint (half the memory), rounded from a float32 one. */
    BF16,
    /** int8 with a float scale per 64 inputs: ~4× fewer bytes per token, an approximation. */
    Q8;

    public static WeightFormat parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RayScribeException("weight format must be f32, bf16 or q8, got '" + s + "'");
        }
    }
}
