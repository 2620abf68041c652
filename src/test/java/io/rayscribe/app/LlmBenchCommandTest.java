package io.rayscribe.app;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's output contract (not its speed: figures live in docs/performance.md). */
class LlmBenchCommandTest {
    @Test
    void printsOneJsonObjectWithTheAgreedFields() {
        for (String backend : new String[] {"java", "djl"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Cli.run(List.of("bench", "llm", "--model", SharedData.resolve("models/stories260K-hf").toString(),
                    "--tokens", "4", "--prompt-tokens", "3", "--repeat", "1", "--warmup", "1", "--bandwidth-mb", "16",
                    "--backend", backend, "--json"),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
            JsonObject o = JsonParser.parseString(out.toString(StandardCharsets.UTF_8).trim()).getAsJsonObject();
            assertEquals(backend, o.get("backend").getAsString());
            assertEquals(1040128, o.get("weight_bytes").getAsLong(), "stories260K: 260,032 float32 parameters");
            for (String k : new String[] {"load_s", "prefill_tokens_per_s", "decode_tokens_per_s", "ttft_s", "peak_rss_mb",
                    "bandwidth_gb_s", "bound_tokens_per_s"}) {
                assertTrue(o.get(k).getAsDouble() > 0, k + " in " + o);
            }
            double fraction = o.get("decode_tokens_per_s").getAsDouble() / o.get("bound_tokens_per_s").getAsDouble();
            // Relative tolerance: both inputs are printed rounded to 0.1, and on a cache-resident
            // model the fraction can be far above 1 (stories260K: ~34), where 0.01 absolute is noise.
            assertEquals(fraction, o.get("fraction_of_bound").getAsDouble(), 0.01 * Math.max(1, fraction));
        }
    }

    @Test
    void peerRunsInTheSameInvocationAndAgreesOnGreedyIds() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(List.of("bench", "llm", "--model", SharedData.resolve("models/stories260K-hf").toString(),
                "--tokens", "20", "--prompt-tokens", "1", "--repeat", "1", "--warmup", "1", "--bandwidth-mb", "16",
                "--peer", "djl", "--json"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        JsonObject o = JsonParser.parseString(out.toString(StandardCharsets.UTF_8).trim()).getAsJsonObject();
        assertEquals("djl", o.getAsJsonObject("peer").get("backend").getAsString());
        assertTrue(o.getAsJsonObject("peer").get("decode_tokens_per_s").getAsDouble() > 0);
        // Both are float32 implementations of the same model: greedy decoding from BOS agrees.
        assertEquals(20, o.get("generated_ids_agree_with_peer").getAsInt());
    }

    @Test
    void badArgumentsAreUserErrors() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(List.of("bench", "llm", "--model", SharedData.resolve("models/stories260K-hf").toString(),
                "--backend", "cuda-magic"), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--backend must be java or djl"));
    }
}
