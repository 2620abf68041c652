package io.rayscribe.app;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LmCommandTest {
    private static final Path MODEL = SharedData.resolve("models/stories260K-hf");

    record Run(int code, String out, String err) {
    }

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void jsonMatchesTheReferenceContinuation() throws Exception {
        JsonObject ref = JsonParser.parseString(Files.readString(MODEL.resolve("reference.json"))).getAsJsonObject();
        JsonObject once = ref.getAsJsonObject("greedy_prompt_Once_upon_a_time_64_steps");
        JsonArray all = once.getAsJsonArray("all_tokens_after_BOS");
        int promptLen = once.getAsJsonArray("prompt_tokens").size();
        int n = all.size() - (promptLen - 1);
        Run r = cli("lm", "--model", MODEL.toString(), "--prompt", "Once upon a time", "--max-new-tokens", "" + n, "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
        assertEquals(once.getAsJsonArray("prompt_tokens"), o.getAsJsonArray("prompt_ids"));
        JsonArray gen = o.getAsJsonArray("generated_ids");
        assertEquals(n, gen.size());
        for (int i = 0; i < n; i++) {
            assertEquals(all.get(promptLen - 1 + i).getAsInt(), gen.get(i).getAsInt(), "token " + i);
        }
        assertEquals(5, o.getAsJsonArray("first_step_top5").size());
        assertEquals(gen.get(0).getAsInt(), o.getAsJsonArray("first_step_top5").get(0).getAsJsonArray().get(0).getAsInt());
        assertTrue(o.get("text").getAsString().startsWith(", there was"), o.get("text").getAsString());
    }

    @Test
    void fromBosDoesNotStopAtEosUnlessAsked() throws Exception {
        JsonObject ref = JsonParser.parseString(Files.readString(MODEL.resolve("reference.json"))).getAsJsonObject();
        JsonObject bos = ref.getAsJsonObject("logits_after_BOS_pos0");
        Run r = cli("lm", "--model", MODEL.toString(), "--prompt-ids", "1", "--max-new-tokens", "256", "--greedy", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
        assertEquals(256, o.getAsJsonArray("generated_ids").size());
        assertEquals(ref.getAsJsonObject("greedy_from_BOS_256_steps").getAsJsonArray("generated_token_ids"),
                o.getAsJsonArray("generated_ids"));
        JsonArray top = o.getAsJsonArray("first_step_top5");
        for (int i = 0; i < 5; i++) {
            assertEquals(bos.getAsJsonArray("top10_ids").get(i).getAsInt(), top.get(i).getAsJsonArray().get(0).getAsInt());
            assertEquals(bos.getAsJsonArray("top10_values").get(i).getAsDouble(), top.get(i).getAsJsonArray().get(1).getAsDouble(), 1e-3);
        }
    }

    @Test
    void streamsTextAndSamplingIsSeeded() {
        Run plain = cli("lm", "--model", MODEL.toString(), "--prompt", "Lily saw", "--max-new-tokens", "12");
        assertEquals(0, plain.code(), plain.err());
        assertTrue(plain.out().trim().length() > 5, plain.out());
        Run a = cli("lm", "--model", MODEL.toString(), "--prompt", "Lily saw", "--temperature", "0.9", "--top-p", "0.95",
                "--seed", "11", "--max-new-tokens", "30", "--json");
        Run b = cli("lm", "--model", MODEL.toString(), "--prompt", "Lily saw", "--temperature", "0.9", "--top-p", "0.95",
                "--seed", "11", "--max-new-tokens", "30", "--json");
        assertEquals(0, a.code(), a.err());
        assertEquals(JsonParser.parseString(a.out()).getAsJsonObject().get("generated_ids"),
                JsonParser.parseString(b.out()).getAsJsonObject().get("generated_ids"));
    }

    @Test
    void userErrorsAreOneLine() {
        Run bad = cli("lm", "--model", MODEL.toString(), "--prompt-ids", "1,99999");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("outside the vocabulary"), bad.err());
        Run tooLong = cli("lm", "--model", MODEL.toString(), "--prompt", "Once upon a time ".repeat(200));
        assertEquals(2, tooLong.code());
        assertTrue(tooLong.err().contains("context is 512"), tooLong.err());
        Run missing = cli("lm", "--model", "/nonexistent/model", "--prompt", "x");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("/nonexistent/model"), missing.err());
    }
}
