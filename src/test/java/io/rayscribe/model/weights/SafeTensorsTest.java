package io.rayscribe.model.weights;

import io.rayscribe.core.RayScribeException;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    private static final Path STORIES = SharedData.resolve("models/stories260K-hf/model.safetensors");

    @TempDir
    Path tmp;

    @Test
    void readsStories260KAndAgreesWithAPlainByteParse() throws IOException {
        byte[] raw = Files.readAllBytes(STORIES);
        long headerLen = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(raw, 8, (int) headerLen, StandardCharsets.UTF_8);
        try (SafeTensors st = SafeTensors.open(STORIES.getParent())) {
            assertEquals(47, st.names().size(), "5 layers × 9 tensors + embedding + final norm");
            for (String name : st.names()) {
                assertTrue(header.contains("\"" + name + "\""), name);
            }
            SafeTensors.TensorInfo emb = st.info("model.embed_tokens.weight");
            assertEquals(DType.F32, emb.dtype());
            assertArrayEquals(new long[] {512, 64}, emb.shape());
            float[] data = st.floats("model.embed_tokens.weight", new long[] {512, 64});
            ByteBuffer bb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            for (int i : new int[] {0, 1, 777, data.length - 1}) {
                assertEquals(bb.getFloat((int) emb.offset() + 4 * i), data[i], 0f, "element " + i);
            }
            FloatBuffer view = st.f32Buffer("model.embed_tokens.weight");
            assertEquals(data.length, view.remaining());
            assertEquals(data[4242], view.get(4242), 0f);
            assertFalse(st.has("lm_head.weight"));
        }
    }

    @Test
    void wrongExpectedShapeNamesFileAndTensor() {
        try (SafeTensors st = SafeTensors.open(STORIES)) {
            RayScribeException e = assertThrows(RayScribeException.class,
                    () -> st.floats("model.norm.weight", new long[] {65}));
            assertTrue(e.getMessage().contains(STORIES.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("model.norm.weight"), e.getMessage());
            RayScribeException missing = assertThrows(RayScribeException.class, () -> st.floats("nope"));
            assertTrue(missing.getMessage().contains("'nope' is missing"), missing.getMessage());
        }
    }

    @Test
    void f32F16AndBf16RoundTripThroughTheWriter() {
        Random r = new Random(7);
        float[] a = new float[3 * 5];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian() * 3f;
        }
        a[0] = 0f;
        a[1] = -1.5f;
        a[2] = 65504f; // largest finite half
        float[] b = {1e-6f, -2e-5f, 1024f, 0.333f};
        Map<String, SafeTensorsWriter.Tensor> m = new LinkedHashMap<>();
        m.put("a", new SafeTensorsWriter.Tensor(a, new long[] {3, 5}));
        m.put("b.vec", new SafeTensorsWriter.Tensor(b, new long[] {4}));
        for (DType dt : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            Path f = tmp.resolve(dt + ".safetensors");
            SafeTensorsWriter.write(f, m, Map.of("format", "pt", "step", "12"), dt);
            try (SafeTensors st = SafeTensors.open(f)) {
                assertEquals(dt, st.info("a").dtype());
                assertEquals("12", st.metadata().get("step"));
                assertEquals(0, st.info("a").offset() % 8, "data starts 8-byte aligned");
                float[] back = st.floats("a", new long[] {3, 5});
                float[] backB = st.floats("b.vec", new long[] {4});
                // Relative precision: 2^-11 for F16 (normal range), 2^-8 for BF16.
                double rel = dt == DType.F32 ? 0 : dt == DType.F16 ? 1.0 / 2048 : 1.0 / 256;
                for (int i = 0; i < a.length; i++) {
                    assertEquals(a[i], back[i], Math.abs(a[i]) * rel, dt + " a[" + i + "]");
                }
                for (int i = 0; i < b.length; i++) {
                    double tol = Math.max(Math.abs(b[i]) * rel, dt == DType.F16 ? Math.pow(2, -25) : 0);
                    assertEquals(b[i], backB[i], tol, dt + " b[" + i + "]");
                }
            }
        }
    }

    @Test
    void halfConversionIsExactForEveryF16Value() {
        for (int h = 0; h < 65536; h++) {
            float f = Half.f16ToFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Half.f16ToFloat(Half.floatToF16(f))));
                continue;
            }
            assertEquals((short) h, Half.floatToF16(f), "bits " + Integer.toHexString(h));
        }
        assertEquals(Float.POSITIVE_INFINITY, Half.f16ToFloat(Half.floatToF16(70000f)));
        assertEquals(1f, Half.f16ToFloat(Half.floatToF16(1.0004f))); // rounds to nearest
        for (int b = 0; b < 65536; b++) {
            float f = Half.bf16ToFloat((short) b);
            if (!Float.isNaN(f)) {
                assertEquals((short) b, Half.floatToBf16(f));
            }
        }
    }

    @Test
    void shardedIndexOpensAllShards() throws IOException {
        float[] x = {1, 2, 3, 4};
        float[] y = {5, 6};
        SafeTensorsWriter.write(tmp.resolve("model-00001-of-00002.safetensors"),
                Map.of("x", new SafeTensorsWriter.Tensor(x, new long[] {2, 2})), Map.of("format", "pt"));
        SafeTensorsWriter.write(tmp.resolve("model-00002-of-00002.safetensors"),
                Map.of("y", new SafeTensorsWriter.Tensor(y, new long[] {2})), Map.of("format", "pt"), DType.BF16);
        Files.writeString(tmp.resolve(SafeTensors.INDEX_FILE), "{\"metadata\":{\"total_size\":20},\"weight_map\":{"
                + "\"x\":\"model-00001-of-00002.safetensors\",\"y\":\"model-00002-of-00002.safetensors\"}}");
        try (SafeTensors st = SafeTensors.open(tmp)) {
            assertEquals(2, st.names().size());
            assertArrayEquals(x, st.floats("x"));
            assertArrayEquals(y, st.floats("y"));
            assertEquals(DType.BF16, st.info("y").dtype());
            assertTrue(st.info("y").file().toString().endsWith("model-00002-of-00002.safetensors"));
        }
        Files.delete(tmp.resolve("model-00002-of-00002.safetensors"));
        RayScribeException e = assertThrows(RayScribeException.class, () -> SafeTensors.open(tmp));
        assertTrue(e.getMessage().contains("model-00002-of-00002.safetensors"), e.getMessage());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void truncatedFileNamesTheTensorThatRunsPastTheEnd() throws IOException {
        byte[] raw = Files.readAllBytes(STORIES);
        Path cut = tmp.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(raw, raw.length - 100));
        RayScribeException e = assertThrows(RayScribeException.class, () -> SafeTensors.open(cut));
        assertTrue(e.getMessage().startsWith(cut.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("tensor '") && e.getMessage().contains("truncated"), e.getMessage());

        Path tiny = tmp.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertTrue(assertThrows(RayScribeException.class, () -> SafeTensors.open(tiny)).getMessage().contains("truncated"));

        Path headerOnly = tmp.resolve("header.safetensors");
        Files.write(headerOnly, Arrays.copyOf(raw, 50));
        assertTrue(assertThrows(RayScribeException.class, () -> SafeTensors.open(headerOnly)).getMessage()
                .contains("header length"));
    }

    @Test
    void corruptHeadersGiveClearErrors() throws IOException {
        assertCorrupt("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2, "unknown dtype 'F8_E4M3'");
        assertCorrupt("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "does not match F32 [3]");
        assertCorrupt("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8, "invalid data_offsets");
        assertCorrupt("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8, "needs dtype, shape and two data_offsets");
        assertCorrupt("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "overlaps");
        assertCorrupt("not json at all", 8, "corrupt safetensors header");
        Path dir = Files.createDirectory(tmp.resolve("empty"));
        assertTrue(assertThrows(RayScribeException.class, () -> SafeTensors.open(dir)).getMessage()
                .contains("no model.safetensors"));
    }

    private void assertCorrupt(String header, int dataBytes, String expected) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = tmp.resolve("bad" + Math.abs(header.hashCode()) + ".safetensors");
        Files.write(f, b.array());
        RayScribeException e = assertThrows(RayScribeException.class, () -> SafeTensors.open(f));
        assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        if (header.contains("\"w\"") && !expected.startsWith("corrupt")) {
            assertTrue(e.getMessage().contains("tensor 'w'"), e.getMessage());
        }
    }
}
