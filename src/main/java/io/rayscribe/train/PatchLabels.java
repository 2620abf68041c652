package io.rayscribe.train;

import io.rayscribe.train.phantom.Finding;

import java.util.List;

/**
 * Stage 0 targets: for each patch of a g x g grid and each finding label, 1 when the finding's
 * ground-truth box covers a fair part of the patch (30% of the smaller of patch and box) or the
 * box's centre lies in the patch. Sides are implicit in where the patches are.
 */
final class PatchLabels {
    private PatchLabels() {
    }

    /** [g*g][labels] flattened row-major (patch-major). */
    static float[] of(List<TrainingData.Truth> truth, int g) {
        int labels = Finding.LABELS.size();
        float[] out = new float[g * g * labels];
        if (truth == null) {
            return out;
        }
        double cell = 1.0 / g;
        for (TrainingData.Truth t : truth) {
            int label = Finding.LABELS.indexOf(t.label());
            double[] b = t.box();
            double boxArea = Math.max(1e-9, (b[2] - b[0]) * (b[3] - b[1]));
            double cx = (b[0] + b[2]) / 2;
            double cy = (b[1] + b[3]) / 2;
            for (int r = 0; r < g; r++) {
                for (int c = 0; c < g; c++) {
                    double x0 = c * cell;
                    double y0 = r * cell;
                    double iw = Math.min(b[2], x0 + cell) - Math.max(b[0], x0);
                    double ih = Math.min(b[3], y0 + cell) - Math.max(b[1], y0);
                    double inter = iw > 0 && ih > 0 ? iw * ih : 0;
                    boolean centre = cx >= x0 && cx < x0 + cell && cy >= y0 && cy < y0 + cell;
                    if (centre || inter >= 0.3 * Math.min(cell * cell, boxArea)) {
                        out[(r * g + c) * labels + label] = 1f;
                    }
                }
            }
        }
        return out;
    }
}
