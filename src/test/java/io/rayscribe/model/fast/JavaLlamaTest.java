package io.rayscribe.model.fast;

import io.rayscribe.model.Generator;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.model.DecoderSession;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure-Java decoder against the verified stories260K outputs (reference.json). */
class JavaLlamaTest {
    private static final Path DIR = SharedData.resolve("models/stories260K-hf");
    private static JsonObject reference;
    private static JavaLlama model;

    @BeforeAll
    static void load() throws IOException {
        reference = JsonParser.parseString(Files.readString(DIR.resolve("reference.json"))).getAsJsonObject();
        model = JavaLlama.load(DIR);
    }

    @AfterAll
    static void close() {
        model.close();
    }


    private static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    private int[] greedy(DecoderSession s, int[] prompt, int steps) {
        float[] logits = s.forward(s.embed(prompt), null);
        int[] out = new int[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = Generator.argmax(logits);
            if (i + 1 < steps) {
                logits = s.forward(s.embed(new int[] {out[i]}), null);
            }
        }
        return out;
    }

    @Test
    void greedyFromBosMatchesReferenceFor256Steps() {
        JsonObject g = reference.getAsJsonObject("greedy_from_BOS_256_steps");
        int[] expected = ints(g.getAsJsonArray("generated_token_ids"));
        for (int threads : new int[] {1, 2}) {
            try (JavaLlama m = JavaLlama.create(model.config(), io.rayscribe.model.weights.SafeTensors.open(DIR), threads);
                 DecoderSession s = m.newSession()) {
                assertArrayEquals(expected, greedy(s, new int[] {model.config().bosTokenId()}, expected.length), "threads " + threads);
                assertEquals(expected.length, s.position());
            }
        }
    }

    @Test
    void firstStepLogitsMatchReferenceWithin1e3() {
        JsonObject ref = reference.getAsJsonObject("logits_after_BOS_pos0");
        try (DecoderSession s = model.newSession()) {
            float[] logits = s.forward(s.embed(new int[] {1}), null);
            assertEquals(512, logits.length);
            int[] ids = ints(ref.getAsJsonArray("top10_ids"));
            JsonArray values = ref.getAsJsonArray("top10_values");
            for (int i = 0; i < ids.length; i++) {
                assertEquals(values.get(i).getAsDouble(), logits[ids[i]], 1e-3, "logit of id " + ids[i]);
            }
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            double sum = 0;
            for (float v : logits) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
            }
            assertEquals(ref.get("min").getAsDouble(), min, 1e-3);
            assertEquals(ref.get("max").getAsDouble(), max, 1e-3);
            // The reference rounds the sum of 512 logits to 3 decimals.
            assertEquals(ref.get("sum").getAsDouble(), sum, 1e-2);
        }
    }

    @Test
    void promptPrefillContinuesLikeTheReference() {
        JsonObject g = reference.getAsJsonObject("greedy_prompt_Once_upon_a_time_64_steps");
        int[] prompt = ints(g.getAsJsonArray("prompt_tokens"));
        int[] all = ints(g.getAsJsonArray("all_tokens_after_BOS"));
        try (DecoderSession s = model.newSession()) {
            int steps = all.length - (prompt.length - 1);
            int[] generated = greedy(s, prompt, steps);
            assertArrayEquals(Arrays.copyOfRange(all, prompt.length - 1, all.length), generated);
        }
    }

    @Test
    void prefillAgreesWithStepByStepAndAttentionRowsSumToOne() {
        int[] ids = {1, 403, 407, 261, 378, 432, 383};
        float[] batched;
        List<float[]> captured = new ArrayList<>();
        int[] dims = new int[3];
        try (DecoderSession s = model.newSession()) {
            batched = s.forward(s.embed(ids), (probs, layers, heads, positions) -> {
                captured.add(probs);
                dims[0] = layers;
                dims[1] = heads;
                dims[2] = positions;
            });
        }
        float[] stepwise = null;
        try (DecoderSession s = model.newSession()) {
            for (int id : ids) {
                stepwise = s.forward(s.embed(new int[] {id}), null);
            }
        }
        for (int i = 0; i < batched.length; i++) {
            assertEquals(stepwise[i], batched[i], 1e-4, "logit " + i);
        }
        assertEquals(1, captured.size());
        assertEquals(5, dims[0]);
        assertEquals(8, dims[1]);
        assertEquals(ids.length, dims[2]);
        float[] p = captured.get(0);
        for (int lh = 0; lh < dims[0] * dims[1]; lh++) {
            double sum = 0;
            for (int j = 0; j < dims[2]; j++) {
                assertTrue(p[lh * dims[2] + j] >= 0);
                sum += p[lh * dims[2] + j];
            }
            assertEquals(1.0, sum, 1e-5, "layer*heads+head " + lh);
        }
    }

    /**
     * Q8 is an approximation: along the reference greedy sequence (teacher-forced), its top-1 token
     * must agree with the float32 reference at least 95% of the time, and its first-step logits stay
     * within 0.5 of the float32 ones (measured: 0.17, 253/256 agree; see docs/performance.md).
     */
    @Test
    void q8WeightsStayCloseToTheFloat32Reference() {
        int[] expected = ints(reference.getAsJsonObject("greedy_from_BOS_256_steps").getAsJsonArray("generated_token_ids"));
        try (JavaLlama q8 = JavaLlama.create(model.config(), io.rayscribe.model.weights.SafeTensors.open(DIR), 1, WeightFormat.Q8);
             DecoderSession q = q8.newSession();
             DecoderSession f = model.newSession()) {
            int token = 1;
            int agree = 0;
            for (int i = 0; i < expected.length; i++) {
                float[] lq = q.forward(q.embed(new int[] {token}), null);
                if (i == 0) {
                    float[] lf = f.forward(f.embed(new int[] {token}), null);
                    for (int j = 0; j < lf.length; j++) {
                        assertEquals(lf[j], lq[j], 0.5, "first-step logit " + j);
                    }
                }
                agree += Generator.argmax(lq) == expected[i] ? 1 : 0;
                token = expected[i];
            }
            assertTrue(agree >= 0.95 * expected.length, "top-1 agreement " + agree + "/" + expected.length);
            assertTrue(q8.bytesPerToken() < model.bytesPerToken() / 3);
        }
    }

    @Test
    void resetStartsOverAndBadInputIsRefused() {
        try (DecoderSession s = model.newSession()) {
            float[] a = s.forward(s.embed(new int[] {1}), null);
            s.forward(s.embed(new int[] {403}), null);
            s.reset();
            assertEquals(0, s.position());
            assertArrayEquals(a, s.forward(s.embed(new int[] {1}), null));
            assertThrows(RayScribeException.class, () -> s.embed(new int[] {512}));
            s.reset();
            float[][] tooMany = new float[513][64];
            RayScribeException e = assertThrows(RayScribeException.class, () -> s.forward(tooMany, null));
            assertTrue(e.getMessage().contains("max_position_embeddings"), e.getMessage());
        }
    }
}
