package io.rayscribe.train.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each metric against values worked out by hand (see the comments for the arithmetic). */
class TextMetricsTest {
    private static final String HYP = "The cat sat on the mat.";
    private static final String REF = "the cat is on the mat";

    @Test
    void bleuMatchesHandComputedPrecisions() {
        TextMetrics.Scores s = TextMetrics.score(List.of(HYP), List.of(List.of(REF)));
        // clipped matches: 1-grams 5/6, 2-grams 3/5 (the cat, on the, the mat), 3-grams 1/4 (on the mat), 4-grams 0/3;
        // equal lengths, so no brevity penalty; pycocoevalcap adds 1e-15 to matches and 1e-9 to guesses.
        assertEquals(5.0 / 6, s.bleu1(), 1e-9);
        assertEquals(Math.sqrt(5.0 / 6 * 3 / 5), s.bleu2(), 1e-9);
        assertEquals(0.5, s.bleu3(), 1e-9);
        assertEquals(Math.pow(5.0 / 6 * 3 / 5 * 1 / 4 * 1e-15 / 3, 0.25), s.bleu4(), 1e-9);
    }

    @Test
    void bleuAppliesCorpusBrevityPenaltyWithClosestReference() {
        // hypothesis "a b" (2 words); references of 3 and 6 words: the closest is 3.
        double[] b = TextMetrics.bleu(List.of(TextMetrics.tokenize("a b")),
                List.of(List.of(TextMetrics.tokenize("a b c"), TextMetrics.tokenize("a b c d e f"))));
        double bp = Math.exp(1 - 3.0 / 2);
        assertEquals(bp, b[0], 1e-9);          // unigram precision 2/2
        assertEquals(bp, b[1], 1e-9);          // bigram precision 1/1
    }

    @Test
    void rougeLUsesLcsWithBeta12() {
        TextMetrics.Scores s = TextMetrics.score(List.of(HYP), List.of(List.of(REF)));
        // LCS = "the cat on the mat" = 5; P = R = 5/6, so F = 5/6 whatever beta is.
        assertEquals(5.0 / 6, s.rougeL(), 1e-9);
        // "a b c d" vs "a c": LCS 2, P = 2/4, R = 2/2: F = (1+1.44)*0.5*1/(1 + 1.44*0.5)
        double r = TextMetrics.rougeL(List.of(TextMetrics.tokenize("a b c d")), List.of(List.of(TextMetrics.tokenize("a c"))));
        assertEquals(2.44 * 0.5 / 1.72, r, 1e-9);
    }

    @Test
    void ciderDMatchesHandComputedCorpus() {
        // Two images, one reference each: "a b" / "c d"; hypotheses "a b" / "c e". ln(2) = log of the corpus size,
        // every n-gram has df 1 (weight ln 2) except unseen "e"/"c e" (df clamps to 1, weight ln 2 too).
        // image 1: 1-gram cosine 1, 2-gram cosine 1, no 3/4-grams: mean 0.5, x10 = 5.
        // image 2: 1-gram: min(w,w)*w for "c" only = w^2 over norms sqrt(2)w * sqrt(2)w = 0.5; bigrams 0: mean 0.125 -> 1.25.
        double c = TextMetrics.ciderD(List.of(TextMetrics.tokenize("a b"), TextMetrics.tokenize("c e")),
                List.of(List.of(TextMetrics.tokenize("a b")), List.of(TextMetrics.tokenize("c d"))));
        assertEquals((5.0 + 1.25) / 2, c, 1e-9);
    }

    @Test
    void ciderDPenalisesLengthDifferenceWithGaussian() {
        // Hypothesis "a b a b" against reference "a b" in a corpus with a second image "c d".
        // pycocoevalcap's length counts bigrams: 3 vs 1, delta 2, penalty exp(-4/72).
        // 1-grams: hyp (2w, 2w), ref (w, w): sum min*ref = 2w^2; norms 2sqrt2 w * sqrt2 w = 4w^2 -> 0.5.
        // 2-grams: hyp a b:2w, b a:w; ref a b:w -> min(2w,w)*w = w^2; norms sqrt5 w * w -> 1/sqrt5.
        double c = TextMetrics.ciderD(List.of(TextMetrics.tokenize("a b a b"), TextMetrics.tokenize("c d")),
                List.of(List.of(TextMetrics.tokenize("a b")), List.of(TextMetrics.tokenize("c d"))));
        double first = (0.5 + 1 / Math.sqrt(5)) * Math.exp(-4.0 / 72) / 4 * 10;
        double second = 5.0;
        assertEquals((first + second) / 2, c, 1e-9);
    }

    @Test
    void meteorExactMatchCountsChunks() {
        // 5 matches (the cat | on the mat) in 2 chunks; P = R = 5/6; Fmean = 10PR/(R+9P) = 5/6;
        // penalty 0.5 * (2/5)^3 = 0.032.
        TextMetrics.Scores s = TextMetrics.score(List.of(HYP), List.of(List.of(REF)));
        assertEquals(5.0 / 6 * (1 - 0.032), s.meteor(), 1e-9);
        assertEquals(1.0 - 0.5 / 27, TextMetrics.meteorSentence(TextMetrics.tokenize("x y z"),
                TextMetrics.tokenize("x y z")), 1e-9);   // one chunk of 3: penalty 0.5*(1/3)^3
    }

    @Test
    void tokenizerKeepsDecimalsAndDropsPunctuation() {
        assertEquals(List.of("a", "2.7", "cm", "nodule"), TextMetrics.tokenize("A 2.7 cm nodule."));
    }
}
