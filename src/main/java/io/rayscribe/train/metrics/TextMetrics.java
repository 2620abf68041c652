package io.rayscribe.train.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Corpus-level report-generation metrics computed the way the pycocoevalcap package does, in pure
 * Java: BLEU-1..4 (bleu_scorer.py, "closest" reference length), ROUGE-L (rouge.py, beta 1.2, mean of
 * per-sentence scores), CIDEr-D (cider_scorer.py of CiderD: n=4, sigma=6, document frequencies from
 * the references, clipping, x10). METEOR is the exact-match variant (unigram exact matches only,
 * alpha 0.9, beta 3, gamma 0.5, as in Banerjee and Lavie 2005), not the METEOR 1.5 jar with stems,
 * synonyms and paraphrases, so its values run lower than published METEOR figures.
 *
 * <p>Tokenisation stands in for the PTB tokenizer pycocoevalcap calls: lower-case, words and numbers
 * (including decimals such as 2.7) kept, punctuation dropped.
 */
public final class TextMetrics {
    private static final Pattern TOKEN = Pattern.compile("[a-z0-9]+(?:\\.[0-9]+)?");

    private TextMetrics() {
    }

    /** All scores for a corpus: hypotheses.get(i) is scored against references.get(i). */
    public record Scores(double bleu1, double bleu2, double bleu3, double bleu4, double rougeL, double cider,
                         double meteor) {
    }

    public static Scores score(List<String> hypotheses, List<List<String>> references) {
        if (hypotheses.size() != references.size() || hypotheses.isEmpty()) {
            throw new IllegalArgumentException("need the same non-zero number of hypotheses and reference sets");
        }
        List<List<String>> hyp = new ArrayList<>();
        List<List<List<String>>> refs = new ArrayList<>();
        for (int i = 0; i < hypotheses.size(); i++) {
            hyp.add(tokenize(hypotheses.get(i)));
            List<List<String>> r = new ArrayList<>();
            for (String s : references.get(i)) {
                r.add(tokenize(s));
            }
            refs.add(r);
        }
        double[] bleu = bleu(hyp, refs);
        return new Scores(bleu[0], bleu[1], bleu[2], bleu[3], rougeL(hyp, refs), ciderD(hyp, refs), meteor(hyp, refs));
    }

    public static List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    // ---------------------------------------------------------------- BLEU

    /** Corpus BLEU-1..4 exactly as pycocoevalcap's BleuScorer.compute_score(option='closest'). */
    public static double[] bleu(List<List<String>> hyp, List<List<List<String>>> refs) {
        final double tiny = 1e-15;
        final double small = 1e-9;
        double[] correct = new double[4];
        double[] guess = new double[4];
        double testLen = 0;
        double refLen = 0;
        for (int i = 0; i < hyp.size(); i++) {
            List<String> h = hyp.get(i);
            Map<List<String>, Integer> maxRef = new HashMap<>();
            int bestLen = -1;
            for (List<String> r : refs.get(i)) {
                for (Map.Entry<List<String>, Integer> e : ngrams(r, 4).entrySet()) {
                    maxRef.merge(e.getKey(), e.getValue(), Math::max);
                }
                // closest reference length; ties go to the shorter one (min over (|l - t|, l))
                if (bestLen < 0 || Math.abs(r.size() - h.size()) < Math.abs(bestLen - h.size())
                        || (Math.abs(r.size() - h.size()) == Math.abs(bestLen - h.size()) && r.size() < bestLen)) {
                    bestLen = r.size();
                }
            }
            testLen += h.size();
            refLen += Math.max(bestLen, 0);
            for (Map.Entry<List<String>, Integer> e : ngrams(h, 4).entrySet()) {
                int n = e.getKey().size() - 1;
                correct[n] += Math.min(maxRef.getOrDefault(e.getKey(), 0), e.getValue());
            }
            for (int n = 0; n < 4; n++) {
                guess[n] += Math.max(0, h.size() - n);
            }
        }
        double[] out = new double[4];
        double product = 1;
        for (int n = 0; n < 4; n++) {
            product *= (correct[n] + tiny) / (guess[n] + small);
            out[n] = Math.pow(product, 1.0 / (n + 1));
        }
        double ratio = (testLen + tiny) / (refLen + small);
        if (ratio < 1) {
            for (int n = 0; n < 4; n++) {
                out[n] *= Math.exp(1 - 1 / ratio);
            }
        }
        return out;
    }

    static Map<List<String>, Integer> ngrams(List<String> words, int maxN) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int n = 1; n <= maxN; n++) {
            for (int i = 0; i + n <= words.size(); i++) {
                counts.merge(List.copyOf(words.subList(i, i + n)), 1, Integer::sum);
            }
        }
        return counts;
    }

    // ---------------------------------------------------------------- ROUGE-L

    /** Mean over sentences of the LCS F-measure (beta 1.2, best precision and recall over references). */
    public static double rougeL(List<List<String>> hyp, List<List<List<String>>> refs) {
        final double beta = 1.2;
        double sum = 0;
        for (int i = 0; i < hyp.size(); i++) {
            List<String> h = hyp.get(i);
            double pMax = 0;
            double rMax = 0;
            for (List<String> r : refs.get(i)) {
                int lcs = lcs(h, r);
                pMax = Math.max(pMax, h.isEmpty() ? 0 : (double) lcs / h.size());
                rMax = Math.max(rMax, r.isEmpty() ? 0 : (double) lcs / r.size());
            }
            if (pMax != 0 && rMax != 0) {
                sum += (1 + beta * beta) * pMax * rMax / (rMax + beta * beta * pMax);
            }
        }
        return sum / hyp.size();
    }

    static int lcs(List<String> a, List<String> b) {
        int[][] t = new int[a.size() + 1][b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++) {
                t[i][j] = a.get(i - 1).equals(b.get(j - 1)) ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        return t[a.size()][b.size()];
    }

    // ---------------------------------------------------------------- CIDEr-D

    /** Corpus CIDEr-D as pycocoevalcap's CiderD (df from references, sigma 6, clipped, x10, mean). */
    public static double ciderD(List<List<String>> hyp, List<List<List<String>>> refs) {
        final int nMax = 4;
        final double sigma = 6;
        Map<List<String>, Integer> df = new HashMap<>();
        for (List<List<String>> rs : refs) {
            Set<List<String>> seen = new HashSet<>();
            for (List<String> r : rs) {
                seen.addAll(ngrams(r, nMax).keySet());
            }
            for (List<String> g : seen) {
                df.merge(g, 1, Integer::sum);
            }
        }
        double refLen = Math.log(refs.size());
        double total = 0;
        for (int i = 0; i < hyp.size(); i++) {
            Vec vh = vec(ngrams(hyp.get(i), nMax), df, refLen, nMax);
            double[] score = new double[nMax];
            for (List<String> r : refs.get(i)) {
                Vec vr = vec(ngrams(r, nMax), df, refLen, nMax);
                double delta = vh.length - vr.length;
                for (int n = 0; n < nMax; n++) {
                    double val = 0;
                    for (Map.Entry<List<String>, Double> e : vh.v.get(n).entrySet()) {
                        double ref = vr.v.get(n).getOrDefault(e.getKey(), 0.0);
                        val += Math.min(e.getValue(), ref) * ref;
                    }
                    if (vh.norm[n] != 0 && vr.norm[n] != 0) {
                        val /= vh.norm[n] * vr.norm[n];
                    }
                    val *= Math.exp(-(delta * delta) / (2 * sigma * sigma));
                    score[n] += val;
                }
            }
            double mean = 0;
            for (double s : score) {
                mean += s;
            }
            mean /= nMax;
            mean /= refs.get(i).size();
            total += mean * 10.0;
        }
        return total / hyp.size();
    }

    private record Vec(List<Map<List<String>, Double>> v, double[] norm, double length) {
    }

    private static Vec vec(Map<List<String>, Integer> counts, Map<List<String>, Integer> df, double refLen, int nMax) {
        List<Map<List<String>, Double>> v = new ArrayList<>();
        for (int n = 0; n < nMax; n++) {
            v.add(new HashMap<>());
        }
        double[] norm = new double[nMax];
        double length = 0;
        for (Map.Entry<List<String>, Integer> e : counts.entrySet()) {
            int n = e.getKey().size() - 1;
            double d = Math.log(Math.max(1.0, df.getOrDefault(e.getKey(), 0)));
            double w = e.getValue() * (refLen - d);
            v.get(n).put(e.getKey(), w);
            norm[n] += w * w;
            if (n == 1) {
                length += e.getValue();   // pycocoevalcap counts bigrams here; kept for identical scores
            }
        }
        for (int n = 0; n < nMax; n++) {
            norm[n] = Math.sqrt(norm[n]);
        }
        return new Vec(v, norm, length);
    }

    // ---------------------------------------------------------------- METEOR (exact match)

    /** Mean over sentences of the best exact-match METEOR against any reference. */
    public static double meteor(List<List<String>> hyp, List<List<List<String>>> refs) {
        double sum = 0;
        for (int i = 0; i < hyp.size(); i++) {
            double best = 0;
            for (List<String> r : refs.get(i)) {
                best = Math.max(best, meteorSentence(hyp.get(i), r));
            }
            sum += best;
        }
        return sum / hyp.size();
    }

    /**
     * Exact-match METEOR of one pair. Alignment: each hypothesis word, left to right, takes the
     * unmatched reference occurrence that continues the current chunk if there is one, else the
     * first unmatched occurrence, which keeps chunks few as METEOR's aligner prefers.
     */
    public static double meteorSentence(List<String> h, List<String> r) {
        if (h.isEmpty() || r.isEmpty()) {
            return 0;
        }
        boolean[] used = new boolean[r.size()];
        int matches = 0;
        int chunks = 0;
        int prevRef = -2;
        for (String w : h) {
            int pick = -1;
            if (prevRef + 1 >= 0 && prevRef + 1 < r.size() && !used[prevRef + 1] && r.get(prevRef + 1).equals(w)) {
                pick = prevRef + 1;
            } else {
                for (int j = 0; j < r.size(); j++) {
                    if (!used[j] && r.get(j).equals(w)) {
                        pick = j;
                        break;
                    }
                }
            }
            if (pick < 0) {
                prevRef = -2;   // an unmatched word breaks the chunk
                continue;
            }
            if (pick != prevRef + 1) {
                chunks++;
            }
            used[pick] = true;
            matches++;
            prevRef = pick;
        }
        if (matches == 0) {
            return 0;
        }
        double p = (double) matches / h.size();
        double rec = (double) matches / r.size();
        double fmean = p * rec / (0.9 * p + 0.1 * rec);
        double penalty = 0.5 * Math.pow((double) chunks / matches, 3);
        return fmean * (1 - penalty);
    }
}
