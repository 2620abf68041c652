package io.rayscribe.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A gradient that overflowed once must not stay NaN after the skipped step (real DJL autograd). */
class ClearGradientsTest {
    @Test
    void anOverflowedGradientIsClearedToZero() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray p = m.create(new float[] {1f, -2f, 3f});
            p.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = p.mul(Float.POSITIVE_INFINITY).sum().add(p.mul(Float.NaN).sum());
                gc.backward(loss);
            }
            float[] before = p.getGradient().toFloatArray();
            assertTrue(Float.isNaN(before[0]) || Float.isInfinite(before[0]), "the gradient overflowed");
            Trainer.clearGradients(List.of(p));
            assertArrayEquals(new float[] {0f, 0f, 0f}, p.getGradient().toFloatArray());
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.backward(p.mul(2f).sum());
            }
            assertArrayEquals(new float[] {2f, 2f, 2f}, p.getGradient().toFloatArray(), "the next step is clean");
        }
    }
}
