package io.rayscribe.model.vision;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.model.PromptRegion;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VisionTest {
    private static NDManager manager() {
        return NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    private static Map<String, float[]> randomValues(VisionConfig c, long seed) {
        // Larger std than training init so every part of the block matters numerically.
        Map<String, float[]> v = TensorMaps.random(c.expectedShapes(), seed, 0.3f);
        Random r = new Random(seed + 7);
        for (Map.Entry<String, float[]> e : v.entrySet()) {
            if (e.getKey().endsWith(".bias") || TensorMaps.isNormWeight(e.getKey())) {
                float[] a = e.getValue();
                for (int i = 0; i < a.length; i++) {
                    a[i] += (float) (r.nextGaussian() * 0.1);
                }
            }
        }
        return v;
    }

    @Test
    void shapesAndBatchAgreesWithSingleImages() {
        VisionConfig c = VisionConfig.vit(32, 8, 1, 16, 2, 2, 32);
        Projector.Config pc = new Projector.Config("mlp2_gelu", 16, 24, 4, 2, 2);
        try (NDManager m = manager()) {
            VisionEncoder enc = new VisionEncoder(c, TensorMaps.create(randomValues(c, 1), c.expectedShapes(), m));
            Projector proj = new Projector(pc, TensorMaps.create(TensorMaps.random(pc.expectedShapes(), 2, 0.2f), pc.expectedShapes(), m));
            NDArray batch = m.randomNormal(0, 1, new Shape(3, 1, 32, 32), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray feats = enc.forward(batch);
            assertEquals(new Shape(3, 16, 16), feats.getShape());
            NDArray prompts = proj.forward(feats);
            assertEquals(new Shape(3, 4, 24), prompts.getShape());
            for (int i = 0; i < 3; i++) {
                float[] single = proj.forward(enc.forward(batch.get(i + ":" + (i + 1)))).toFloatArray();
                float[] fromBatch = prompts.get(i).toFloatArray();
                assertEquals(single.length, fromBatch.length);
                for (int k = 0; k < single.length; k++) {
                    assertEquals(single[k], fromBatch[k], 1e-5, "image " + i + " value " + k);
                }
            }
        }
    }

    @Test
    void vitMatchesAPlainJavaReference() {
        for (String type : new String[] {"vit", "clip"}) {
            VisionConfig c = new VisionConfig(type, 8, 4, 3, 8, 1, 2, 12, 1e-5, true,
                    type.equals("clip") ? "quick_gelu" : "gelu", "");
            Map<String, float[]> v = randomValues(c, 3);
            float[] img = new float[3 * 8 * 8];
            Random r = new Random(5);
            for (int i = 0; i < img.length; i++) {
                img[i] = (float) r.nextGaussian();
            }
            try (NDManager m = manager()) {
                VisionEncoder enc = new VisionEncoder(c, TensorMaps.create(v, c.expectedShapes(), m));
                float[] got = enc.forward(m.create(img, new Shape(1, 3, 8, 8))).toFloatArray();
                float[] want = ReferenceVit.forward(c, v, img);
                assertEquals(want.length, got.length);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-4, type + " value " + i);
                }
            }
        }
    }

    @Test
    void projectorPoolingAndLinearByHand() {
        // Grid 2x2 of 1-d features [1, 2, 3, 4] pooled to 1 prompt = mean 2.5; linear 2x1 map w=[2, -1], b=[1, 0].
        Projector.Config pc = new Projector.Config("linear", 1, 2, 2, 1, 1);
        try (NDManager m = manager()) {
            Projector p = new Projector(pc, Map.of("projector.0.weight", m.create(new float[] {2, -1}, new Shape(2, 1)),
                    "projector.0.bias", m.create(new float[] {1, 0}, new Shape(2))));
            float[] out = p.forward(m.create(new float[] {1, 2, 3, 4}, new Shape(1, 4, 1))).toFloatArray();
            assertArrayEquals(new float[] {6f, -2.5f}, out, 1e-6f);
            List<PromptRegion> regions = p.regions();
            assertEquals(List.of(new PromptRegion(0, 0, 0, 1, 1)), regions);
        }
        Projector.Config grid = new Projector.Config("linear", 1, 1, 4, 2, 2);
        try (NDManager m = manager()) {
            Projector p = new Projector(grid, Map.of("projector.0.weight", m.create(new float[] {1}, new Shape(1, 1)),
                    "projector.0.bias", m.create(new float[] {0}, new Shape(1))));
            // 4x4 grid with values = row*4+col; the top-right 2x2 block averages (2+3+6+7)/4 = 4.5.
            float[] feats = new float[16];
            for (int i = 0; i < 16; i++) {
                feats[i] = i;
            }
            float[] out = p.forward(m.create(feats, new Shape(1, 16, 1))).toFloatArray();
            assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, out, 1e-6f);
            assertEquals(new PromptRegion(1, 0.5, 0, 1, 0.5), p.regions().get(1));
        }
    }

    @Test
    void promptPositionsAreAddedPerPromptAndEncodeRowAndColumn() {
        // Two prompts of a 1x2 grid, linear map w=[1, 1] b=0 of the pooled 1-d feature, plus a position each.
        Projector.Config pc = new Projector.Config("linear", 1, 2, 2, 1, 2, true);
        assertArrayEquals(new long[] {2, 2}, pc.expectedShapes().get(Projector.Config.POSITION));
        try (NDManager m = manager()) {
            Projector p = new Projector(pc, Map.of("projector.0.weight", m.create(new float[] {1, 1}, new Shape(2, 1)),
                    "projector.0.bias", m.create(new float[] {0, 0}, new Shape(2)),
                    Projector.Config.POSITION, m.create(new float[] {10, 20, 30, 40}, new Shape(2, 2))));
            // Columns: left prompt pools features 1 and 3 (mean 2), right pools 2 and 4 (mean 3).
            float[] out = p.forward(m.create(new float[] {1, 2, 3, 4}, new Shape(1, 4, 1))).toFloatArray();
            assertArrayEquals(new float[] {12, 22, 33, 43}, out, 1e-6f);
        }
        assertThrows(IllegalArgumentException.class, () -> {
            try (NDManager m = manager()) {
                new Projector(pc, Map.of("projector.0.weight", m.create(new float[] {1, 1}, new Shape(2, 1)),
                        "projector.0.bias", m.create(new float[] {0, 0}, new Shape(2))));
            }
        });
        // The initial code: rows in the first half of the channels, columns in the second; every prompt distinct.
        float[] code = Projector.sincosPositions(2, 3, 8, 1f);
        assertEquals(0f, code[0], 1e-6f);          // sin(row 0)
        assertEquals(1f, code[1], 1e-6f);          // cos(row 0)
        assertEquals((float) Math.sin(2), code[2 * 8 + 4], 1e-6f);   // prompt (0, 2): sin(col 2) at the column half
        for (int a = 0; a < 6; a++) {
            for (int b = a + 1; b < 6; b++) {
                double d = 0;
                for (int k = 0; k < 8; k++) {
                    d += Math.abs(code[a * 8 + k] - code[b * 8 + k]);
                }
                assertTrue(d > 0.1, "prompts " + a + " and " + b + " share a position code");
            }
        }
    }

    @Test
    void preprocessingResizesReplicatesAndNormalises() {
        // 4x2 image: left half black, right half white; resized to 2x2 and replicated to 3 channels.
        byte[] grey = {0, 0, (byte) 255, (byte) 255, 0, 0, (byte) 255, (byte) 255};
        ImagePreprocessor pre = new ImagePreprocessor(2, 3, new float[] {0.5f, 0.5f, 0f}, new float[] {0.5f, 0.25f, 1f});
        float[] out = pre.apply(new DisplayImage(4, 2, grey, null));
        assertArrayEquals(new float[] {-1, 1, -1, 1, -2, 2, -2, 2, 0, 1, 0, 1}, out, 1e-6f);
        RayScribeException e = assertThrows(RayScribeException.class,
                () -> pre.apply(new DisplayImage(1, 5, new byte[5], null)));
        assertTrue(e.getMessage().contains("not a 2-D image"), e.getMessage());
    }
}
