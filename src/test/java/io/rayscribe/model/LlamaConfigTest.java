package io.rayscribe.model;

import io.rayscribe.core.RayScribeException;
import io.rayscribe.model.weights.SafeTensors;
import io.rayscribe.model.weights.SafeTensorsWriter;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LlamaConfigTest {
    private static final Path STORIES = SharedData.resolve("models/stories260K-hf");

    @TempDir
    Path tmp;

    @Test
    void loadsStories260KConfigAndItsWeightsPassTheCheck() {
        LlamaConfig c = LlamaConfig.load(STORIES);
        assertEquals(64, c.hiddenSize());
        assertEquals(172, c.intermediateSize());
        assertEquals(5, c.numHiddenLayers());
        assertEquals(8, c.numAttentionHeads());
        assertEquals(4, c.numKeyValueHeads());
        assertEquals(512, c.vocabSize());
        assertEquals(1e-5, c.rmsNormEps());
        assertEquals(10000.0, c.ropeTheta());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(8, c.headDim());
        assertEquals(32, c.kvDim());
        try (SafeTensors st = SafeTensors.open(STORIES)) {
            LlamaWeights.check(c, st);
            long params = 0;
            for (String n : st.names()) {
                params += st.info(n).numel();
            }
            assertEquals(params, c.parameterCount());
        }
    }

    @Test
    void toJsonRoundTrips() {
        LlamaConfig c = LlamaConfig.load(STORIES);
        c.save(tmp);
        assertEquals(c, LlamaConfig.load(tmp.resolve("config.json")));
    }

    @Test
    void missingKeyAndUnsupportedModelNameTheFileAndKey() throws IOException {
        String text = Files.readString(STORIES.resolve("config.json"));
        Path f = tmp.resolve("config.json");
        Files.writeString(f, text.replace("\"intermediate_size\"", "\"intermediate_size_x\""));
        RayScribeException e = assertThrows(RayScribeException.class, () -> LlamaConfig.load(tmp));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("'intermediate_size'"), e.getMessage());
        Files.writeString(f, text.replace("\"llama\"", "\"gpt2\""));
        assertTrue(assertThrows(RayScribeException.class, () -> LlamaConfig.load(f)).getMessage().contains("gpt2"));
        Files.writeString(f, text.replace("\"num_key_value_heads\": 4", "\"num_key_value_heads\": 3"));
        assertTrue(assertThrows(RayScribeException.class, () -> LlamaConfig.load(f)).getMessage().contains("num_key_value_heads"));
        Files.writeString(f, text.replace("\"rope_scaling\": null", "\"rope_scaling\": {\"type\":\"linear\",\"factor\":2}"));
        assertTrue(assertThrows(RayScribeException.class, () -> LlamaConfig.load(f)).getMessage().contains("rope_scaling"));
    }

    @Test
    void weightCheckNamesTheWrongOrMissingTensor() {
        LlamaConfig c = LlamaConfig.of(8, 16, 1, 2, 1, 10, 32, false);
        Map<String, SafeTensorsWriter.Tensor> m = new LinkedHashMap<>();
        LlamaWeights.expected(c).forEach((name, shape) ->
                m.put(name, new SafeTensorsWriter.Tensor(new float[(int) product(shape)], shape)));
        Path ok = tmp.resolve("ok.safetensors");
        SafeTensorsWriter.write(ok, m, Map.of());
        try (SafeTensors st = SafeTensors.open(ok)) {
            LlamaWeights.check(c, st);
        }
        m.put(LlamaWeights.k(0), new SafeTensorsWriter.Tensor(new float[8 * 8], new long[] {8, 8}));
        m.remove(LlamaWeights.LM_HEAD);
        Path bad = tmp.resolve("bad.safetensors");
        SafeTensorsWriter.write(bad, m, Map.of());
        try (SafeTensors st = SafeTensors.open(bad)) {
            RayScribeException e = assertThrows(RayScribeException.class, () -> LlamaWeights.check(c, st));
            assertTrue(e.getMessage().contains("model.layers.0.self_attn.k_proj.weight"), e.getMessage());
            assertTrue(e.getMessage().contains("[8, 8]") && e.getMessage().contains("[4, 8]"), e.getMessage());
            assertTrue(e.getMessage().contains("1 more"), e.getMessage());
        }
    }

    private static long product(long[] shape) {
        long p = 1;
        for (long d : shape) {
            p *= d;
        }
        return p;
    }
}
