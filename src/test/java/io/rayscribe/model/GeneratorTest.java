package io.rayscribe.model;

import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import io.rayscribe.model.djl.DjlLlama;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeneratorTest {
    private static final Path MODEL = SharedData.resolve("models/stories260K-hf");
    private static DjlLlama llama;
    private static TextTokenizer tokenizer;

    @BeforeAll
    static void load() {
        DjlLlama.setTorchThreads(1);
        llama = DjlLlama.load(MODEL, Device.cpu());
        tokenizer = TextTokenizer.load(MODEL, 1, 2, 512);
    }

    @AfterAll
    static void close() {
        llama.close();
        tokenizer.close();
    }

    private static GenerationSettings sampling(long seed, float temperature, int topK, float topP, float penalty, int max) {
        return new GenerationSettings(false, temperature, topK, topP, seed, penalty, max, List.of(), false, false);
    }

    private GenerationResult run(int[] prompt, GenerationSettings s, List<TokenEvent> events) {
        try (DecoderSession session = llama.newSession()) {
            Generator g = new Generator(session, tokenizer, 512);
            return g.generate(ModelBundle.Prompt.ofTokens(prompt, session), List.of(), s, events::add, () -> false);
        }
    }

    @Test
    void greedyMatchesReferenceAndStreamsEveryToken() throws Exception {
        JsonArray ref = JsonParser.parseString(Files.readString(MODEL.resolve("reference.json"))).getAsJsonObject()
                .getAsJsonObject("greedy_from_BOS_256_steps").getAsJsonArray("generated_token_ids");
        int[] expected = new int[ref.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = ref.get(i).getAsInt();
        }
        List<TokenEvent> events = new ArrayList<>();
        GenerationSettings greedy = new GenerationSettings(true, 1f, 0, 1f, 0, 1f, 256, List.of(), false, false);
        GenerationResult r = run(new int[] {1}, greedy, events);
        assertArrayEquals(expected, r.generatedIds());
        assertEquals("max_tokens", r.stopReason());
        assertEquals(256, events.size());
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i, events.get(i).index());
            assertEquals(expected[i], events.get(i).tokenId());
            joined.append(events.get(i).textPiece());
        }
        assertEquals(tokenizer.decode(expected), r.text());
        assertEquals(r.text(), joined.toString());
    }

    @Test
    void sameSeedSameOutputAndFiltersBehave() {
        int[] prompt = tokenizer.encodeWithBos("Once upon a time");
        GenerationResult a = run(prompt, sampling(7, 1.0f, 0, 0.9f, 1f, 40), new ArrayList<>());
        GenerationResult b = run(prompt, sampling(7, 1.0f, 0, 0.9f, 1f, 40), new ArrayList<>());
        assertArrayEquals(a.generatedIds(), b.generatedIds());
        boolean anyDiffers = false;
        for (long seed = 8; seed < 12 && !anyDiffers; seed++) {
            anyDiffers = !java.util.Arrays.equals(a.generatedIds(),
                    run(prompt, sampling(seed, 1.0f, 0, 0.9f, 1f, 40), new ArrayList<>()).generatedIds());
        }
        assertTrue(anyDiffers, "different seeds should give a different sample");
        GenerationSettings greedy = new GenerationSettings(true, 1f, 0, 1f, 0, 1f, 40, List.of(), false, false);
        int[] greedyIds = run(prompt, greedy, new ArrayList<>()).generatedIds();
        assertArrayEquals(greedyIds, run(prompt, sampling(3, 1.3f, 1, 1f, 1f, 40), new ArrayList<>()).generatedIds(), "top-k 1 is greedy");
        assertArrayEquals(greedyIds, run(prompt, sampling(3, 1.0f, 0, 1e-6f, 1f, 40), new ArrayList<>()).generatedIds(), "tiny top-p is greedy");
        GenerationSettings penalised = new GenerationSettings(true, 1f, 0, 1f, 0, 1.8f, 40, List.of(), false, false);
        assertNotEquals(java.util.Arrays.toString(greedyIds), java.util.Arrays.toString(run(prompt, penalised, new ArrayList<>()).generatedIds()));
    }

    @Test
    void repetitionPenaltyFollowsHuggingFaceRule() {
        float[] logits = {2f, -2f, 1f, 0.5f};
        GenerationSettings s = new GenerationSettings(true, 1f, 0, 1f, 0, 4f, 1, List.of(), false, false);
        // Token 0 was seen: 2/4 = 0.5 < 1 → token 2 wins.
        assertEquals(2, Generator.choose(logits, s, new java.util.Random(0), new int[] {0}, new int[0], 0));
        assertEquals(0, Generator.choose(logits, s, new java.util.Random(0), new int[] {1}, new int[0], 0));
    }

    @Test
    void stopsAtStopStringEosOnlyWhenAskedAndCancels() {
        int[] prompt = {1};
        GenerationSettings stop = new GenerationSettings(true, 1f, 0, 1f, 0, 1f, 200, List.of("Lily"), false, false);
        GenerationResult r = run(prompt, stop, new ArrayList<>());
        assertEquals("stop_string", r.stopReason());
        assertTrue(r.text().endsWith("Lily"), r.text());
        // Greedy from BOS reaches an EOS-like end of story: with stop_at_eos the run ends there.
        GenerationSettings noEos = new GenerationSettings(true, 1f, 0, 1f, 0, 1f, 256, List.of(), false, false);
        int[] all = run(prompt, noEos, new ArrayList<>()).generatedIds();
        int eosAt = -1;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == tokenizer.eosId()) {
                eosAt = i;
                break;
            }
        }
        GenerationSettings withEos = new GenerationSettings(true, 1f, 0, 1f, 0, 1f, 256, List.of(), true, false);
        GenerationResult e = run(prompt, withEos, new ArrayList<>());
        if (eosAt >= 0) {
            assertEquals("eos", e.stopReason());
            assertEquals(eosAt + 1, e.generatedIds().length);
        } else {
            assertEquals("max_tokens", e.stopReason());
            assertEquals(256, e.generatedIds().length);
        }
        AtomicInteger seen = new AtomicInteger();
        try (DecoderSession session = llama.newSession()) {
            Generator g = new Generator(session, tokenizer, 512);
            GenerationResult c = g.generate(ModelBundle.Prompt.ofTokens(prompt, session), List.of(), noEos,
                    ev -> seen.incrementAndGet(), () -> seen.get() >= 5);
            assertEquals("cancelled", c.stopReason());
            assertEquals(5, c.generatedIds().length);
        }
    }
}
