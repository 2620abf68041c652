package io.rayscribe.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.rayscribe.model.djl.GraphScalars;

import java.util.Collections;
import java.util.Map;

/**
 * A ViT over Hugging Face ViT / CLIP-vision parameters: patch embedding (the conv as a linear map
 * over flattened patches), optional CLS token, position embeddings, pre-norm blocks; returns the
 * patch-grid features [B, numPatches, hidden] (CLS dropped), patches in row-major grid order.
 * Batched and differentiable: parameters are NDArrays the trainer may mark as requiring gradients.
 * Results belong to the manager of the input pixels.
 */
public final class VisionEncoder {
    private final VisionConfig config;
    private final Map<String, NDArray> params;

    public VisionEncoder(VisionConfig config, Map<String, NDArray> params) {
        this.config = config;
        this.params = Collections.unmodifiableMap(params);
        for (String name : config.expectedShapes().keySet()) {
            if (!params.containsKey(name)) {
                throw new IllegalArgumentException("vision encoder parameter '" + name + "' missing");
            }
        }
    }

    public VisionConfig config() {
        return config;
    }

    public Map<String, NDArray> parameters() {
        return params;
    }

    /** pixels [B, C, S, S] (already normalised) → patch features [B, numPatches, hidden]. */
    public NDArray forward(NDArray pixels) {
        NDManager m = pixels.getManager();
        Shape s = pixels.getShape();
        int c = config.channels();
        int size = config.imageSize();
        if (s.dimension() != 4 || s.get(1) != c || s.get(2) != size || s.get(3) != size) {
            throw new IllegalArgumentException("pixels must be [B, " + c + ", " + size + ", " + size + "], got " + s);
        }
        long b = s.get(0);
        int g = config.gridSize();
        int p = config.patchSize();
        long d = config.hiddenSize();
        NDArray patches = pixels.reshape(b, c, g, p, g, p).transpose(0, 2, 4, 1, 3, 5).reshape(b, (long) g * g, (long) c * p * p);
        NDArray w = own(params.get(config.patchWeight()).reshape(d, (long) c * p * p), m);
        NDArray x = linear(patches, w, config.patchBias() == null ? null : params.get(config.patchBias()));
        if (config.clsToken()) {
            NDArray cls = own(params.get(config.clsName()).reshape(1, 1, d), m);
            x = cls.broadcast(b, 1, d).concat(x, 1);
        }
        x = x.add(own(params.get(config.positionName()).reshape(1, config.sequenceLength(), d), m));
        if (config.preNorm() != null) {
            x = layerNorm(x, config.preNorm());
        }
        for (int l = 0; l < config.numLayers(); l++) {
            x = block(x, config.blockNames(l));
        }
        if (config.finalNorm() != null) {
            x = layerNorm(x, config.finalNorm());
        }
        return config.clsToken() ? x.get(":, 1:, :") : x;
    }

    private NDArray block(NDArray x, String[] n) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int heads = config.numHeads();
        int hd = config.headDim();
        NDArray h = layerNorm(x, n[0]);
        NDArray q = linear(h, n[1]).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
        NDArray k = linear(h, n[2]).reshape(b, t, heads, hd).transpose(0, 2, 3, 1);
        NDArray v = linear(h, n[3]).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
        NDArray probs = GraphScalars.times(q, (float) (1.0 / Math.sqrt(hd))).matMul(k).softmax(-1);
        NDArray ctx = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, config.hiddenSize());
        x = x.add(linear(ctx, n[4]));
        NDArray h2 = layerNorm(x, n[5]);
        return x.add(linear(activation(linear(h2, n[6])), n[7]));
    }

    private NDArray activation(NDArray x) {
        return switch (config.hiddenAct()) {
            case "quick_gelu" -> x.mul(Activation.sigmoid(GraphScalars.times(x, 1.702f)));
            case "gelu_pytorch_tanh" -> GraphScalars.times(x, 0.5f).mul(GraphScalars.times(
                    x.add(GraphScalars.times(x.mul(x).mul(x), 0.044715f)), (float) Math.sqrt(2 / Math.PI)).tanh().add(1f));
            default -> Activation.gelu(x);
        };
    }

    private NDArray linear(NDArray x, String name) {
        return linear(x, params.get(name + ".weight"), params.get(name + ".bias"));
    }

    static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }

    private NDArray layerNorm(NDArray x, String name) {
        return x.getNDArrayInternal().layerNorm(x, new Shape(config.hiddenSize()), params.get(name + ".weight"),
                params.get(name + ".bias"), (float) config.layerNormEps()).singletonOrThrow();
    }

    /** Views of parameters are created in the parameter's manager; move them to the caller's. */
    static NDArray own(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }
}
