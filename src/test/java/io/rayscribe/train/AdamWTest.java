package io.rayscribe.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A step with a non-finite gradient is skipped and names the parameters that caused it (real DJL arrays). */
class AdamWTest {
    @Test
    void nonFiniteGradientSkipsTheStepAndNamesTheParameter() {
        try (NDManager m = NDManager.newBaseManager("PyTorch"); AdamW opt = new AdamW(m, 0.9, 0.95, 1e-8)) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("a", m.create(new float[] {1f, 2f}));
            params.put("b", m.create(new float[] {3f, 4f}));
            Map<String, NDArray> bad = new LinkedHashMap<>();
            bad.put("a", m.create(new float[] {0.5f, 0.5f}));
            bad.put("b", m.create(new float[] {Float.NaN, 1f}));
            double norm = opt.step(params, bad, 0.1, 0, 1.0);
            assertFalse(Double.isFinite(norm));
            assertEquals(List.of("b"), opt.lastNonFinite());
            assertArrayEquals(new float[] {1f, 2f}, params.get("a").toFloatArray(), "the update was skipped");

            Map<String, NDArray> good = new LinkedHashMap<>();
            good.put("a", m.create(new float[] {0.5f, 0.5f}));
            good.put("b", m.create(new float[] {0.5f, 0.5f}));
            assertTrue(Double.isFinite(opt.step(params, good, 0.1, 0, 1.0)));
            assertEquals(List.of(), opt.lastNonFinite());
            assertTrue(params.get("a").toFloatArray()[0] < 1f, "a finite step updates the weights");
        }
    }
}
