package io.rayscribe.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.model.vision.ImagePreprocessor;
import io.rayscribe.model.vision.Projector;
import io.rayscribe.model.vision.VisionConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rayscribe-model.json}: how a bundle's parts fit together (see docs/model-bundle.md).
 * Every missing or malformed key is reported with the file and the key's dotted path.
 */
public record BundleConfig(String name, String llmDir, VisionConfig encoder, String encoderWeights,
                           float[] mean, float[] std, String projectorType, String projectorWeights,
                           int promptRows, int promptCols, String promptPrefix, String promptInstruction,
                           GenerationSettings generation, boolean promptPositions) {
    public static final String FILE_NAME = "rayscribe-model.json";
    public static final String FORMAT = "rayscribe-model/1";

    public int numVisualPrompts() {
        return promptRows * promptCols;
    }

    public ImagePreprocessor preprocessor() {
        return new ImagePreprocessor(encoder.imageSize(), encoder.channels(), mean, std);
    }

    public Projector.Config projectorConfig(int llmHidden) {
        return new Projector.Config(projectorType, encoder.hiddenSize(), llmHidden, encoder.gridSize(), promptRows, promptCols,
                promptPositions);
    }

    /** The same bundle with a learned position per visual prompt ({@code projector.prompt_positions}). */
    public BundleConfig withPromptPositions() {
        return new BundleConfig(name, llmDir, encoder, encoderWeights, mean, std, projectorType, projectorWeights,
                promptRows, promptCols, promptPrefix, promptInstruction, generation, true);
    }

    public static BundleConfig load(Path file) {
        JsonObject o = Json.readObject(file, "bundle config");
        Reader r = new Reader(o, file);
        String format = r.str(o, "format", FORMAT);
        if (!format.equals(FORMAT)) {
            throw RayScribeException.forFile(file, "key 'format' is '" + format + "', expected '" + FORMAT + "'");
        }
        JsonObject enc = r.obj(o, "encoder");
        VisionConfig vc;
        try {
            vc = new VisionConfig(r.str(enc, "encoder.type", null), r.i(enc, "encoder.image_size"),
                    r.i(enc, "encoder.patch_size"), r.iOr(enc, "encoder.channels", 1), r.i(enc, "encoder.hidden_size"),
                    r.i(enc, "encoder.num_layers"), r.i(enc, "encoder.num_heads"), r.i(enc, "encoder.intermediate_size"),
                    r.dOr(enc, "encoder.layer_norm_eps", 1e-12), r.boolOr(enc, "encoder.cls_token", true),
                    r.str(enc, "encoder.hidden_act", "gelu"), r.str(enc, "encoder.prefix", ""));
        } catch (IllegalArgumentException e) {
            throw RayScribeException.forFile(file, "encoder: " + e.getMessage());
        }
        JsonObject pre = r.obj(o, "preprocessing");
        float[] mean = r.floats(pre, "preprocessing.mean");
        float[] std = r.floats(pre, "preprocessing.std");
        if (mean.length != vc.channels() || std.length != vc.channels()) {
            throw RayScribeException.forFile(file, "keys 'preprocessing.mean'/'preprocessing.std' need " + vc.channels() + " values");
        }
        JsonObject proj = r.obj(o, "projector");
        float[] grid = r.floats(proj, "projector.prompt_grid");
        if (grid.length != 2) {
            throw RayScribeException.forFile(file, "key 'projector.prompt_grid' must be [rows, cols]");
        }
        int rows = (int) grid[0];
        int cols = (int) grid[1];
        if (o.has("num_visual_prompts") && r.i(o, "num_visual_prompts") != rows * cols) {
            throw RayScribeException.forFile(file, "key 'num_visual_prompts' is " + r.i(o, "num_visual_prompts")
                    + " but projector.prompt_grid gives " + rows * cols);
        }
        if (rows <= 0 || cols <= 0 || vc.gridSize() % rows != 0 || vc.gridSize() % cols != 0) {
            throw RayScribeException.forFile(file, "key 'projector.prompt_grid' " + rows + "x" + cols
                    + " must divide the patch grid " + vc.gridSize() + "x" + vc.gridSize());
        }
        JsonObject prompt = o.has("prompt") ? r.obj(o, "prompt") : new JsonObject();
        JsonObject gen = o.has("generation") ? r.obj(o, "generation") : new JsonObject();
        List<String> stops = new ArrayList<>();
        if (gen.has("stop_strings")) {
            for (JsonElement e : gen.getAsJsonArray("stop_strings")) {
                stops.add(e.getAsString());
            }
        }
        GenerationSettings g = new GenerationSettings(r.boolOr(gen, "generation.greedy", true),
                (float) r.dOr(gen, "generation.temperature", 1.0), r.iOr(gen, "generation.top_k", 0),
                (float) r.dOr(gen, "generation.top_p", 1.0), (long) r.dOr(gen, "generation.seed", 0),
                (float) r.dOr(gen, "generation.repetition_penalty", 1.0), r.iOr(gen, "generation.max_new_tokens", 128),
                List.copyOf(stops), r.boolOr(gen, "generation.stop_at_eos", true), true);
        return new BundleConfig(r.str(o, "name", file.getParent().getFileName().toString()), r.str(o, "llm", "llm"), vc,
                r.str(enc, "encoder.weights", "encoder.safetensors"), mean, std, r.str(proj, "projector.type", null),
                r.str(proj, "projector.weights", "projector.safetensors"), rows, cols, r.str(prompt, "prompt.prefix", ""),
                r.str(prompt, "prompt.instruction", ""), g, r.boolOr(proj, "projector.prompt_positions", false));
    }

    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("name", name);
        o.addProperty("llm", llmDir);
        JsonObject enc = new JsonObject();
        enc.addProperty("type", encoder.type());
        enc.addProperty("weights", encoderWeights);
        enc.addProperty("image_size", encoder.imageSize());
        enc.addProperty("patch_size", encoder.patchSize());
        enc.addProperty("channels", encoder.channels());
        enc.addProperty("hidden_size", encoder.hiddenSize());
        enc.addProperty("num_layers", encoder.numLayers());
        enc.addProperty("num_heads", encoder.numHeads());
        enc.addProperty("intermediate_size", encoder.intermediateSize());
        enc.addProperty("layer_norm_eps", encoder.layerNormEps());
        enc.addProperty("cls_token", encoder.clsToken());
        enc.addProperty("hidden_act", encoder.hiddenAct());
        enc.addProperty("prefix", encoder.prefix());
        o.add("encoder", enc);
        JsonObject pre = new JsonObject();
        pre.add("mean", array(mean));
        pre.add("std", array(std));
        o.add("preprocessing", pre);
        JsonObject proj = new JsonObject();
        proj.addProperty("type", projectorType);
        proj.addProperty("weights", projectorWeights);
        proj.add("prompt_grid", array(new float[] {promptRows, promptCols}));
        if (promptPositions) {
            proj.addProperty("prompt_positions", true);
        }
        o.add("projector", proj);
        o.addProperty("num_visual_prompts", numVisualPrompts());
        JsonObject prompt = new JsonObject();
        prompt.addProperty("prefix", promptPrefix);
        prompt.addProperty("instruction", promptInstruction);
        o.add("prompt", prompt);
        JsonObject gen = new JsonObject();
        gen.addProperty("max_new_tokens", generation.maxNewTokens());
        gen.addProperty("greedy", generation.greedy());
        gen.addProperty("temperature", generation.temperature());
        gen.addProperty("top_k", generation.topK());
        gen.addProperty("top_p", generation.topP());
        gen.addProperty("seed", generation.seed());
        gen.addProperty("repetition_penalty", generation.repetitionPenalty());
        JsonArray stops = new JsonArray();
        generation.stopStrings().forEach(stops::add);
        gen.add("stop_strings", stops);
        gen.addProperty("stop_at_eos", generation.stopAtEos());
        o.add("generation", gen);
        return Json.PRETTY.toJson(o);
    }

    private static JsonArray array(float[] v) {
        JsonArray a = new JsonArray();
        for (float f : v) {
            if (f == Math.rint(f) && Math.abs(f) < 1e6) {
                a.add((int) f);
            } else {
                a.add(f);
            }
        }
        return a;
    }

    /** Typed access to JSON keys; errors name the file and the dotted key. */
    private record Reader(JsonObject root, Path file) {
        JsonObject obj(JsonObject o, String key) {
            JsonElement e = o.get(key);
            if (e == null || !e.isJsonObject()) {
                throw RayScribeException.forFile(file, (e == null ? "missing key '" : "key must be an object: '") + key + "'");
            }
            return e.getAsJsonObject();
        }

        private static String leaf(String path) {
            return path.substring(path.lastIndexOf('.') + 1);
        }

        String str(JsonObject o, String path, String fallback) {
            JsonElement e = o.get(leaf(path));
            if (e == null || e.isJsonNull()) {
                if (fallback == null) {
                    throw RayScribeException.forFile(file, "missing key '" + path + "'");
                }
                return fallback;
            }
            if (!e.isJsonPrimitive()) {
                throw RayScribeException.forFile(file, "key '" + path + "' must be a string");
            }
            return e.getAsString();
        }

        int i(JsonObject o, String path) {
            JsonElement e = o.get(leaf(path));
            if (e == null || e.isJsonNull()) {
                throw RayScribeException.forFile(file, "missing key '" + path + "'");
            }
            try {
                double d = e.getAsDouble();
                if (d != Math.rint(d)) {
                    throw new NumberFormatException();
                }
                return (int) d;
            } catch (RuntimeException ex) {
                throw RayScribeException.forFile(file, "key '" + path + "' must be a whole number, got " + e);
            }
        }

        int iOr(JsonObject o, String path, int fallback) {
            return o.has(leaf(path)) && !o.get(leaf(path)).isJsonNull() ? i(o, path) : fallback;
        }

        double dOr(JsonObject o, String path, double fallback) {
            JsonElement e = o.get(leaf(path));
            if (e == null || e.isJsonNull()) {
                return fallback;
            }
            try {
                return e.getAsDouble();
            } catch (RuntimeException ex) {
                throw RayScribeException.forFile(file, "key '" + path + "' must be a number, got " + e);
            }
        }

        boolean boolOr(JsonObject o, String path, boolean fallback) {
            JsonElement e = o.get(leaf(path));
            if (e == null || e.isJsonNull()) {
                return fallback;
            }
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw RayScribeException.forFile(file, "key '" + path + "' must be true or false, got " + e);
            }
            return e.getAsBoolean();
        }

        float[] floats(JsonObject o, String path) {
            JsonElement e = o.get(leaf(path));
            if (e == null || !e.isJsonArray()) {
                throw RayScribeException.forFile(file, (e == null ? "missing key '" : "key must be a list of numbers: '") + path + "'");
            }
            JsonArray a = e.getAsJsonArray();
            float[] out = new float[a.size()];
            try {
                for (int k = 0; k < out.length; k++) {
                    out[k] = a.get(k).getAsFloat();
                }
            } catch (RuntimeException ex) {
                throw RayScribeException.forFile(file, "key '" + path + "' must be a list of numbers");
            }
            return out;
        }
    }
}
