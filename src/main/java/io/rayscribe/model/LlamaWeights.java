package io.rayscribe.model;

import io.rayscribe.core.RayScribeException;
import io.rayscribe.model.weights.SafeTensors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hugging Face Llama tensor names and their expected shapes, and a check of a checkpoint against a config. */
public final class LlamaWeights {
    public static final String EMBED = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    private LlamaWeights() {
    }

    /** {@code model.layers.N.SUFFIX}, e.g. {@code layer(3, "self_attn.q_proj.weight")}. */
    public static String layer(int n, String suffix) {
        return "model.layers." + n + "." + suffix;
    }

    public static String q(int n) {
        return layer(n, "self_attn.q_proj.weight");
    }

    public static String k(int n) {
        return layer(n, "self_attn.k_proj.weight");
    }

    public static String v(int n) {
        return layer(n, "self_attn.v_proj.weight");
    }

    public static String o(int n) {
        return layer(n, "self_attn.o_proj.weight");
    }

    public static String gate(int n) {
        return layer(n, "mlp.gate_proj.weight");
    }

    public static String up(int n) {
        return layer(n, "mlp.up_proj.weight");
    }

    public static String down(int n) {
        return layer(n, "mlp.down_proj.weight");
    }

    public static String inputNorm(int n) {
        return layer(n, "input_layernorm.weight");
    }

    public static String postNorm(int n) {
        return layer(n, "post_attention_layernorm.weight");
    }

    /** Every tensor the config needs, name → shape ([out, in] for projections, as in PyTorch). */
    public static Map<String, long[]> expected(LlamaConfig c) {
        long h = c.hiddenSize();
        long kv = c.kvDim();
        long im = c.intermediateSize();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(EMBED, new long[] {c.vocabSize(), h});
        for (int n = 0; n < c.numHiddenLayers(); n++) {
            m.put(q(n), new long[] {h, h});
            m.put(k(n), new long[] {kv, h});
            m.put(v(n), new long[] {kv, h});
            m.put(o(n), new long[] {h, h});
            m.put(gate(n), new long[] {im, h});
            m.put(up(n), new long[] {im, h});
            m.put(down(n), new long[] {h, im});
            m.put(inputNorm(n), new long[] {h});
            m.put(postNorm(n), new long[] {h});
        }
        m.put(FINAL_NORM, new long[] {h});
        if (!c.tieWordEmbeddings()) {
            m.put(LM_HEAD, new long[] {c.vocabSize(), h});
        }
        return m;
    }

    /**
     * Checks that every expected tensor is present with a float dtype (F32, F16, BF16) and the
     * expected shape. The error names the file and tensor of the first problem and counts the rest.
     */
    public static void check(LlamaConfig config, SafeTensors weights) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected(config).entrySet()) {
            if (!weights.has(e.getKey())) {
                problems.add(weights.source() + ": tensor '" + e.getKey() + "' is missing");
                continue;
            }
            try {
                weights.checkShape(e.getKey(), e.getValue());
            } catch (RayScribeException ex) {
                problems.add(ex.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + " more problems)" : "";
            throw new RayScribeException(problems.get(0) + more);
        }
    }

    /** Bytes of the tensors a forward pass reads (the embedding table counts once when tied). */
    public static long weightBytes(LlamaConfig config, SafeTensors weights) {
        long s = 0;
        for (String name : expected(config).keySet()) {
            s += weights.info(name).byteLength();
        }
        return s;
    }
}
