package io.rayscribe.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.rayscribe.model.PromptRegion;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps patch features into the LLM's embedding space as soft visual prompts: optional average pooling
 * of the patch grid to a coarser prompt grid, then a linear map or a two-layer MLP with GELU
 * (LLaVA's "mlp2x_gelu"). Parameter names: {@code projector.0.weight/bias} (and {@code projector.2.*}
 * for the MLP). Each visual prompt keeps the image region it summarises.
 */
public final class Projector {
    /** Shape of a projector. {@code type} is "linear" or "mlp2_gelu". */
    public record Config(String type, int inputSize, int outputSize, int patchGrid, int promptRows, int promptCols) {
        public Config {
            if (!type.equals("linear") && !type.equals("mlp2_gelu")) {
                throw new IllegalArgumentException("projector type '" + type + "' is not supported (linear or mlp2_gelu)");
            }
            if (promptRows <= 0 || promptCols <= 0 || patchGrid % promptRows != 0 || patchGrid % promptCols != 0) {
                throw new IllegalArgumentException("prompt grid " + promptRows + "x" + promptCols
                        + " must divide the patch grid " + patchGrid + "x" + patchGrid);
            }
        }

        public int numPrompts() {
            return promptRows * promptCols;
        }

        public Map<String, long[]> expectedShapes() {
            Map<String, long[]> m = new LinkedHashMap<>();
            m.put("projector.0.weight", new long[] {outputSize, inputSize});
            m.put("projector.0.bias", new long[] {outputSize});
            if (type.equals("mlp2_gelu")) {
                m.put("projector.2.weight", new long[] {outputSize, outputSize});
                m.put("projector.2.bias", new long[] {outputSize});
            }
            return m;
        }
    }

    private final Config config;
    private final Map<String, NDArray> params;

    public Projector(Config config, Map<String, NDArray> params) {
        this.config = config;
        this.params = Collections.unmodifiableMap(params);
        for (String name : config.expectedShapes().keySet()) {
            if (!params.containsKey(name)) {
                throw new IllegalArgumentException("projector parameter '" + name + "' missing");
            }
        }
    }

    public Config config() {
        return config;
    }

    public Map<String, NDArray> parameters() {
        return params;
    }

    /** patch features [B, grid*grid, D] → visual prompts [B, promptRows*promptCols, L]. */
    public NDArray forward(NDArray patchFeatures) {
        NDArray pooled = pool(patchFeatures);
        NDArray x = VisionEncoder.linear(pooled, params.get("projector.0.weight"), params.get("projector.0.bias"));
        if (config.type().equals("mlp2_gelu")) {
            x = VisionEncoder.linear(Activation.gelu(x), params.get("projector.2.weight"), params.get("projector.2.bias"));
        }
        return x;
    }

    /** Average pooling of the patch grid to the prompt grid (identity when they are equal). */
    public NDArray pool(NDArray patchFeatures) {
        int g = config.patchGrid();
        int pr = config.promptRows();
        int pc = config.promptCols();
        if (pr == g && pc == g) {
            return patchFeatures;
        }
        long b = patchFeatures.getShape().get(0);
        long d = patchFeatures.getShape().get(2);
        return patchFeatures.reshape(b, pr, g / pr, pc, g / pc, d).mean(new int[] {4}).mean(new int[] {2})
                .reshape(b, (long) pr * pc, d);
    }

    /** The image region of each visual prompt, row-major, in normalised image coordinates. */
    public List<PromptRegion> regions() {
        List<PromptRegion> out = new ArrayList<>(config.numPrompts());
        int pr = config.promptRows();
        int pc = config.promptCols();
        for (int r = 0; r < pr; r++) {
            for (int c = 0; c < pc; c++) {
                out.add(new PromptRegion(r * pc + c, (double) c / pc, (double) r / pr, (double) (c + 1) / pc,
                        (double) (r + 1) / pr));
            }
        }
        return out;
    }
}
