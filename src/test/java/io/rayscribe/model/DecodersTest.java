package io.rayscribe.model;

import ai.djl.Device;
import io.rayscribe.core.RayScribeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The drafter's two decoders give the same greedy draft and the same attention on a multimodal prompt. */
class DecodersTest {
    @Test
    void javaAndDjlDecodersAgreeOnADraft(@TempDir Path tmp) {
        GenerationSettings s = new GenerationSettings(true, 1f, 0, 1f, 0, 1f, 20, List.of(), false, true);
        try (ModelBundle b = ModelBundle.load(ModelBundleTest.randomBundle(tmp.resolve("b")), Device.cpu());
             Decoders.Choice java = Decoders.java(b);
             Decoders.Choice djl = Decoders.djl(b)) {
            assertTrue(java.description().contains("Java"));
            GenerationResult a = run(b, java, s);
            GenerationResult r = run(b, djl, s);
            assertArrayEquals(r.generatedIds(), a.generatedIds());
            assertEquals(r.text(), a.text());
            for (int t = 0; t < a.attention().size(); t++) {
                assertArrayEquals(r.attention().get(t).visual(), a.attention().get(t).visual(), 1e-4f);
                assertArrayEquals(r.attention().get(t).sink(), a.attention().get(t).sink(), 1e-4f);
            }
        }
    }

    @Test
    void int8WeightsAreChosenBySystemProperty(@TempDir Path tmp) {
        GenerationSettings s = new GenerationSettings(true, 1f, 0, 1f, 0, 1f, 20, List.of(), false, true);
        String before = System.getProperty(Decoders.WEIGHTS_PROPERTY);
        try (ModelBundle b = ModelBundle.load(ModelBundleTest.randomBundle(tmp.resolve("b")), Device.cpu())) {
            System.setProperty(Decoders.WEIGHTS_PROPERTY, "q8");
            try (Decoders.Choice q8 = Decoders.java(b)) {
                assertTrue(q8.description().contains("int8"), q8.description());
                assertEquals(20, run(b, q8, s).generatedIds().length);
            }
            System.setProperty(Decoders.WEIGHTS_PROPERTY, "f16");
            RayScribeException e = assertThrows(RayScribeException.class, () -> Decoders.java(b));
            assertTrue(e.getMessage().contains("f32, bf16 or q8"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(Decoders.WEIGHTS_PROPERTY);
            } else {
                System.setProperty(Decoders.WEIGHTS_PROPERTY, before);
            }
        }
    }

    private static GenerationResult run(ModelBundle b, Decoders.Choice c, GenerationSettings s) {
        try (DecoderSession session = c.open()) {
            ModelBundle.Prompt p = b.prompt(ModelBundleTest.gradient(120, 90), session);
            return new Generator(session, b.tokenizer(), b.llmConfig().maxPositionEmbeddings())
                    .generate(p, b.regions(), s, e -> { }, () -> false);
        }
    }
}
