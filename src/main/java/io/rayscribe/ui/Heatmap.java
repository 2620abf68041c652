package io.rayscribe.ui;

/** Attention over the soft-visual-prompt grid ({@code rows x cols}, row-major, 0..1). */
public record Heatmap(float[] values, int rows, int cols, int[][] pixelCache) {
    /** Overlay pixels per prompt-grid cell side (bilinear upsampling so the overlay is smooth at any zoom). */
    public static final int CELL = 16;

    public Heatmap(float[] values, int rows, int cols) {
        this(values, rows, cols, new int[1][]);
    }

    public int overlayWidth() {
        return cols * CELL;
    }

    public int overlayHeight() {
        return rows * CELL;
    }

    /**
     * The overlay image as ARGB pixels ({@link #overlayWidth()} x {@link #overlayHeight()}), computed once
     * (any thread; the attention worker computes it before the map reaches the UI thread).
     */
    public int[] overlayPixels() {
        synchronized (pixelCache) {
            if (pixelCache[0] == null) {
                pixelCache[0] = renderOverlay();
            }
            return pixelCache[0];
        }
    }

    private int[] renderOverlay() {
        int w = overlayWidth();
        int hh = overlayHeight();
        float[] fine = io.rayscribe.model.AttentionMaps.upsample(values, rows, cols, w, hh);
        int[] px = new int[w * hh];
        // Colours are relative to this map's range, so a map that varies only a little still shows where it peaks.
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float range = max - min;
        for (int i = 0; i < px.length; i++) {
            px[i] = argb(range > 1e-6f ? (fine[i] - min) / range : 0.5f);
        }
        return px;
    }

    /** A perceptual colour map (inferno-like, black -> purple -> orange -> yellow) with alpha rising with value. */
    public static int argb(float v) {
        return LUT[Math.round(Math.max(0, Math.min(1, v)) * 255)];
    }

    /** The colour map sampled at 256 levels (per-pixel maths would cost the UI thread milliseconds). */
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

    private static float clamp(float x) {
        return Math.max(0, Math.min(1, x));
    }
}
