package io.rayscribe.model.vision;

import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.DisplayImage;

/**
 * A rendered frame → the encoder's input: luminance resized to size × size (box averaging when
 * shrinking, bilinear when enlarging; the aspect ratio is not kept, the whole image is used), the
 * grey channel replicated to {@code channels}, then {@code (v - mean[c]) / std[c]} per channel.
 */
public record ImagePreprocessor(int size, int channels, float[] mean, float[] std) {
    public ImagePreprocessor {
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("mean and std need one value per channel (" + channels + ")");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be positive");
            }
        }
    }

    /** Pixels [channels, size, size] row-major. */
    public float[] apply(DisplayImage image) {
        if (image == null || image.width() < 2 || image.height() < 2
                || (image.grey() == null && image.rgb() == null)) {
            throw new RayScribeException("image: not a 2-D image (need at least 2 x 2 pixels, got "
                    + (image == null ? "none" : image.width() + " x " + image.height()) + ")");
        }
        float[] grey = resize(image, size);
        float[] out = new float[channels * size * size];
        for (int c = 0; c < channels; c++) {
            float m = mean[c];
            float inv = 1f / std[c];
            int base = c * size * size;
            for (int i = 0; i < grey.length; i++) {
                out[base + i] = (grey[i] - m) * inv;
            }
        }
        return out;
    }

    static float[] resize(DisplayImage img, int size) {
        int w = img.width();
        int h = img.height();
        float[] out = new float[size * size];
        double sx = (double) w / size;
        double sy = (double) h / size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                out[y * size + x] = sx >= 1 && sy >= 1 ? box(img, x * sx, y * sy, (x + 1) * sx, (y + 1) * sy)
                        : bilinear(img, (x + 0.5) * sx - 0.5, (y + 0.5) * sy - 0.5);
            }
        }
        return out;
    }

    private static float box(DisplayImage img, double x0, double y0, double x1, double y1) {
        int ix0 = (int) Math.floor(x0);
        int iy0 = (int) Math.floor(y0);
        int ix1 = Math.min(img.width(), (int) Math.ceil(x1));
        int iy1 = Math.min(img.height(), (int) Math.ceil(y1));
        double sum = 0;
        double weight = 0;
        for (int y = iy0; y < iy1; y++) {
            double wy = Math.min(y + 1, y1) - Math.max(y, y0);
            for (int x = ix0; x < ix1; x++) {
                double wx = Math.min(x + 1, x1) - Math.max(x, x0);
                double wgt = wx * wy;
                sum += wgt * img.luminance(x, y);
                weight += wgt;
            }
        }
        return (float) (sum / weight);
    }

    private static float bilinear(DisplayImage img, double fx, double fy) {
        fx = Math.max(0, Math.min(img.width() - 1, fx));
        fy = Math.max(0, Math.min(img.height() - 1, fy));
        int x0 = (int) fx;
        int y0 = (int) fy;
        int x1 = Math.min(x0 + 1, img.width() - 1);
        int y1 = Math.min(y0 + 1, img.height() - 1);
        double ax = fx - x0;
        double ay = fy - y0;
        double top = img.luminance(x0, y0) * (1 - ax) + img.luminance(x1, y0) * ax;
        double bottom = img.luminance(x0, y1) * (1 - ax) + img.luminance(x1, y1) * ax;
        return (float) (top * (1 - ay) + bottom * ay);
    }
}
