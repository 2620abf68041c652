package io.rayscribe.app;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rayscribe.model.ModelBundle;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code draft} and {@code bench draft} on a random-weight bundle and a real chest radiograph. */
class DraftCommandTest {
    @TempDir
    static Path tmp;
    static Path bundle;
    static final Path XRAY = SharedData.resolve("dicom/radiography/DX_chest_NIH_cxr14_implicitLE_8bit.dcm");

    @BeforeAll
    static void build() {
        bundle = tmp.resolve("bundle");
        ModelBundle.createRandom(bundle, ModelBundle.RandomSpec.tiny(SharedData.resolve("models/stories260K-hf"), 512), 9);
    }

    @Test
    void draftStreamsALabelledReportAndWritesAttention() throws Exception {
        Path att = tmp.resolve("out/attention.json");
        LmCommandTest.Run r = LmCommandTest.cli("draft", "--model", bundle.toString(), XRAY.toString(),
                "--max-new-tokens", "16", "--greedy", "--attention", att.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n", 2);
        assertTrue(lines[0].startsWith("AI DRAFT - random-tiny"), lines[0]);
        assertTrue(r.err().contains("16 tokens"), r.err());
        JsonObject o = JsonParser.parseString(Files.readString(att)).getAsJsonObject();
        assertEquals(16, o.getAsJsonArray("tokens").size());
        assertEquals(4, o.getAsJsonArray("regions").size());
        JsonObject first = o.getAsJsonArray("tokens").get(0).getAsJsonObject();
        assertEquals(2 * 4 * 4, first.getAsJsonArray("visual").size());
        assertEquals(o.get("text").getAsString(), lines[1].substring(0, lines[1].length() - 1));
    }

    @Test
    void benchDraftPrintsItsFigures() {
        LmCommandTest.Run r = LmCommandTest.cli("bench", "draft", "--model", bundle.toString(), XRAY.toString(),
                "--tokens", "8", "--repeat", "1", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
        for (String key : new String[] {"load_s", "vision_s", "ttft_s", "prefill_tokens_per_s", "decode_tokens_per_s",
                "peak_rss_mb", "weight_bytes"}) {
            assertTrue(o.has(key), key);
        }
        assertTrue(o.get("vision_s").getAsDouble() > 0);
        assertTrue(o.get("decode_tokens_per_s").getAsDouble() > 0);
    }

    @Test
    void missingDemoModelAndUnreadableStudyAreClearErrors() throws Exception {
        String old = System.getProperty("rayscribe.home");
        System.setProperty("rayscribe.home", tmp.resolve("empty-home").toString());
        try {
            LmCommandTest.Run r = LmCommandTest.cli("draft", XRAY.toString());
            assertEquals(2, r.code());
            assertTrue(r.err().contains("assets/models/demo") && r.err().contains("no demo model"), r.err());
        } finally {
            if (old == null) {
                System.clearProperty("rayscribe.home");
            } else {
                System.setProperty("rayscribe.home", old);
            }
        }
        Path notDicom = tmp.resolve("notes.txt");
        Files.writeString(notDicom, "hello");
        LmCommandTest.Run r = LmCommandTest.cli("draft", "--model", bundle.toString(), notDicom.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(notDicom.toString()), r.err());
        LmCommandTest.Run llmOnly = LmCommandTest.cli("draft", "--model", SharedData.resolve("models/stories260K-hf").toString(),
                XRAY.toString());
        assertEquals(2, llmOnly.code());
        assertTrue(llmOnly.err().contains("LLM-only"), llmOnly.err());
    }
}
