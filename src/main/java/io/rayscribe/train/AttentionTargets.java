package io.rayscribe.train;

import io.rayscribe.model.IncrementalDecoder;
import io.rayscribe.model.PromptRegion;
import io.rayscribe.model.TextTokenizer;
import io.rayscribe.train.metrics.FindingExtractor;
import io.rayscribe.train.metrics.PointingGame;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the words of a training report that name a true finding should look: for each mention the
 * finding extractor finds in the report (the sentence that states it, as {@link Evaluator} scores it),
 * the report tokens that spell it and the visual prompts whose region centre lies in the finding's
 * ground-truth box (with the pointing game's tolerance). Stage 2's optional attention supervision
 * pulls those tokens' attention over the visual prompts towards those prompts.
 */
final class AttentionTargets {
    /** Report tokens [from, to) and the visual prompts they should attend to. */
    record Span(int from, int to, boolean[] prompts) {
    }

    private AttentionTargets() {
    }

    static List<Span> of(TextTokenizer tokenizer, int[] reportIds, List<TrainingData.Truth> truth,
                         List<PromptRegion> regions) {
        List<Span> out = new ArrayList<>();
        if (truth == null || truth.isEmpty()) {
            return out;
        }
        List<String> pieces = pieces(tokenizer, reportIds);
        for (FindingExtractor.Mention m : FindingExtractor.mentions(String.join("", pieces))) {
            TrainingData.Truth t = truthFor(truth, m.key());
            if (t == null) {
                continue;
            }
            int[] span = Evaluator.tokenSpan(pieces, m.start(), m.end());
            boolean[] inside = new boolean[regions.size()];
            boolean any = false;
            for (int p = 0; p < regions.size(); p++) {
                inside[p] = PointingGame.inside(regions.get(p), t.box());
                any |= inside[p];
            }
            if (span[0] >= 0 && span[1] > span[0] && any) {
                out.add(new Span(span[0], span[1], inside));
            }
        }
        return out;
    }

    /** The text each token adds, as the generator streams it (so spans match what eval sees). */
    private static List<String> pieces(TextTokenizer tokenizer, int[] ids) {
        IncrementalDecoder d = tokenizer.newIncrementalDecoder();
        List<String> pieces = new ArrayList<>(ids.length);
        for (int id : ids) {
            pieces.add(id == tokenizer.eosId() ? "" : d.push(id));
        }
        return pieces;
    }

    private static TrainingData.Truth truthFor(List<TrainingData.Truth> truth, String key) {
        for (TrainingData.Truth t : truth) {
            if (t.key().equals(key)) {
                return t;
            }
        }
        return null;
    }
}
