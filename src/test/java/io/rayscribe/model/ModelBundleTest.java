package io.rayscribe.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.model.weights.SafeTensors;
import io.rayscribe.model.weights.SafeTensorsWriter;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelBundleTest {
    static final Path STORIES = SharedData.resolve("models/stories260K-hf");

    static DisplayImage gradient(int w, int h) {
        byte[] g = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                g[y * w + x] = (byte) ((x * 255 / (w - 1) + y * 37) & 0xff);
            }
        }
        return new DisplayImage(w, h, g, null);
    }

    static Path randomBundle(Path dir) {
        ModelBundle.createRandom(dir, ModelBundle.RandomSpec.tiny(STORIES, 512), 42);
        return dir;
    }

    @Test
    void randomBundleLoadsAndBuildsThePromptInTemplateOrder(@TempDir Path tmp) {
        try (ModelBundle b = ModelBundle.load(randomBundle(tmp.resolve("b")), Device.cpu())) {
            assertTrue(b.hasVision());
            assertEquals("random-tiny", b.name());
            assertEquals(4, b.regions().size());
            try (DecoderSession s = b.llm().newSession()) {
                ModelBundle.Prompt p = b.prompt(gradient(300, 200), s);
                int[] prefix = b.prefixIds();
                int[] instr = b.instructionIds();
                assertEquals(1, prefix[0], "BOS first");
                assertEquals(prefix.length, p.visualStart());
                assertEquals(4, p.numVisual());
                assertEquals(prefix.length + 4 + instr.length, p.embeddings().length);
                assertEquals(-1, p.ids()[p.visualStart()]);
                assertEquals(instr[0], p.ids()[p.visualStart() + 4]);
                assertEquals(32, p.embeddings()[p.visualStart()].length);
                // The batched NDArray path builds the same prompt.
                try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                    float[] pixels = b.preprocessor().apply(gradient(300, 200));
                    NDArray visual = b.visualPrompts(m.create(pixels, new Shape(1, 1, 32, 32)));
                    NDArray all = b.promptEmbeddings(visual);
                    assertEquals(new Shape(1, p.embeddings().length, 32), all.getShape());
                    float[] flat = all.toFloatArray();
                    for (int t = 0; t < p.embeddings().length; t++) {
                        for (int k = 0; k < 32; k++) {
                            assertEquals(p.embeddings()[t][k], flat[t * 32 + k], 1e-5);
                        }
                    }
                }
            }
        }
    }

    @Test
    void sameSeedSameBytesAndSaveRoundTrips(@TempDir Path tmp) throws Exception {
        randomBundle(tmp.resolve("a"));
        randomBundle(tmp.resolve("b"));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a/encoder.safetensors")), Files.readAllBytes(tmp.resolve("b/encoder.safetensors")));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a/llm/model.safetensors")), Files.readAllBytes(tmp.resolve("b/llm/model.safetensors")));
        float[][] before;
        try (ModelBundle b = ModelBundle.load(tmp.resolve("a"), Device.cpu())) {
            before = b.visualPrompts(gradient(64, 64));
            b.save(tmp.resolve("copy"));
        }
        try (ModelBundle c = ModelBundle.load(tmp.resolve("copy"), Device.cpu())) {
            float[][] after = c.visualPrompts(gradient(64, 64));
            for (int i = 0; i < before.length; i++) {
                assertArrayEquals(before[i], after[i], 0f);
            }
            assertEquals(ModelBundle.load(tmp.resolve("a"), Device.cpu()).config().toJson(), c.config().toJson());
        }
    }

    @Test
    void plainHuggingFaceDirectoryLoadsAsLlmOnly() {
        try (ModelBundle b = ModelBundle.load(STORIES, Device.cpu())) {
            assertFalse(b.hasVision());
            assertEquals(0, b.regions().size());
            assertEquals("stories260K-hf", b.name());
            try (DecoderSession s = b.llm().newSession()) {
                ModelBundle.Prompt p = b.prompt(null, s);
                assertArrayEquals(new int[] {1}, p.ids());
            }
            RayScribeException e = assertThrows(RayScribeException.class, () -> b.visualPrompts(gradient(8, 8)));
            assertTrue(e.getMessage().contains("LLM-only"), e.getMessage());
        }
    }

    @Test
    void errorsNameTheFileAndTheTensorOrKey(@TempDir Path tmp) throws Exception {
        Path dir = randomBundle(tmp.resolve("b"));
        // Missing encoder file.
        Path enc = dir.resolve("encoder.safetensors");
        Path moved = tmp.resolve("encoder.safetensors");
        Files.move(enc, moved);
        assertMessage(dir, enc.toString(), "missing");
        Files.move(moved, enc);

        // Missing key in rayscribe-model.json.
        Path cfg = dir.resolve("rayscribe-model.json");
        String json = Files.readString(cfg);
        Files.writeString(cfg, json.replace("\"patch_size\": 8,", ""));
        assertMessage(dir, cfg.toString(), "encoder.patch_size");
        Files.writeString(cfg, json);

        // Bad shape for one projector tensor.
        Path proj = dir.resolve("projector.safetensors");
        byte[] original = Files.readAllBytes(proj);
        Map<String, SafeTensorsWriter.Tensor> t = new LinkedHashMap<>();
        try (SafeTensors st = SafeTensors.open(proj)) {
            for (String name : st.names()) {
                long[] shape = st.info(name).shape();
                float[] v = st.floats(name);
                if (name.equals("projector.2.weight")) {
                    shape = new long[] {shape[0] * shape[1]};
                }
                t.put(name, new SafeTensorsWriter.Tensor(v, shape));
            }
        }
        SafeTensorsWriter.write(proj, t, Map.of());
        assertMessage(dir, proj.toString(), "projector.2.weight");
        Files.write(proj, original);

        // Unknown tokenizer type.
        Path tok = dir.resolve("llm/tokenizer.json");
        String tokJson = Files.readString(tok);
        Files.writeString(tok, tokJson.replaceFirst("\"type\": ?\"BPE\"", "\"type\":\"Mystery\""));
        assertMessage(dir, tok.toString(), "unknown tokenizer type 'Mystery'");
        Files.writeString(tok, tokJson);

        // Missing LLM tensor.
        Path llmWeights = dir.resolve("llm/model.safetensors");
        Map<String, SafeTensorsWriter.Tensor> lt = new LinkedHashMap<>();
        try (SafeTensors st = SafeTensors.open(llmWeights)) {
            for (String name : st.names()) {
                if (!name.equals("model.layers.1.mlp.up_proj.weight")) {
                    lt.put(name, new SafeTensorsWriter.Tensor(st.floats(name), st.info(name).shape()));
                }
            }
        }
        SafeTensorsWriter.write(llmWeights, lt, Map.of());
        assertMessage(dir, llmWeights.toString(), "model.layers.1.mlp.up_proj.weight");

        // Tokenizer from a bigger vocabulary than the model's.
        Files.copy(SharedData.resolve("models/llama-tokenizer/tokenizer.json"), tok, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertMessage(dir, tok.toString(), "vocab_size 512");
        Files.writeString(tok, tokJson);

        assertMessage(tmp.resolve("nowhere"), tmp.resolve("nowhere").toString(), "not found");
    }

    private static void assertMessage(Path dir, String... parts) {
        RayScribeException e = assertThrows(RayScribeException.class, () -> ModelBundle.load(dir, Device.cpu()).close());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention " + part);
        }
        assertNotEquals(-1, e.getMessage().indexOf(':'));
    }
}
