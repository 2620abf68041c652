package io.rayscribe.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rayscribe.core.RayScribeException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A Hugging Face {@code tokenizer.json} behind DJL's tokenizers binding. BOS is added by this class
 * (not by the file's post-processor) as {@code tokenizer_config.json} says, so prompt pieces can be
 * encoded separately and joined without stray BOS tokens.
 */
public final class TextTokenizer implements AutoCloseable {
    private static final Set<String> KNOWN_MODEL_TYPES = Set.of("BPE", "Unigram", "WordPiece", "WordLevel");

    private final HuggingFaceTokenizer tokenizer;
    private final Path file;
    private final int bosId;
    private final int eosId;
    private final boolean addBos;
    private int maxTokenId = -1;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, Path file, int bosId, int eosId, boolean addBos) {
        this.tokenizer = tokenizer;
        this.file = file;
        this.bosId = bosId;
        this.eosId = eosId;
        this.addBos = addBos;
    }

    /**
     * Loads {@code dir/tokenizer.json}. {@code bosId}/{@code eosId} come from the model config;
     * {@code add_bos_token} from {@code tokenizer_config.json} (default true, as for Llama).
     */
    public static TextTokenizer load(Path dir, int bosId, int eosId, int maxLength) {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            if (Files.isRegularFile(dir.resolve("tokenizer.model"))) {
                throw RayScribeException.forFile(dir.resolve("tokenizer.model"),
                        "SentencePiece tokenizer.model is not supported; convert it to tokenizer.json "
                                + "(transformers: AutoTokenizer.from_pretrained(dir).save_pretrained(dir))");
            }
            throw RayScribeException.forFile(file, "missing (the tokenizer must be a Hugging Face tokenizer.json)");
        }
        JsonObject root = readJson(file);
        checkModelType(root, file);
        boolean addBos = readAddBos(dir.resolve("tokenizer_config.json"));
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false",
                "padding", "false", "maxLength", Integer.toString(maxLength));
        try {
            HuggingFaceTokenizer t;
            if (fixAmbiguousMerges(root)) {
                byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
                t = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options);
            } else {
                t = HuggingFaceTokenizer.newInstance(file, options);
            }
            TextTokenizer tok = new TextTokenizer(t, file, bosId, eosId, addBos);
            tok.maxTokenId = maxId(root);
            return tok;
        } catch (IOException | RuntimeException e) {
            throw RayScribeException.forFile(file, "cannot load tokenizer: " + e.getMessage(), e);
        }
    }

    /** The largest token id the file can produce (vocabulary and added tokens). */
    private static int maxId(JsonObject root) {
        int max = -1;
        JsonElement vocab = root.getAsJsonObject("model").get("vocab");
        if (vocab != null && vocab.isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
                max = Math.max(max, e.getValue().getAsInt());
            }
        } else if (vocab != null && vocab.isJsonArray()) {
            max = vocab.getAsJsonArray().size() - 1; // Unigram: [[piece, score], ...]
        }
        JsonElement added = root.get("added_tokens");
        if (added != null && added.isJsonArray()) {
            for (JsonElement e : added.getAsJsonArray()) {
                if (e.isJsonObject() && e.getAsJsonObject().has("id")) {
                    max = Math.max(max, e.getAsJsonObject().get("id").getAsInt());
                }
            }
        }
        return max;
    }

    /** Largest id this tokenizer can produce; must be below the model's vocabulary size. */
    public int maxTokenId() {
        return maxTokenId;
    }

    private static JsonObject readJson(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(r).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw RayScribeException.forFile(file, "not a readable tokenizer.json: " + e.getMessage(), e);
        }
    }

    /**
     * Some Llama tokenizer.json files (TinyLlama's among them) list BPE merges of literal spaces in the
     * legacy "a b" string form, e.g. "   " for (" ", " "), which the native parser rejects. Rewrites
     * the merges as [a, b] pairs, choosing the split whose parts and join are all in the vocabulary.
     * Returns whether anything changed.
     */
    private static boolean fixAmbiguousMerges(JsonObject root) {
        JsonObject model = root.getAsJsonObject("model");
        JsonElement mergesEl = model.get("merges");
        JsonElement vocabEl = model.get("vocab");
        if (mergesEl == null || !mergesEl.isJsonArray() || vocabEl == null || !vocabEl.isJsonObject()) {
            return false;
        }
        JsonArray merges = mergesEl.getAsJsonArray();
        boolean ambiguous = false;
        for (JsonElement m : merges) {
            if (m.isJsonPrimitive() && m.getAsString().split(" ", -1).length != 2) {
                ambiguous = true;
                break;
            }
        }
        if (!ambiguous) {
            return false;
        }
        JsonObject vocab = vocabEl.getAsJsonObject();
        JsonArray pairs = new JsonArray(merges.size());
        for (JsonElement m : merges) {
            if (!m.isJsonPrimitive()) {
                pairs.add(m);
                continue;
            }
            String s = m.getAsString();
            int split = -1;
            for (int i = s.indexOf(' '); i >= 0; i = s.indexOf(' ', i + 1)) {
                String a = s.substring(0, i);
                String b = s.substring(i + 1);
                if (!a.isEmpty() && !b.isEmpty() && vocab.has(a) && vocab.has(b) && vocab.has(a + b)) {
                    split = i;
                    break;
                }
            }
            if (split < 0) {
                split = s.indexOf(' ');
            }
            JsonArray pair = new JsonArray(2);
            pair.add(s.substring(0, split));
            pair.add(s.substring(split + 1));
            pairs.add(pair);
        }
        model.add("merges", pairs);
        return true;
    }

    private static void checkModelType(JsonObject root, Path file) {
        JsonElement model = root.get("model");
        if (model == null || !model.isJsonObject() || !model.getAsJsonObject().has("type")) {
            throw RayScribeException.forFile(file, "key 'model.type' missing: cannot tell the tokenizer type");
        }
        String type = model.getAsJsonObject().get("type").getAsString();
        if (!KNOWN_MODEL_TYPES.contains(type)) {
            throw RayScribeException.forFile(file, "unknown tokenizer type '" + type + "' (model.type; expected one of "
                    + KNOWN_MODEL_TYPES + ")");
        }
    }

    private static boolean readAddBos(Path config) {
        if (!Files.isRegularFile(config)) {
            return true;
        }
        try (Reader r = Files.newBufferedReader(config)) {
            JsonObject o = JsonParser.parseReader(r).getAsJsonObject();
            JsonElement e = o.get("add_bos_token");
            return e == null || e.isJsonNull() || e.getAsBoolean();
        } catch (IOException | RuntimeException e) {
            throw RayScribeException.forFile(config, "not readable JSON: " + e.getMessage(), e);
        }
    }

    /** Encodes {@code text} and prepends BOS when the tokenizer config asks for it. */
    public int[] encodeWithBos(String text) {
        int[] body = encode(text);
        if (!addBos || bosId < 0) {
            return body;
        }
        int[] out = new int[body.length + 1];
        out[0] = bosId;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    /** Encodes {@code text} with no special tokens (a piece of a larger prompt). Empty text gives no ids. */
    public int[] encode(String text) {
        if (text == null || text.isEmpty()) {
            return new int[0];
        }
        Encoding enc = tokenizer.encode(text, false, false);
        long[] ids = enc.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    /** Decodes ids to text, dropping special tokens (BOS/EOS). */
    public String decode(int[] ids, int from, int to) {
        long[] l = new long[to - from];
        for (int i = from; i < to; i++) {
            l[i - from] = ids[i];
        }
        return tokenizer.decode(l, true);
    }

    public String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    public boolean addsBos() {
        return addBos;
    }

    public Path file() {
        return file;
    }

    /** A fresh streaming decoder for one generation. */
    public IncrementalDecoder newIncrementalDecoder() {
        return new IncrementalDecoder(this);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
