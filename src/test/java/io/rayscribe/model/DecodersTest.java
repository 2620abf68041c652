package io.rayscribe.model;

import ai.djl.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private static GenerationResult run(ModelBundle b, Decoders.Choice c, GenerationSettings s) {
        try (DecoderSession session = c.open()) {
            ModelBundle.Prompt p = b.prompt(ModelBundleTest.gradient(120, 90), session);
            return new Generator(session, b.tokenizer(), b.llmConfig().maxPositionEmbeddings())
                    .generate(p, b.regions(), s, e -> { }, () -> false);
        }
    }
}
