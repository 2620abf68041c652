package io.rayscribe.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The shape of a Llama-family decoder, read from a Hugging Face {@code config.json}. Defaults follow
 * transformers' LlamaConfig where a key is optional; the sizes are required. Features this code does
 * not implement (rope scaling, attention/MLP biases, other activations) are refused rather than
 * silently ignored.
 */
public record LlamaConfig(
        String modelType,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int vocabSize,
        double rmsNormEps,
        double ropeTheta,
        boolean tieWordEmbeddings,
        int maxPositionEmbeddings,
        int bosTokenId,
        int eosTokenId) {

    public static final String FILE_NAME = "config.json";

    public LlamaConfig {
        if (hiddenSize <= 0 || intermediateSize <= 0 || numHiddenLayers <= 0 || numAttentionHeads <= 0
                || numKeyValueHeads <= 0 || vocabSize <= 0 || maxPositionEmbeddings <= 0) {
            throw new IllegalArgumentException("Llama sizes must be positive");
        }
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads " + numAttentionHeads);
        }
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numAttentionHeads + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
        }
        if ((hiddenSize / numAttentionHeads) % 2 != 0) {
            throw new IllegalArgumentException("head dimension must be even for rotary embeddings");
        }
    }

    /** A config with the usual defaults (eps 1e-5, theta 10000, bos 1, eos 2). */
    public static LlamaConfig of(int hidden, int intermediate, int layers, int heads, int kvHeads, int vocab,
                                 int maxPositions, boolean tied) {
        return new LlamaConfig("llama", hidden, intermediate, layers, heads, kvHeads, vocab, 1e-5, 10000.0, tied,
                maxPositions, 1, 2);
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Width of the key and value projections: kv heads × head dim. */
    public int kvDim() {
        return numKeyValueHeads * headDim();
    }

    /** Parameter count (including the head when untied). */
    public long parameterCount() {
        long h = hiddenSize;
        long perLayer = h * h * 2 + h * kvDim() * 2 + 3 * h * intermediateSize + 2 * h;
        return vocabSize * h * (tieWordEmbeddings ? 1 : 2) + numHiddenLayers * perLayer + h;
    }

    /** Loads {@code config.json}, or {@code DIR/config.json} when given a directory. */
    public static LlamaConfig load(Path fileOrDir) {
        Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve(FILE_NAME) : fileOrDir;
        if (!Files.isRegularFile(file)) {
            throw RayScribeException.forFile(file, "model config not found");
        }
        JsonObject o = Json.readObject(file, "model config");
        return fromJson(o, file);
    }

    /** Builds a config from a parsed {@code config.json}; {@code file} names the source in errors. */
    public static LlamaConfig fromJson(JsonObject o, Path file) {
        String modelType = str(o, "model_type", null);
        boolean llamaArch = false;
        if (o.has("architectures") && o.get("architectures").isJsonArray()) {
            for (JsonElement a : o.getAsJsonArray("architectures")) {
                llamaArch |= a.isJsonPrimitive() && a.getAsString().startsWith("Llama");
            }
        }
        if (modelType == null && !llamaArch) {
            throw RayScribeException.forFile(file, "missing key 'model_type' (expected \"llama\")");
        }
        if (modelType != null && !modelType.toLowerCase(Locale.ROOT).equals("llama")) {
            throw RayScribeException.forFile(file, "model_type '" + modelType + "' is not a Llama-family model");
        }
        String act = str(o, "hidden_act", "silu");
        if (!act.equals("silu") && !act.equals("swish")) {
            throw RayScribeException.forFile(file, "hidden_act '" + act + "' is not supported (only silu)");
        }
        if (o.has("rope_scaling") && !o.get("rope_scaling").isJsonNull()) {
            throw RayScribeException.forFile(file, "rope_scaling is not supported (key 'rope_scaling' must be null)");
        }
        if (bool(o, "attention_bias", false, file) || bool(o, "mlp_bias", false, file)) {
            throw RayScribeException.forFile(file, "attention_bias/mlp_bias are not supported");
        }
        int hidden = requiredInt(o, "hidden_size", file);
        int heads = requiredInt(o, "num_attention_heads", file);
        int kvHeads = optInt(o, "num_key_value_heads", heads, file);
        if (o.has("head_dim") && !o.get("head_dim").isJsonNull() && optInt(o, "head_dim", 0, file) * heads != hidden) {
            throw RayScribeException.forFile(file, "head_dim × num_attention_heads must equal hidden_size");
        }
        try {
            return new LlamaConfig(modelType == null ? "llama" : modelType.toLowerCase(Locale.ROOT),
                    hidden,
                    requiredInt(o, "intermediate_size", file),
                    requiredInt(o, "num_hidden_layers", file),
                    heads,
                    kvHeads,
                    requiredInt(o, "vocab_size", file),
                    optDouble(o, "rms_norm_eps", 1e-6, file),
                    optDouble(o, "rope_theta", 10000.0, file),
                    bool(o, "tie_word_embeddings", false, file),
                    optInt(o, "max_position_embeddings", 2048, file),
                    firstInt(o, "bos_token_id", 1, file),
                    firstInt(o, "eos_token_id", 2, file));
        } catch (IllegalArgumentException e) {
            throw RayScribeException.forFile(file, e.getMessage());
        }
    }

    /** The Hugging Face {@code config.json} text for this config (used when writing bundles). */
    public String toJson() {
        JsonObject o = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add("LlamaForCausalLM");
        o.add("architectures", arch);
        o.addProperty("model_type", modelType);
        o.addProperty("hidden_act", "silu");
        o.addProperty("hidden_size", hiddenSize);
        o.addProperty("intermediate_size", intermediateSize);
        o.addProperty("num_hidden_layers", numHiddenLayers);
        o.addProperty("num_attention_heads", numAttentionHeads);
        o.addProperty("num_key_value_heads", numKeyValueHeads);
        o.addProperty("vocab_size", vocabSize);
        o.addProperty("rms_norm_eps", rmsNormEps);
        o.addProperty("rope_theta", ropeTheta);
        o.add("rope_scaling", com.google.gson.JsonNull.INSTANCE);
        o.addProperty("attention_bias", false);
        o.addProperty("tie_word_embeddings", tieWordEmbeddings);
        o.addProperty("max_position_embeddings", maxPositionEmbeddings);
        o.addProperty("bos_token_id", bosTokenId);
        o.addProperty("eos_token_id", eosTokenId);
        o.addProperty("torch_dtype", "float32");
        return Json.PRETTY.toJson(o);
    }

    /** Writes {@link #toJson()} to {@code dir/config.json}. */
    public void save(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dir);
            Files.writeString(file, toJson() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw RayScribeException.forFile(file, "cannot write: " + e.getMessage(), e);
        }
    }

    private static String str(JsonObject o, String key, String fallback) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? fallback : e.getAsString();
    }

    private static int requiredInt(JsonObject o, String key, Path file) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            throw RayScribeException.forFile(file, "missing required key '" + key + "'");
        }
        return asInt(e, key, file);
    }

    private static int optInt(JsonObject o, String key, int fallback, Path file) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? fallback : asInt(e, key, file);
    }

    /** Token ids may be a number or a list (Llama 3 lists several EOS ids): take the first. */
    private static int firstInt(JsonObject o, String key, int fallback, Path file) {
        JsonElement e = o.get(key);
        if (e != null && e.isJsonArray()) {
            return e.getAsJsonArray().isEmpty() ? fallback : asInt(e.getAsJsonArray().get(0), key, file);
        }
        return optInt(o, key, fallback, file);
    }

    private static int asInt(JsonElement e, String key, Path file) {
        try {
            double d = e.getAsDouble();
            if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return (int) d;
        } catch (RuntimeException ex) {
            throw RayScribeException.forFile(file, "key '" + key + "' must be a whole number, got " + e);
        }
    }

    private static double optDouble(JsonObject o, String key, double fallback, Path file) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        try {
            return e.getAsDouble();
        } catch (RuntimeException ex) {
            throw RayScribeException.forFile(file, "key '" + key + "' must be a number, got " + e);
        }
    }

    private static boolean bool(JsonObject o, String key, boolean fallback, Path file) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw RayScribeException.forFile(file, "key '" + key + "' must be true or false, got " + e);
        }
        return e.getAsBoolean();
    }
}
