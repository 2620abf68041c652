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
 *
 * <p>Optionally ({@code positions}) a learned position vector per prompt, {@code projector.position}
 * [prompts, L], is added to the projected prompts. The LLM sees the prompts only as a sequence under
 * rotary (relative) positions, so without it where a prompt lies in the image — left or right, apex or
 * base — must survive in the patch features themselves.
 */
public final class Projector {
    /** Shape of a projector. {@code type} is "linear" or "mlp2_gelu". */
    public record Config(String type, int inputSize, int outputSize, int patchGrid, int promptRows, int promptCols,
                         boolean positions) {
        public static final String POSITION = "projector.position";

        public Config(String type, int inputSize, int outputSize, int patchGrid, int promptRows, int promptCols) {
            this(type, inputSize, outputSize, patchGrid, promptRows, promptCols, false);
        }

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
            if (positions) {
                m.put(POSITION, new long[] {numPrompts(), outputSize});
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
        if (config.positions()) {
            x = x.add(params.get(Config.POSITION));   // [P, L] broadcast over the batch
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

    /**
     * The initial prompt positions: a 2-D sine-cosine code (first half of the channels the row, second
     * half the column, as in MAE), {@code amplitude} per channel, then learned with the projector.
     */
    public static float[] sincosPositions(int rows, int cols, int size, float amplitude) {
        float[] out = new float[rows * cols * size];
        int half = size / 2;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int base = (r * cols + c) * size;
                encode(out, base, half, r, amplitude);
                encode(out, base + half, size - half, c, amplitude);
            }
        }
        return out;
    }

    private static void encode(float[] out, int offset, int width, int position, float amplitude) {
        int pairs = width / 2;
        for (int k = 0; k < pairs; k++) {
            double omega = 1.0 / Math.pow(100.0, (double) k / Math.max(1, pairs));
            out[offset + 2 * k] = (float) (amplitude * Math.sin(position * omega));
            out[offset + 2 * k + 1] = (float) (amplitude * Math.cos(position * omega));
        }
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
