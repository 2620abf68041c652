package io.rayscribe.model.djl;

import io.rayscribe.model.Generator;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.rayscribe.model.DecoderSession;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The batched (training) forward pass agrees with incremental decoding, and gradients flow. */
class DjlLlamaBatchTest {
    private static DjlLlama llama;

    @BeforeAll
    static void load() {
        llama = DjlLlama.load(SharedData.resolve("models/stories260K-hf"), Device.cpu());
    }

    @AfterAll
    static void close() {
        llama.close();
    }

    @Test
    void batchedLogitsEqualIncrementalLogitsAndPaddingIsIgnored() {
        int[] a = {1, 403, 407, 261, 378};
        int[] b = {1, 291, 280, 2, 2}; // second row: 3 real tokens then padding
        float[][] stepLogitsA = new float[a.length][];
        try (DecoderSession s = llama.newSession()) {
            for (int i = 0; i < a.length; i++) {
                stepLogitsA[i] = s.forward(s.embed(new int[] {a[i]}), null);
            }
        }
        float[] lastRealB;
        try (DecoderSession s = llama.newSession()) {
            lastRealB = s.forward(s.embed(new int[] {1, 291, 280}), null);
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray ids = m.create(new long[] {1, 403, 407, 261, 378, 1, 291, 280, 2, 2}, new Shape(2, 5));
            NDArray mask = m.create(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, new Shape(2, 5));
            NDArray logits = llama.forward(llama.embedTokens(ids), mask);
            assertEquals(new Shape(2, 5, 512), logits.getShape());
            for (int t = 0; t < a.length; t++) {
                float[] row = logits.get(0, t).toFloatArray();
                for (int v = 0; v < row.length; v++) {
                    assertEquals(stepLogitsA[t][v], row[v], 1e-4, "row 0 position " + t + " token " + v);
                }
            }
            float[] rowB = logits.get(1, 2).toFloatArray();
            for (int v = 0; v < rowB.length; v++) {
                assertEquals(lastRealB[v], rowB[v], 1e-4);
            }
        }
    }

    @Test
    void halfPrecisionInferenceStaysCloseToFloat32() {
        try (DjlLlama half = DjlLlama.load(SharedData.resolve("models/stories260K-hf"), Device.cpu(),
                ai.djl.ndarray.types.DataType.FLOAT16);
             DecoderSession h = half.newSession();
             DecoderSession f = llama.newSession()) {
            assertEquals(ai.djl.ndarray.types.DataType.FLOAT16, half.dtype());
            int token = 1;
            int agree = 0;
            for (int i = 0; i < 20; i++) {
                float[] lf = f.forward(f.embed(new int[] {token}), null);
                float[] lh = h.forward(h.embed(new int[] {token}), null);
                for (int v = 0; v < lf.length; v++) {
                    assertEquals(lf[v], lh[v], 0.05 + 0.01 * Math.abs(lf[v]), "step " + i + " token " + v);
                }
                int a = Generator.argmax(lf);
                agree += a == Generator.argmax(lh) ? 1 : 0;
                token = a;
            }
            assertTrue(agree >= 18, agree + " of 20 greedy choices agree");
        }
    }

    @Test
    void gradientsReachTheParameters() {
        NDArray w = llama.parameters().get("model.layers.0.mlp.up_proj.weight");
        NDArray emb = llama.parameters().get("model.embed_tokens.weight");
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            w.setRequiresGradient(true);
            emb.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray ids = m.create(new long[] {1, 403, 407}, new Shape(1, 3));
                NDArray logits = llama.forward(llama.embedTokens(ids), null);
                NDArray loss = logits.logSoftmax(-1).get(":, :, 5").mean().neg();
                gc.backward(loss);
            }
            float upNorm = w.getGradient().abs().sum().getFloat();
            float embNorm = emb.getGradient().abs().sum().getFloat();
            assertTrue(upNorm > 0, "up_proj gradient is zero");
            assertTrue(embNorm > 0, "embedding gradient is zero");
        } finally {
            w.setRequiresGradient(false);
            emb.setRequiresGradient(false);
        }
    }
}
