package io.rayscribe.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The training configuration ({@code train --config FILE}, JSON; documented in docs/training.md).
 * Every key is checked: unknown keys, wrong types and impossible values are errors naming the file
 * and the dotted key, raised before any data is read. Relative paths resolve against the config
 * file's folder.
 */
public record TrainConfig(Path file, long seed, Path output, Data data, Model model, List<Stage> stages,
                          int checkpointEvery, int logEvery, int threads) {

    /** Where the examples come from: a phantom folder (its manifest.jsonl) or a manifest file. */
    public record Data(Path path, int limit) {
    }

    /** Shapes of a new model, or a bundle to start from. */
    public record Model(Path llm, Path startBundle, int imageSize, int patchSize, int encoderHidden, int encoderLayers,
                        int encoderHeads, int encoderIntermediate, String projectorType, int promptRows, int promptCols,
                        boolean promptPositions, float mean, float std, String promptPrefix, String promptInstruction,
                        int maxNewTokens, String name) {
    }

    /**
     * One stage. {@code type}: "encoder_pretrain" (stage 0: the ViT learns multi-label finding
     * classification per patch, a stand-in for a pretrained encoder), "align" (stage 1: projector only)
     * or "finetune" (stage 2: projector + LLM, full or LoRA; encoder only if {@code trainEncoder}).
     */
    public record Stage(String name, String type, int steps, int batchSize, double lr, double minLrRatio,
                        int warmupSteps, double weightDecay, double gradClip, int loraRank, double loraAlpha,
                        boolean trainEncoder, double attentionWeight) {
        public boolean isEncoderPretrain() {
            return type.equals("encoder_pretrain");
        }

        public boolean isAlign() {
            return type.equals("align");
        }

        public boolean isFinetune() {
            return type.equals("finetune");
        }
    }

    private static final Set<String> TOP = Set.of("seed", "output", "dataset", "model", "stages", "checkpoint_every",
            "log_every", "threads", "comment");
    private static final Set<String> DATA = Set.of("path", "limit");
    private static final Set<String> MODEL = Set.of("llm", "start_bundle", "name", "encoder", "projector",
            "preprocessing", "prompt", "max_new_tokens");
    private static final Set<String> ENCODER = Set.of("image_size", "patch_size", "hidden_size", "num_layers",
            "num_heads", "intermediate_size");
    private static final Set<String> PROJECTOR = Set.of("type", "prompt_grid", "prompt_positions");
    private static final Set<String> PRE = Set.of("mean", "std");
    private static final Set<String> PROMPT = Set.of("prefix", "instruction");
    private static final Set<String> STAGE = Set.of("name", "type", "steps", "batch_size", "lr", "min_lr_ratio",
            "warmup_steps", "weight_decay", "grad_clip", "lora_rank", "lora_alpha", "train_encoder", "attention_weight");

    public static TrainConfig load(Path file) {
        JsonObject root = Json.readObject(file, "config");
        Reader r = new Reader(file);
        Path base = file.toAbsolutePath().getParent();
        r.known(root, TOP, "");
        long seed = (long) r.num(root, "seed", "", 1234);
        Path output = base.resolve(r.str(root, "output", "", null));

        JsonObject d = r.obj(root, "dataset", "");
        r.known(d, DATA, "dataset.");
        Data data = new Data(base.resolve(r.str(d, "path", "dataset.", null)), r.intIn(d, "limit", "dataset.", 0, 0, 10_000_000));

        JsonObject m = r.obj(root, "model", "");
        r.known(m, MODEL, "model.");
        Path llm = m.has("llm") ? base.resolve(r.str(m, "llm", "model.", null)) : null;
        Path start = m.has("start_bundle") && !m.get("start_bundle").isJsonNull()
                ? base.resolve(r.str(m, "start_bundle", "model.", null)) : null;
        if ((llm == null) == (start == null)) {
            throw RayScribeException.forFile(file, "give exactly one of 'model.llm' (a Hugging Face Llama folder) "
                    + "and 'model.start_bundle' (a RayScribe bundle)");
        }
        JsonObject enc = m.has("encoder") ? r.obj(m, "encoder", "model.") : new JsonObject();
        r.known(enc, ENCODER, "model.encoder.");
        JsonObject proj = m.has("projector") ? r.obj(m, "projector", "model.") : new JsonObject();
        r.known(proj, PROJECTOR, "model.projector.");
        JsonObject pre = m.has("preprocessing") ? r.obj(m, "preprocessing", "model.") : new JsonObject();
        r.known(pre, PRE, "model.preprocessing.");
        JsonObject prompt = m.has("prompt") ? r.obj(m, "prompt", "model.") : new JsonObject();
        r.known(prompt, PROMPT, "model.prompt.");
        int imageSize = r.intIn(enc, "image_size", "model.encoder.", 128, 16, 1024);
        int patch = r.intIn(enc, "patch_size", "model.encoder.", 16, 2, 256);
        int hidden = r.intIn(enc, "hidden_size", "model.encoder.", 64, 4, 4096);
        int layers = r.intIn(enc, "num_layers", "model.encoder.", 4, 1, 48);
        int heads = r.intIn(enc, "num_heads", "model.encoder.", 4, 1, 64);
        int inter = r.intIn(enc, "intermediate_size", "model.encoder.", 128, 4, 16384);
        if (imageSize % patch != 0) {
            throw RayScribeException.forFile(file, "impossible shape: model.encoder.image_size " + imageSize
                    + " is not a multiple of patch_size " + patch);
        }
        if (hidden % heads != 0) {
            throw RayScribeException.forFile(file, "impossible shape: model.encoder.hidden_size " + hidden
                    + " is not a multiple of num_heads " + heads);
        }
        String ptype = r.str(proj, "type", "model.projector.", "mlp2_gelu");
        if (!ptype.equals("linear") && !ptype.equals("mlp2_gelu")) {
            throw RayScribeException.forFile(file, "model.projector.type must be 'linear' or 'mlp2_gelu', got '" + ptype + "'");
        }
        int grid = imageSize / patch;
        int[] pg = proj.has("prompt_grid") ? r.pair(proj, "prompt_grid", "model.projector.") : new int[] {grid, grid};
        if (pg[0] <= 0 || pg[1] <= 0 || grid % pg[0] != 0 || grid % pg[1] != 0) {
            throw RayScribeException.forFile(file, "impossible shape: model.projector.prompt_grid " + pg[0] + "x" + pg[1]
                    + " must divide the patch grid " + grid + "x" + grid);
        }
        float mean = (float) r.num(pre, "mean", "model.preprocessing.", 0.5);
        float std = (float) r.num(pre, "std", "model.preprocessing.", 0.25);
        if (!(std > 0)) {
            throw RayScribeException.forFile(file, "model.preprocessing.std must be positive");
        }
        Model model = new Model(llm, start, imageSize, patch, hidden, layers, heads, inter, ptype, pg[0], pg[1],
                r.bool(proj, "prompt_positions", "model.projector.", false), mean, std,
                r.str(prompt, "prefix", "model.prompt.", "Chest X-ray:"),
                r.str(prompt, "instruction", "model.prompt.", "Report:"),
                r.intIn(m, "max_new_tokens", "model.", 200, 1, 4096),
                r.str(m, "name", "model.", "rayscribe-trained"));

        JsonElement se = root.get("stages");
        if (se == null || !se.isJsonArray() || se.getAsJsonArray().isEmpty()) {
            throw RayScribeException.forFile(file, "'stages' must be a non-empty list");
        }
        List<Stage> stages = new ArrayList<>();
        JsonArray arr = se.getAsJsonArray();
        for (int i = 0; i < arr.size(); i++) {
            String p = "stages[" + i + "].";
            if (!arr.get(i).isJsonObject()) {
                throw RayScribeException.forFile(file, "'" + p.substring(0, p.length() - 1) + "' must be an object");
            }
            JsonObject s = arr.get(i).getAsJsonObject();
            r.known(s, STAGE, p);
            String type = r.str(s, "type", p, null);
            if (!Set.of("encoder_pretrain", "align", "finetune").contains(type)) {
                throw RayScribeException.forFile(file, p + "type must be encoder_pretrain, align or finetune, got '" + type + "'");
            }
            int steps = r.intIn(s, "steps", p, 100, 1, 10_000_000);
            Stage st = new Stage(r.str(s, "name", p, type), type, steps, r.intIn(s, "batch_size", p, 16, 1, 4096),
                    r.positive(s, "lr", p, 1e-3), r.num(s, "min_lr_ratio", p, 0.1), r.intIn(s, "warmup_steps", p, 0, 0, steps),
                    r.num(s, "weight_decay", p, 0.01), r.num(s, "grad_clip", p, 1.0), r.intIn(s, "lora_rank", p, 0, 0, 4096),
                    r.num(s, "lora_alpha", p, 0), r.bool(s, "train_encoder", p, false),
                    r.num(s, "attention_weight", p, 0));
            if (st.attentionWeight() < 0 || (st.attentionWeight() > 0 && st.isEncoderPretrain())) {
                throw RayScribeException.forFile(file, p + "attention_weight must be >= 0 and only applies to align or finetune stages");
            }
            if (st.loraRank() > 0 && !st.isFinetune()) {
                throw RayScribeException.forFile(file, p + "lora_rank only applies to a finetune stage");
            }
            stages.add(st);
        }
        return new TrainConfig(file.toAbsolutePath(), seed, output, data, model, List.copyOf(stages),
                r.intIn(root, "checkpoint_every", "", 100, 1, 10_000_000), r.intIn(root, "log_every", "", 10, 1, 1_000_000),
                r.intIn(root, "threads", "", 1, 1, 256));
    }

    /** Typed, strict access to the JSON; every error names the file and the dotted key. */
    private record Reader(Path file) {
        void known(JsonObject o, Set<String> keys, String prefix) {
            for (String k : o.keySet()) {
                if (!keys.contains(k)) {
                    throw RayScribeException.forFile(file, "unknown key '" + prefix + k + "' (known: "
                            + String.join(", ", new java.util.TreeSet<>(keys)) + ")");
                }
            }
        }

        JsonObject obj(JsonObject o, String key, String prefix) {
            JsonElement e = o.get(key);
            if (e == null || !e.isJsonObject()) {
                throw RayScribeException.forFile(file, (e == null ? "missing key '" : "key must be an object: '") + prefix + key + "'");
            }
            return e.getAsJsonObject();
        }

        String str(JsonObject o, String key, String prefix, String fallback) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) {
                if (fallback == null) {
                    throw RayScribeException.forFile(file, "missing key '" + prefix + key + "'");
                }
                return fallback;
            }
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw RayScribeException.forFile(file, "key '" + prefix + key + "' must be a string, got " + e);
            }
            return e.getAsString();
        }

        double num(JsonObject o, String key, String prefix, double fallback) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) {
                return fallback;
            }
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw RayScribeException.forFile(file, "key '" + prefix + key + "' must be a number, got " + e);
            }
            return e.getAsDouble();
        }

        double positive(JsonObject o, String key, String prefix, double fallback) {
            double v = num(o, key, prefix, fallback);
            if (!(v > 0)) {
                throw RayScribeException.forFile(file, "key '" + prefix + key + "' must be positive, got " + v);
            }
            return v;
        }

        int intIn(JsonObject o, String key, String prefix, int fallback, int min, int max) {
            double v = num(o, key, prefix, fallback);
            if (v != Math.rint(v) || v < min || v > max) {
                throw RayScribeException.forFile(file, "key '" + prefix + key + "' must be a whole number in " + min + ".."
                        + max + ", got " + o.get(key));
            }
            return (int) v;
        }

        boolean bool(JsonObject o, String key, String prefix, boolean fallback) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) {
                return fallback;
            }
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw RayScribeException.forFile(file, "key '" + prefix + key + "' must be true or false, got " + e);
            }
            return e.getAsBoolean();
        }

        int[] pair(JsonObject o, String key, String prefix) {
            JsonElement e = o.get(key);
            if (!e.isJsonArray() || e.getAsJsonArray().size() != 2) {
                throw RayScribeException.forFile(file, "key '" + prefix + key + "' must be [rows, cols]");
            }
            int[] out = new int[2];
            for (int i = 0; i < 2; i++) {
                JsonElement v = e.getAsJsonArray().get(i);
                if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber() || v.getAsDouble() != Math.rint(v.getAsDouble())) {
                    throw RayScribeException.forFile(file, "key '" + prefix + key + "' must hold two whole numbers");
                }
                out[i] = v.getAsInt();
            }
            return out;
        }
    }
}
