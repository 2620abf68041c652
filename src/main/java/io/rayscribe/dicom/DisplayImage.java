package io.rayscribe.dicom;

/**
 * Display-ready 8-bit pixels: {@code grey} (one byte per pixel, 0 = black) for monochrome,
 * or {@code rgb} (0xRRGGBB per pixel) for colour. Exactly one of the two is non-null.
 */
public record DisplayImage(int width, int height, byte[] grey, int[] rgb) {
    public boolean isColor() {
        return rgb != null;
    }

    /** Luminance of pixel (x, y) in 0..1, for colour too (used by the model's preprocessing). */
    public float luminance(int x, int y) {
        int i = y * width + x;
        if (grey != null) {
            return (grey[i] & 0xff) / 255f;
        }
        int c = rgb[i];
        return (0.299f * ((c >> 16) & 0xff) + 0.587f * ((c >> 8) & 0xff) + 0.114f * (c & 0xff)) / 255f;
    }
}
