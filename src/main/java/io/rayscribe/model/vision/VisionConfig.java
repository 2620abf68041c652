package io.rayscribe.model.vision;

import io.rayscribe.core.RayScribeException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of a ViT vision encoder. {@code type} "vit" uses Hugging Face ViTModel parameter names
 * (patch conv with bias, CLS token, final layernorm on every token); "clip" uses CLIPVisionModel names
 * (patch conv without bias, class embedding, pre-layernorm, no post-layernorm on patch features).
 * {@code prefix} is prepended to every name ("vit." for ViTForImageClassification checkpoints,
 * "vision_model." is already part of the CLIP names).
 */
public record VisionConfig(String type, int imageSize, int patchSize, int channels, int hiddenSize, int numLayers,
                           int numHeads, int intermediateSize, double layerNormEps, boolean clsToken,
                           String hiddenAct, String prefix) {
    public VisionConfig {
        if (!type.equals("vit") && !type.equals("clip")) {
            throw new IllegalArgumentException("encoder type '" + type + "' is not supported (vit or clip)");
        }
        if (imageSize <= 0 || patchSize <= 0 || imageSize % patchSize != 0) {
            throw new IllegalArgumentException("image_size " + imageSize + " must be a positive multiple of patch_size " + patchSize);
        }
        if (hiddenSize <= 0 || numHeads <= 0 || hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " must be a multiple of num_heads " + numHeads);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (!hiddenAct.equals("gelu") && !hiddenAct.equals("quick_gelu") && !hiddenAct.equals("gelu_pytorch_tanh")) {
            throw new IllegalArgumentException("hidden_act '" + hiddenAct + "' is not supported (gelu, quick_gelu, gelu_pytorch_tanh)");
        }
        if (type.equals("clip") && !clsToken) {
            throw new IllegalArgumentException("clip encoders always have a class embedding (cls_token true)");
        }
        prefix = prefix == null ? "" : prefix;
    }

    /** A small ViT with the usual defaults (gelu, eps 1e-12 as in HF ViT, CLS token). */
    public static VisionConfig vit(int imageSize, int patchSize, int channels, int hidden, int layers, int heads,
                                   int intermediate) {
        return new VisionConfig("vit", imageSize, patchSize, channels, hidden, layers, heads, intermediate, 1e-12, true,
                "gelu", "");
    }

    public int gridSize() {
        return imageSize / patchSize;
    }

    public int numPatches() {
        return gridSize() * gridSize();
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    int sequenceLength() {
        return numPatches() + (clsToken ? 1 : 0);
    }

    /** Parameter names of the embedding stage. */
    String patchWeight() {
        return prefix + (isClip() ? "vision_model.embeddings.patch_embedding.weight" : "embeddings.patch_embeddings.projection.weight");
    }

    String patchBias() {
        return isClip() ? null : prefix + "embeddings.patch_embeddings.projection.bias";
    }

    String clsName() {
        return !clsToken ? null : prefix + (isClip() ? "vision_model.embeddings.class_embedding" : "embeddings.cls_token");
    }

    String positionName() {
        return prefix + (isClip() ? "vision_model.embeddings.position_embedding.weight" : "embeddings.position_embeddings");
    }

    String preNorm() {
        return isClip() ? prefix + "vision_model.pre_layrnorm" : null;
    }

    String finalNorm() {
        return isClip() ? null : prefix + "layernorm";
    }

    boolean isClip() {
        return type.equals("clip");
    }

    /** Names of one block's tensors, in the order: ln1, q, k, v, out, ln2, fc1, fc2 (each .weight/.bias). */
    String[] blockNames(int layer) {
        if (isClip()) {
            String p = prefix + "vision_model.encoder.layers." + layer + ".";
            return new String[] {p + "layer_norm1", p + "self_attn.q_proj", p + "self_attn.k_proj", p + "self_attn.v_proj",
                    p + "self_attn.out_proj", p + "layer_norm2", p + "mlp.fc1", p + "mlp.fc2"};
        }
        String p = prefix + "encoder.layer." + layer + ".";
        return new String[] {p + "layernorm_before", p + "attention.attention.query", p + "attention.attention.key",
                p + "attention.attention.value", p + "attention.output.dense", p + "layernorm_after",
                p + "intermediate.dense", p + "output.dense"};
    }

    /** Every tensor this encoder needs, name → shape, in a stable order. */
    public Map<String, long[]> expectedShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        long d = hiddenSize;
        m.put(patchWeight(), new long[] {d, channels, patchSize, patchSize});
        if (patchBias() != null) {
            m.put(patchBias(), new long[] {d});
        }
        if (clsName() != null) {
            m.put(clsName(), isClip() ? new long[] {d} : new long[] {1, 1, d});
        }
        m.put(positionName(), isClip() ? new long[] {sequenceLength(), d} : new long[] {1, sequenceLength(), d});
        if (preNorm() != null) {
            m.put(preNorm() + ".weight", new long[] {d});
            m.put(preNorm() + ".bias", new long[] {d});
        }
        for (int l = 0; l < numLayers; l++) {
            String[] n = blockNames(l);
            m.put(n[0] + ".weight", new long[] {d});
            m.put(n[0] + ".bias", new long[] {d});
            for (int i = 1; i <= 4; i++) {
                m.put(n[i] + ".weight", new long[] {d, d});
                m.put(n[i] + ".bias", new long[] {d});
            }
            m.put(n[5] + ".weight", new long[] {d});
            m.put(n[5] + ".bias", new long[] {d});
            m.put(n[6] + ".weight", new long[] {intermediateSize, d});
            m.put(n[6] + ".bias", new long[] {intermediateSize});
            m.put(n[7] + ".weight", new long[] {d, intermediateSize});
            m.put(n[7] + ".bias", new long[] {d});
        }
        if (finalNorm() != null) {
            m.put(finalNorm() + ".weight", new long[] {d});
            m.put(finalNorm() + ".bias", new long[] {d});
        }
        return m;
    }

    static RayScribeException bad(Path file, String reason) {
        return RayScribeException.forFile(file, reason);
    }
}
