package io.rayscribe.model.djl;

import io.rayscribe.model.Generator;
import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rayscribe.model.DecoderSession;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The DJL Llama against the verified outputs of the real stories260K checkpoint. */
class DjlLlamaReferenceTest {
    private static final Path MODEL = SharedData.resolve("models/stories260K-hf");
    private static DjlLlama llama;
    private static JsonObject reference;

    @BeforeAll
    static void load() throws Exception {
        DjlLlama.setTorchThreads(1);
        llama = DjlLlama.load(MODEL, Device.cpu());
        reference = JsonParser.parseString(Files.readString(MODEL.resolve("reference.json"))).getAsJsonObject();
    }

    @AfterAll
    static void close() {
        llama.close();
    }


    static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    @Test
    void firstStepLogitsMatchReference() {
        JsonObject ref = reference.getAsJsonObject("logits_after_BOS_pos0");
        try (DecoderSession s = llama.newSession()) {
            float[] logits = s.forward(s.embed(new int[] {1}), null);
            assertEquals(512, logits.length);
            int[] ids = ints(ref.getAsJsonArray("top10_ids"));
            JsonArray values = ref.getAsJsonArray("top10_values");
            for (int i = 0; i < ids.length; i++) {
                assertEquals(values.get(i).getAsDouble(), logits[ids[i]], 1e-3, "logit of token " + ids[i]);
            }
            double sum = 0;
            float min = Float.MAX_VALUE;
            for (float f : logits) {
                sum += f;
                min = Math.min(min, f);
            }
            assertEquals(ref.get("sum").getAsDouble(), sum, 0.05);
            assertEquals(ref.get("min").getAsDouble(), min, 1e-3);
            assertEquals(ids[0], Generator.argmax(logits));
        }
    }

    @Test
    void greedyFromBosMatches256Steps() {
        int[] expected = ints(reference.getAsJsonObject("greedy_from_BOS_256_steps").getAsJsonArray("generated_token_ids"));
        int[] got = new int[expected.length];
        try (DecoderSession s = llama.newSession()) {
            int token = 1;
            for (int i = 0; i < expected.length; i++) {
                float[] logits = s.forward(s.embed(new int[] {token}), null);
                token = Generator.argmax(logits);
                got[i] = token;
            }
            assertEquals(expected.length, s.position());
        }
        assertArrayEquals(expected, got);
    }

    @Test
    void promptPrefillThenGreedyMatchesReference() {
        JsonObject ref = reference.getAsJsonObject("greedy_prompt_Once_upon_a_time_64_steps");
        int[] prompt = ints(ref.getAsJsonArray("prompt_tokens"));
        int[] all = ints(ref.getAsJsonArray("all_tokens_after_BOS"));
        int generatedCount = all.length - (prompt.length - 1);
        try (DecoderSession s = llama.newSession()) {
            // The whole prompt in one prefill call (causal mask inside the chunk), then one token at a time.
            float[] logits = s.forward(s.embed(prompt), null);
            for (int i = 0; i < generatedCount; i++) {
                int token = Generator.argmax(logits);
                assertEquals(all[prompt.length - 1 + i], token, "generated token " + i);
                logits = s.forward(s.embed(new int[] {token}), null);
            }
            s.reset();
            assertEquals(0, s.position());
            float[] again = s.forward(s.embed(prompt), null);
            assertEquals(all[prompt.length - 1], Generator.argmax(again));
        }
    }

    @Test
    void lastRowAttentionSumsToOnePerHead() {
        try (DecoderSession s = llama.newSession()) {
            s.forward(s.embed(new int[] {1, 403, 407}), null);
            float[][] captured = new float[1][];
            int[] dims = new int[3];
            s.forward(s.embed(new int[] {261}), (probs, layers, heads, positions) -> {
                captured[0] = probs;
                dims[0] = layers;
                dims[1] = heads;
                dims[2] = positions;
            });
            assertEquals(5, dims[0]);
            assertEquals(8, dims[1]);
            assertEquals(4, dims[2]);
            assertEquals(5 * 8 * 4, captured[0].length);
            for (int lh = 0; lh < 40; lh++) {
                double sum = 0;
                for (int p = 0; p < 4; p++) {
                    sum += captured[0][lh * 4 + p];
                }
                assertEquals(1.0, sum, 1e-5, "row " + lh);
            }
        }
    }
}
