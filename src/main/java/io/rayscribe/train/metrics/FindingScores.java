package io.rayscribe.train.metrics;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finding-level precision, recall and micro-F1 over a set of studies: each study contributes its
 * predicted keys (from {@link FindingExtractor}) and its true keys (ground truth); true positives,
 * false positives and false negatives are summed over all studies and keys. Zero denominators give 0.
 */
public final class FindingScores {
    private int tp;
    private int fp;
    private int fn;
    private final Map<String, int[]> perKey = new TreeMap<>();   // key -> {tp, fp, fn}

    /** Adds one study. */
    public void add(Collection<String> predicted, Collection<String> truth) {
        Set<String> p = new HashSet<>(predicted);
        Set<String> t = new HashSet<>(truth);
        for (String k : p) {
            int[] c = perKey.computeIfAbsent(k, x -> new int[3]);
            if (t.contains(k)) {
                tp++;
                c[0]++;
            } else {
                fp++;
                c[1]++;
            }
        }
        for (String k : t) {
            if (!p.contains(k)) {
                fn++;
                perKey.computeIfAbsent(k, x -> new int[3])[2]++;
            }
        }
    }

    public int truePositives() {
        return tp;
    }

    public int falsePositives() {
        return fp;
    }

    public int falseNegatives() {
        return fn;
    }

    public double precision() {
        return tp + fp == 0 ? 0 : (double) tp / (tp + fp);
    }

    public double recall() {
        return tp + fn == 0 ? 0 : (double) tp / (tp + fn);
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** key -> {tp, fp, fn}, sorted by key. */
    public Map<String, int[]> perKey() {
        return perKey;
    }
}
