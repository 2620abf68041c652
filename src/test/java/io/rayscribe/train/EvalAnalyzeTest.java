package io.rayscribe.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rayscribe.app.Cli;
import io.rayscribe.model.ModelBundle;
import io.rayscribe.testing.SharedData;
import io.rayscribe.train.metrics.FindingExtractor;
import io.rayscribe.train.metrics.TextMetrics;
import io.rayscribe.train.phantom.PhantomGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** eval and analyze end to end on a small random bundle and real phantom DICOM files. */
class EvalAnalyzeTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path data;

    @BeforeAll
    static void setUp() {
        model = tmp.resolve("bundle");
        ModelBundle.createRandom(model, ModelBundle.RandomSpec.tiny(SharedData.resolve("models/stories260K-hf"), 512), 5);
        data = tmp.resolve("phantoms");
        new PhantomGenerator(128).writeAll(data, 4, 8, false, null);
    }

    @Test
    void evalPrintsEveryMetricAndTheyMatchTheDrafts() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path predictions = tmp.resolve("pred.jsonl");
        int code = Cli.run(List.of("eval", "--model", model.toString(), "--data", data.toString(), "--json",
                "--predictions", predictions.toString()), new PrintStream(out, true), new PrintStream(new ByteArrayOutputStream()));
        assertEquals(0, code);
        JsonObject m = JsonParser.parseString(out.toString().trim()).getAsJsonObject();
        for (String k : List.of("bleu1", "bleu2", "bleu3", "bleu4", "rouge_l", "cider", "meteor", "finding_precision",
                "finding_recall", "finding_f1_micro", "pointing_game")) {
            assertTrue(m.has(k), "missing " + k + " in " + m);
        }
        assertEquals(4, m.get("examples").getAsInt());
        // Recompute the text metrics and the finding counts from the saved drafts.
        List<String> hyps = new ArrayList<>();
        List<List<String>> refs = new ArrayList<>();
        int fp = 0;
        for (String line : Files.readAllLines(predictions)) {
            JsonObject d = JsonParser.parseString(line).getAsJsonObject();
            hyps.add(d.get("text").getAsString());
            refs.add(List.of(d.get("reference").getAsString()));
            List<String> keys = FindingExtractor.keys(d.get("text").getAsString());
            assertEquals(keys.size(), d.getAsJsonArray("predicted").size());
            for (String k : keys) {
                boolean inTruth = false;
                for (var t : d.getAsJsonArray("truth")) {
                    inTruth |= t.getAsString().equals(k);
                }
                fp += inTruth ? 0 : 1;
            }
        }
        TextMetrics.Scores s = TextMetrics.score(hyps, refs);
        assertEquals(s.bleu4(), m.get("bleu4").getAsDouble(), 1e-12);
        assertEquals(s.cider(), m.get("cider").getAsDouble(), 1e-12);
        assertEquals(fp, m.get("finding_fp").getAsInt());
    }

    @Test
    void analyzeWritesJsonAndCharts() throws Exception {
        Path outDir = tmp.resolve("analysis");
        Map<String, Object> r = new Analyzer(new PrintStream(new ByteArrayOutputStream())).analyze(model, data, outDir, 3);
        assertTrue(Files.isRegularFile(outDir.resolve("analysis.json")));
        for (String png : List.of("prompt-norms.png", "attention-share-per-layer.png", "finding-attention-maps.png")) {
            assertNotNull(ImageIO.read(outDir.resolve(png).toFile()), png);
        }
        JsonObject a = JsonParser.parseString(Files.readString(outDir.resolve("analysis.json"))).getAsJsonObject();
        var prompts = a.getAsJsonObject("soft_visual_prompts").getAsJsonArray("prompts");
        assertEquals(4, prompts.size(), "one row per visual prompt of the 2x2 grid");
        assertEquals(5, prompts.get(0).getAsJsonObject().getAsJsonArray("nearest_tokens").size());
        var layers = a.getAsJsonObject("attention").getAsJsonArray("per_layer");
        assertEquals(2, layers.size());
        for (var l : layers) {
            JsonObject o = l.getAsJsonObject();
            double sum = o.get("visual_share").getAsDouble() + o.get("bos_sink_share").getAsDouble()
                    + o.get("text_share").getAsDouble();
            assertEquals(1.0, sum, 1e-6, "shares of one layer add up to 1");
            assertTrue(o.get("visual_share").getAsDouble() > 0, "generated tokens attend to the visual prompts");
        }
        assertTrue(r.containsKey("attention"));
    }

    @Test
    void tokenSpanCoversTheCharactersOfAMention() {
        List<String> pieces = List.of(" No", " eff", "usion", ".", " Left", " pne", "umothorax", ".");
        String text = String.join("", pieces);
        int start = text.indexOf("Left");
        assertArrayEquals(new int[] {4, 8}, Evaluator.tokenSpan(pieces, start, text.length()));
    }
}
