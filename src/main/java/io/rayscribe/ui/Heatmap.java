package io.rayscribe.ui;

import io.rayscribe.model.AttentionMaps;

/**
 * Attention over the soft-visual-prompt grid ({@code rows x cols}, row-major, 0..1) and its overlay levels.
 * Immutable to its users; the overlay's levels are computed once, on whichever thread asks first (the
 * attention worker asks before the map reaches the UI thread).
 */
public final class Heatmap {
    /** Overlay pixels per prompt-grid cell side (bilinear upsampling so the overlay is smooth at any zoom). */
    public static final int CELL = 16;

    private final float[] values;
    private final int rows;
    private final int cols;
    private byte[] levels; // guarded by this

    public Heatmap(float[] values, int rows, int cols) {
        this.values = values.clone();
        this.rows = rows;
        this.cols = cols;
    }

    /** A copy of the map's values. */
    public float[] values() {
        return values.clone();
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int overlayWidth() {
        return cols * CELL;
    }

    public int overlayHeight() {
        return rows * CELL;
    }

    /**
     * The overlay as colour-map levels (0-255, {@link #overlayWidth()} x {@link #overlayHeight()}, row-major),
     * bilinearly upsampled from the grid and scaled to this map's own range, so a map that varies only a
     * little still shows where it peaks. Shared: do not modify.
     */
    public synchronized byte[] levels() {
        if (levels == null) {
            levels = renderLevels();
        }
        return levels;
    }

    private byte[] renderLevels() {
        int w = overlayWidth();
        int hh = overlayHeight();
        float[] fine = AttentionMaps.upsample(values, rows, cols, w, hh);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float range = max - min;
        byte[] out = new byte[w * hh];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) level(range > 1e-6f ? (fine[i] - min) / range : 0.5f);
        }
        return out;
    }

    /**
     * The colour of each level as premultiplied ARGB, with its alpha scaled by {@code opacity}: what the
     * viewport blends over the image.
     */
    public static int[] colours(double opacity) {
        float o = (float) Math.max(0, Math.min(1, opacity));
        int[] out = new int[256];
        for (int i = 0; i < 256; i++) {
            int c = LUT[i];
            int a = Math.round((c >>> 24) * o);
            out[i] = premultiply(a << 24 | (c & 0xffffff));
        }
        return out;
    }

    private static int level(float v) {
        return Math.round(Math.max(0, Math.min(1, v)) * 255);
    }

    @Override
    public String toString() {
        return "Heatmap[" + rows + "x" + cols + "]";
    }

    /**
     * A perceptual colour map (inferno-like, black -> purple -> orange -> yellow) with alpha rising with value,
     * sampled at 256 levels (per-pixel maths would cost milliseconds).
     */
    private static final int[] LUT = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            LUT[i] = compute(i / 255f);
        }
    }

    private static int compute(float t) {
        float r = clamp(1.7f * t - 0.1f);
        float g = clamp(1.6f * t * t - 0.15f);
        float b = clamp(t < 0.35f ? 0.25f + 1.4f * t : 0.74f - 1.2f * (t - 0.35f));
        int a = (int) (255 * (0.08f + 0.72f * (float) Math.pow(t, 1.5))); // low attention stays see-through
        return a << 24 | (int) (255 * r) << 16 | (int) (255 * g) << 8 | (int) (255 * b);
    }

    private static int premultiply(int argb) {
        int a = argb >>> 24;
        int r = ((argb >> 16) & 0xff) * a / 255;
        int g = ((argb >> 8) & 0xff) * a / 255;
        int b = (argb & 0xff) * a / 255;
        return a << 24 | r << 16 | g << 8 | b;
    }

    private static float clamp(float x) {
        return Math.max(0, Math.min(1, x));
    }
}
