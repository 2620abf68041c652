package io.rayscribe.model.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.rayscribe.model.vision.TensorMaps;
import io.rayscribe.model.vision.VisionConfig;
import io.rayscribe.model.vision.VisionEncoder;
import io.rayscribe.testing.SharedData;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradients must not depend on when the JVM collects garbage. DJL's {@code x.mul(2f)} frees its scalar
 * once the JVM collects it, while autograd still needs it (see {@link GraphScalars}). So each test runs
 * the backward pass once straight after the forward pass and once after a forced collection, and
 * requires the same gradients.
 */
class GraphScalarsTest {

    @Test
    void scalarsSurviveACollectionBeforeTheBackwardPass() throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray x = m.create(new float[] {1f, 2f, 3f});
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray y = GraphScalars.times(x, 3f).add(GraphScalars.dividedBy(x, 4f));
                collectGarbage();
                gc.backward(y.sum());
            }
            assertArrayEquals(new float[] {3.25f, 3.25f, 3.25f}, x.getGradient().toFloatArray());
        }
    }

    @Test
    void llamaGradientsDoNotDependOnGarbageCollection() throws InterruptedException {
        String[] names = {"model.layers.0.self_attn.q_proj.weight", "model.embed_tokens.weight"};
        float[][] calm = llamaGradients(names, false);
        float[][] collected = llamaGradients(names, true);
        for (int i = 0; i < names.length; i++) {
            assertTrue(Math.abs(calm[i][0]) + Math.abs(calm[i][1]) + Math.abs(calm[i][7]) > 0, names[i] + " gradient is zero");
            assertArrayEquals(calm[i], collected[i], names[i]);
        }
    }

    @Test
    void encoderGradientsDoNotDependOnGarbageCollection() throws InterruptedException {
        for (String act : new String[] {"gelu", "quick_gelu", "gelu_pytorch_tanh"}) {
            VisionConfig c = new VisionConfig("vit", 8, 4, 3, 8, 1, 2, 12, 1e-5, true, act, "");
            Map<String, float[]> values = TensorMaps.random(c.expectedShapes(), 3, 0.3f);
            float[] calm = encoderGradient(c, values, false);
            float[] collected = encoderGradient(c, values, true);
            assertArrayEquals(calm, collected, act);
        }
    }

    private static float[][] llamaGradients(String[] names, boolean collect) throws InterruptedException {
        try (DjlLlama llama = DjlLlama.load(SharedData.resolve("models/stories260K-hf"), Device.cpu());
             NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (String n : names) {
                llama.parameters().get(n).setRequiresGradient(true);
            }
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray ids = m.create(new long[] {1, 403, 407, 261, 378}, new Shape(1, 5));
                NDArray loss = llama.forward(llama.embedTokens(ids), null).logSoftmax(-1).get(":, :, 5").mean().neg();
                if (collect) {
                    collectGarbage();
                }
                gc.backward(loss);
            }
            float[][] out = new float[names.length][];
            for (int i = 0; i < names.length; i++) {
                out[i] = llama.parameters().get(names[i]).getGradient().toFloatArray();
            }
            return out;
        }
    }

    private static float[] encoderGradient(VisionConfig c, Map<String, float[]> values, boolean collect)
            throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Map<String, NDArray> params = TensorMaps.create(values, c.expectedShapes(), m);
            params.values().forEach(p -> p.setRequiresGradient(true));
            VisionEncoder enc = new VisionEncoder(c, params);
            float[] pixels = new float[2 * 3 * 8 * 8];
            Random r = new Random(5);
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) r.nextGaussian();
            }
            NDArray img = m.create(pixels, new Shape(2, 3, 8, 8));
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = enc.forward(img).square().mean();
                if (collect) {
                    collectGarbage();
                }
                gc.backward(loss);
            }
            // every parameter's gradient, in a fixed order
            return params.keySet().stream().sorted().map(k -> params.get(k).getGradient().toFloatArray())
                    .reduce(new float[0], GraphScalarsTest::concat);
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Makes the JVM collect unreachable direct buffers (their cleaners free the native memory). */
    private static void collectGarbage() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
    }
}
