package io.rayscribe.train.metrics;

import io.rayscribe.model.PromptRegion;

import java.util.List;

/**
 * The attention pointing game (Zhang et al. 2016) at visual-prompt resolution: the peak of an
 * attention map over the visual prompts "points" at the centre of that prompt's image region; a hit
 * is a point inside the finding's ground-truth box enlarged by the usual 15-pixel tolerance, taken as
 * 15/224 of the image side since the maps are defined on normalised coordinates.
 */
public final class PointingGame {
    /** Tolerance as a fraction of the image side (15 px at 224 px). */
    public static final double TOLERANCE = 15.0 / 224.0;

    private int hits;
    private int trials;

    private PointingGame() {
    }

    public static PointingGame create() {
        return new PointingGame();
    }

    /**
     * Scores one map. {@code map[p]} is the attention on prompt p (the regions are in the same order);
     * {@code box} is {x0, y0, x1, y1} in normalised image coordinates. Returns whether it was a hit.
     */
    public boolean add(float[] map, List<PromptRegion> regions, double[] box) {
        boolean hit = hit(map, regions, box);
        trials++;
        if (hit) {
            hits++;
        }
        return hit;
    }

    public static boolean hit(float[] map, List<PromptRegion> regions, double[] box) {
        if (map.length != regions.size()) {
            throw new IllegalArgumentException("map has " + map.length + " values for " + regions.size() + " regions");
        }
        int peak = 0;
        for (int i = 1; i < map.length; i++) {
            if (map[i] > map[peak]) {
                peak = i;
            }
        }
        return inside(regions.get(peak), box);
    }

    /** Whether the centre of prompt region r lies in {@code box} enlarged by the tolerance. */
    public static boolean inside(PromptRegion r, double[] box) {
        double cx = (r.x0() + r.x1()) / 2;
        double cy = (r.y0() + r.y1()) / 2;
        return cx >= box[0] - TOLERANCE && cx <= box[2] + TOLERANCE && cy >= box[1] - TOLERANCE && cy <= box[3] + TOLERANCE;
    }

    public int hits() {
        return hits;
    }

    public int trials() {
        return trials;
    }

    /** Hit rate; NaN when no finding was both present and reported. */
    public double accuracy() {
        return trials == 0 ? Double.NaN : (double) hits / trials;
    }
}
