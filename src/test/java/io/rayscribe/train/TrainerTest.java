package io.rayscribe.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.model.ModelBundle;
import io.rayscribe.model.weights.SafeTensors;
import io.rayscribe.testing.SharedData;
import io.rayscribe.train.phantom.PhantomGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tiny real training runs: a small ViT, the real stories260K LLM, a handful of phantoms. */
class TrainerTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void phantoms() {
        data = tmp.resolve("phantoms");
        new PhantomGenerator(128).writeAll(data, 8, 3, false, null);
    }

    private static Path config(Path dir, String output, String stagesJson, String extraTop) throws Exception {
        String llm = SharedData.resolve("models/stories260K-hf").toString();
        String json = """
                {
                  "seed": 7,
                  "output": "%s",
                  "dataset": {"path": "%s"},
                  "model": {
                    "llm": "%s",
                    "encoder": {"image_size": 32, "patch_size": 8, "hidden_size": 16, "num_layers": 1, "num_heads": 2,
                                "intermediate_size": 32},
                    "projector": {"type": "mlp2_gelu", "prompt_grid": [2, 2]},
                    "prompt": {"prefix": "X:", "instruction": "R:"},
                    "max_new_tokens": 12
                  },
                  "checkpoint_every": 4,
                  "log_every": 2,
                  %s
                  "stages": %s
                }
                """.formatted(output, data.toString().replace("\\", "/"), llm.replace("\\", "/"), extraTop, stagesJson);
        Files.createDirectories(dir);
        Path f = dir.resolve("train.json");
        Files.writeString(f, json);
        return f;
    }

    private static final String STAGES = """
            [
              {"name": "stage0", "type": "encoder_pretrain", "steps": 6, "batch_size": 8, "lr": 0.003},
              {"name": "stage1", "type": "align", "steps": 12, "batch_size": 4, "lr": 0.01, "warmup_steps": 2},
              {"name": "stage2", "type": "finetune", "steps": 12, "batch_size": 4, "lr": 0.003, "warmup_steps": 2}
            ]""";

    private static double[] history(Path bundle, String stage) throws Exception {
        JsonObject o = JsonParser.parseString(Files.readString(bundle.resolve("loss-history.json"))).getAsJsonObject();
        var a = o.getAsJsonArray(stage);
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsDouble();
        }
        return v;
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s / (to - from);
    }

    @Test
    void lossFallsInBothStagesAndCheckpointsAreBundles() throws Exception {
        Path cfgFile = config(tmp.resolve("run1"), "out", STAGES, "");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer.Result r = new Trainer(TrainConfig.load(cfgFile), new PrintStream(log, true), false).run();
        String text = log.toString();
        assertFalse(r.interrupted());
        assertEquals(3, r.stages().size());
        assertTrue(text.contains("tok/s") && text.contains("ETA"), text);
        Path out = tmp.resolve("run1/out");
        for (String stage : List.of("stage1", "stage2")) {
            double[] h = history(out.resolve("after-stage2"), stage);
            assertEquals(12, h.length);
            double first = mean(h, 0, 3);
            double last = mean(h, 9, 12);
            assertTrue(last < first * 0.9, stage + " loss should fall: " + first + " -> " + last + "\n" + text);
        }
        // Every kept bundle loads as a model, and stage 1 left the LLM exactly as pretrained.
        try (ModelBundle b = ModelBundle.load(out.resolve("after-stage1"));
             SafeTensors original = SafeTensors.open(SharedData.resolve("models/stories260K-hf"))) {
            assertTrue(b.hasVision());
            String name = "model.layers.0.self_attn.q_proj.weight";
            assertArrayEquals(original.floats(name), b.llm().parameters().get(name).toFloatArray());
        }
        try (ModelBundle b = ModelBundle.load(out.resolve("final"))) {
            assertEquals(4, b.config().numVisualPrompts());
        }
    }

    @Test
    void promptPositionsStartFromTheSincosCodeAndAreLearned() throws Exception {
        String stages = """
                [
                  {"name": "stage1", "type": "align", "steps": 4, "batch_size": 4, "lr": 0.01, "warmup_steps": 1}
                ]""";
        Path cfgFile = config(tmp.resolve("pos"), "out", stages, "");
        Files.writeString(cfgFile, Files.readString(cfgFile).replace("\"prompt_grid\": [2, 2]}",
                "\"prompt_grid\": [2, 2], \"prompt_positions\": true}"));
        new Trainer(TrainConfig.load(cfgFile), new PrintStream(new ByteArrayOutputStream(), true), false).run();
        Path out = tmp.resolve("pos/out");
        float[] initial = io.rayscribe.model.vision.Projector.sincosPositions(2, 2, 64, 1f);
        try (ModelBundle init = ModelBundle.load(out.resolve("init"));
             ModelBundle trained = ModelBundle.load(out.resolve("final"))) {
            String name = io.rayscribe.model.vision.Projector.Config.POSITION;
            assertTrue(trained.config().promptPositions());
            assertArrayEquals(initial, init.projector().parameters().get(name).toFloatArray(), 1e-6f);
            float[] learned = trained.projector().parameters().get(name).toFloatArray();
            double moved = 0;
            for (int i = 0; i < learned.length; i++) {
                moved = Math.max(moved, Math.abs(learned[i] - initial[i]));
            }
            assertTrue(moved > 1e-3, "stage 1 should train the prompt positions (max change " + moved + ")");
        }
    }

    @Test
    void attentionSupervisionLowersTheAttentionLoss() throws Exception {
        String stages = """
                [
                  {"name": "stage2", "type": "finetune", "steps": 16, "batch_size": 8, "lr": 0.01, "warmup_steps": 1,
                   "attention_weight": 2.0}
                ]""";
        Path cfgFile = config(tmp.resolve("att"), "out", stages, "");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new Trainer(TrainConfig.load(cfgFile), new PrintStream(log, true), false).run();
        String text = log.toString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("attention loss ([0-9.]+)").matcher(text);
        List<Double> values = new java.util.ArrayList<>();
        while (m.find()) {
            values.add(Double.parseDouble(m.group(1)));
        }
        assertTrue(text.contains("finding mentions with a ground-truth region"), text);
        assertEquals(8, values.size(), text);
        assertTrue(values.get(7) < values.get(0), "attention loss should fall: " + values + "\n" + text);
    }

    @Test
    void interruptedRunResumesToTheSameResult() throws Exception {
        String stages = """
                [
                  {"name": "stage1", "type": "align", "steps": 8, "batch_size": 4, "lr": 0.01},
                  {"name": "stage2", "type": "finetune", "steps": 6, "batch_size": 4, "lr": 0.003, "lora_rank": 4, "lora_alpha": 8}
                ]""";
        Path a = config(tmp.resolve("full"), "out", stages, "");
        new Trainer(TrainConfig.load(a), new PrintStream(new ByteArrayOutputStream()), false).run();
        Path b = config(tmp.resolve("resumed"), "out", stages, "");
        Trainer first = new Trainer(TrainConfig.load(b), new PrintStream(new ByteArrayOutputStream()), false);
        first.stopAfter(10);   // interrupted in stage 2 after a checkpoint at stage-2 step 0 and... mid-stage
        Trainer.Result r1 = first.run();
        assertTrue(r1.interrupted());
        assertTrue(Files.isRegularFile(tmp.resolve("resumed/out/checkpoint/trainer-state.json")));
        try (ModelBundle ck = ModelBundle.load(tmp.resolve("resumed/out/checkpoint"))) {
            assertTrue(ck.hasVision(), "the interrupted checkpoint is a usable bundle");
        }
        // Without --resume the earlier checkpoint is protected.
        assertThrows(RayScribeException.class,
                () -> new Trainer(TrainConfig.load(b), new PrintStream(new ByteArrayOutputStream()), false).run());
        Trainer.Result r2 = new Trainer(TrainConfig.load(b), new PrintStream(new ByteArrayOutputStream()), true).run();
        assertFalse(r2.interrupted());
        String name = "model.layers.1.mlp.up_proj.weight";
        try (ModelBundle full = ModelBundle.load(tmp.resolve("full/out/final"));
             ModelBundle res = ModelBundle.load(tmp.resolve("resumed/out/final"))) {
            float[] x = full.llm().parameters().get(name).toFloatArray();
            float[] y = res.llm().parameters().get(name).toFloatArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], y[i], 1e-4, "weight " + i + " differs after resume");
            }
        }
    }

    @Test
    void badInputFailsBeforeTraining() throws Exception {
        Path dir = tmp.resolve("bad");
        Files.createDirectories(dir);
        // unknown key
        Path f = config(dir.resolve("k"), "out", STAGES, "\"learning_rate\": 1,");
        RayScribeException e = assertThrows(RayScribeException.class, () -> TrainConfig.load(f));
        assertTrue(e.getMessage().contains("unknown key 'learning_rate'"), e.getMessage());
        // impossible shape
        Path g = config(dir.resolve("s"), "out", STAGES, "");
        Files.writeString(g, Files.readString(g).replace("\"patch_size\": 8", "\"patch_size\": 7"));
        e = assertThrows(RayScribeException.class, () -> TrainConfig.load(g));
        assertTrue(e.getMessage().contains("impossible shape"), e.getMessage());
        // empty report in a manifest
        Path manifest = dir.resolve("m.jsonl");
        Files.writeString(manifest, "{\"image\": \"" + data.resolve("phantom-3-00000/image.dcm") + "\", \"report\": \"ok\"}\n"
                + "{\"image\": \"" + data.resolve("phantom-3-00001/image.dcm") + "\", \"report\": \"  \"}\n");
        e = assertThrows(RayScribeException.class, () -> TrainingData.readManifest(manifest, 0));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("empty report"), e.getMessage());
        // a missing and an unreadable image are skipped and counted
        Path junk = dir.resolve("junk.dcm");
        Files.writeString(junk, "not dicom");
        Path m2 = dir.resolve("m2.jsonl");
        Files.writeString(m2, "{\"image\": \"" + data.resolve("phantom-3-00000/image.dcm") + "\", \"report\": \"ok\"}\n"
                + "{\"image\": \"missing.dcm\", \"report\": \"a\"}\n{\"image\": \"junk.dcm\", \"report\": \"b\"}\n");
        TrainingData.Loaded loaded = TrainingData.load(TrainingData.readManifest(m2, 0), img -> new float[] {img.width()}, 2);
        assertEquals(1, loaded.examples().size());
        assertEquals(2, loaded.skipped().size(), loaded.skipped().toString());
        assertTrue(loaded.skipped().get(0).startsWith("line 2"), loaded.skipped().toString());
    }
}
