package io.rayscribe.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Turns captured per-token attention into maps over the image and rankings of visual prompts. */
public final class AttentionMaps {
    private AttentionMaps() {
    }

    /**
     * One row of attention probabilities {@code probs[(layer*heads+head)*positions + pos]} → the part
     * that concerns the visual prompts at {@code visualStart .. visualStart+numVisual-1}; position 0
     * (BOS) is the attention sink.
     */
    public static TokenAttention fromRow(float[] probs, int layers, int heads, int positions, int visualStart, int numVisual) {
        float[] visual = new float[layers * heads * numVisual];
        float[] sink = new float[layers * heads];
        float[] share = new float[layers];
        for (int l = 0; l < layers; l++) {
            double layerSum = 0;
            for (int h = 0; h < heads; h++) {
                int lh = l * heads + h;
                int row = lh * positions;
                sink[lh] = probs[row];
                double headSum = 0;
                for (int p = 0; p < numVisual; p++) {
                    float v = probs[row + visualStart + p];
                    visual[lh * numVisual + p] = v;
                    headSum += v;
                }
                layerSum += headSum;
            }
            share[l] = (float) (layerSum / heads);
        }
        return new TokenAttention(layers, heads, numVisual, visual, sink, share);
    }

    /**
     * The attention map over the prompt grid for tokens {@code fromToken..toTokenExclusive-1} and a
     * layer/head selection (-1 = all): mean (or max) over the selection of each prompt's probability.
     * With {@code maskSinks} each head's row is renormalised over the visual prompts only (the mass on
     * BOS and text removed), so heads that park attention on the sink do not wash the map out.
     * The result is scaled to 0..1 (all zeros when nothing was captured). Null entries are skipped.
     */
    public static float[] heatmap(List<TokenAttention> perToken, int fromToken, int toTokenExclusive, int layer, int head,
                                  boolean maskSinks, boolean useMax, int gridRows, int gridCols) {
        float[] map = new float[gridRows * gridCols];
        int n = 0;
        int from = Math.max(0, fromToken);
        int to = Math.min(perToken.size(), toTokenExclusive);
        for (int t = from; t < to; t++) {
            TokenAttention a = perToken.get(t);
            if (a == null) {
                continue;
            }
            if (a.numPrompts() != map.length) {
                throw new IllegalArgumentException("attention has " + a.numPrompts() + " prompts, grid is "
                        + gridRows + "x" + gridCols);
            }
            int l0 = layer < 0 ? 0 : layer;
            int l1 = layer < 0 ? a.layers() : layer + 1;
            int h0 = head < 0 ? 0 : head;
            int h1 = head < 0 ? a.heads() : head + 1;
            for (int l = l0; l < l1; l++) {
                for (int h = h0; h < h1; h++) {
                    int base = (l * a.heads() + h) * a.numPrompts();
                    float norm = 1f;
                    if (maskSinks) {
                        float sum = 0;
                        for (int p = 0; p < a.numPrompts(); p++) {
                            sum += a.visual()[base + p];
                        }
                        norm = sum > 0 ? 1f / sum : 0f;
                    }
                    for (int p = 0; p < map.length; p++) {
                        float v = a.visual()[base + p] * norm;
                        map[p] = useMax ? Math.max(map[p], v) : map[p] + v;
                    }
                    n++;
                }
            }
        }
        if (!useMax && n > 0) {
            for (int p = 0; p < map.length; p++) {
                map[p] /= n;
            }
        }
        return normalise(map);
    }

    private static float[] normalise(float[] map) {
        float max = 0;
        for (float v : map) {
            max = Math.max(max, v);
        }
        if (max > 0) {
            for (int i = 0; i < map.length; i++) {
                map[i] /= max;
            }
        }
        return map;
    }

    /** Visual-prompt indices ordered by their share of attention over the selection, largest first. */
    public static int[] rankPrompts(List<TokenAttention> perToken, int fromToken, int toTokenExclusive, int layer, int head,
                                   boolean maskSinks, int gridRows, int gridCols) {
        float[] map = heatmap(perToken, fromToken, toTokenExclusive, layer, head, maskSinks, false, gridRows, gridCols);
        List<Integer> idx = new ArrayList<>(map.length);
        for (int i = 0; i < map.length; i++) {
            idx.add(i);
        }
        idx.sort(Comparator.comparingDouble((Integer i) -> -map[i]).thenComparingInt(i -> i));
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Bilinear upsampling of a grid map to {@code width x height} pixels (cell centres as samples). */
    public static float[] upsample(float[] grid, int gridRows, int gridCols, int width, int height) {
        float[] out = new float[width * height];
        for (int y = 0; y < height; y++) {
            double gy = Math.max(0, Math.min(gridRows - 1, (y + 0.5) * gridRows / height - 0.5));
            int y0 = (int) gy;
            int y1 = Math.min(y0 + 1, gridRows - 1);
            double ay = gy - y0;
            for (int x = 0; x < width; x++) {
                double gx = Math.max(0, Math.min(gridCols - 1, (x + 0.5) * gridCols / width - 0.5));
                int x0 = (int) gx;
                int x1 = Math.min(x0 + 1, gridCols - 1);
                double ax = gx - x0;
                double top = grid[y0 * gridCols + x0] * (1 - ax) + grid[y0 * gridCols + x1] * ax;
                double bottom = grid[y1 * gridCols + x0] * (1 - ax) + grid[y1 * gridCols + x1] * ax;
                out[y * width + x] = (float) (top * (1 - ay) + bottom * ay);
            }
        }
        return out;
    }
}
