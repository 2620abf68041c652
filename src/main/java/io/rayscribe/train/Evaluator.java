package io.rayscribe.train;

import io.rayscribe.model.Generator;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.model.AttentionMaps;
import io.rayscribe.model.GenerationResult;
import io.rayscribe.model.GenerationSettings;
import io.rayscribe.model.ModelBundle;
import io.rayscribe.model.PromptRegion;
import io.rayscribe.model.ReportDrafter;
import io.rayscribe.train.metrics.FindingExtractor;
import io.rayscribe.train.metrics.FindingScores;
import io.rayscribe.train.metrics.PointingGame;
import io.rayscribe.train.metrics.TextMetrics;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Drafts a report for every example of a dataset with the app's own {@link ReportDrafter} (greedy,
 * attention captured) and scores the drafts: BLEU-1..4, ROUGE-L, CIDEr-D, exact-match METEOR against
 * the reference reports; on sets with ground truth (phantoms) finding precision/recall/micro-F1 from
 * the rule-based extractor, and the pointing game: for each true finding the draft reports, the
 * attention map over the tokens of the sentence that reports it (all layers and heads unless chosen,
 * mean, BOS/text mass masked out) must peak on a visual prompt whose centre lies in the finding's box
 * (15/224 tolerance).
 */
public final class Evaluator {
    /** One drafted example. */
    public record Draft(String id, String reference, String text, List<String> predicted, List<String> truth,
                        int tokens, List<Map<String, Object>> pointing) {
    }

    public record Result(Map<String, Object> metrics, List<Draft> drafts) {
    }

    private final int layer;
    private final int head;
    private final PrintStream log;
    private final int maxNewTokens;

    /** {@code maxNewTokens} 0 keeps the bundle's default. */
    public Evaluator(int layer, int head, int maxNewTokens, PrintStream log) {
        this.layer = layer;
        this.head = head;
        this.maxNewTokens = maxNewTokens;
        this.log = log;
    }

    public Result evaluate(Path model, Path data, int limit) {
        List<TrainingData.Row> rows = TrainingData.readManifest(data, limit);
        List<Draft> drafts = new ArrayList<>();
        List<String> hyps = new ArrayList<>();
        List<List<String>> refs = new ArrayList<>();
        FindingScores findings = new FindingScores();
        PointingGame pointing = PointingGame.create();
        Map<Integer, PointingGame> byLayer = new java.util.TreeMap<>();
        boolean anyTruth = false;
        int skipped = 0;
        long tokens = 0;
        long t0 = System.nanoTime();
        try (ModelBundle bundle = ModelBundle.load(model); ReportDrafter drafter = new ReportDrafter(bundle)) {
            if (!bundle.hasVision()) {
                throw RayScribeException.forFile(model, "not a multimodal bundle: eval needs an image encoder");
            }
            GenerationSettings settings = bundle.defaultSettings().withCaptureAttention(true);
            settings = new GenerationSettings(true, 1f, 0, 1f, 0L, 1f,
                    maxNewTokens > 0 ? maxNewTokens : settings.maxNewTokens(), settings.stopStrings(), true, true);
            List<PromptRegion> regions = drafter.regions();
            int gr = bundle.config().promptRows();
            int gc = bundle.config().promptCols();
            for (int i = 0; i < rows.size(); i++) {
                TrainingData.Row row = rows.get(i);
                DisplayImage image;
                List<TrainingData.Truth> truth;
                try {
                    image = TrainingData.readImage(row.image());
                    truth = row.groundTruth() != null ? TrainingData.readTruth(row.groundTruth()) : null;
                } catch (RayScribeException e) {
                    log.println("eval: skipped line " + row.line() + ": " + e.getMessage());
                    skipped++;
                    continue;
                }
                CollectedDraft draft = CollectedDraft.run(drafter, image, settings, "eval");
                List<String> pieces = draft.pieces();
                GenerationResult r = draft.result();
                String text = String.join("", pieces);
                tokens += r.generatedIds().length;
                hyps.add(text.trim());
                refs.add(List.of(TrainingData.targetText(row.report())));
                List<FindingExtractor.Mention> mentions = FindingExtractor.mentions(text);
                List<String> predicted = new ArrayList<>();
                for (FindingExtractor.Mention m : mentions) {
                    if (!predicted.contains(m.key())) {
                        predicted.add(m.key());
                    }
                }
                List<String> truthKeys = new ArrayList<>();
                List<Map<String, Object>> points = new ArrayList<>();
                if (truth != null) {
                    anyTruth = true;
                    for (TrainingData.Truth t : truth) {
                        truthKeys.add(t.key());
                    }
                    findings.add(predicted, truthKeys);
                    for (TrainingData.Truth t : truth) {
                        FindingExtractor.Mention m = firstMention(mentions, t.key());
                        if (m == null) {
                            continue;
                        }
                        int[] span = tokenSpan(pieces, m.start(), m.end());
                        float[] map = AttentionMaps.heatmap(r.attention(), span[0], span[1], layer, head, true, false, gr, gc);
                        boolean hit = pointing.add(map, regions, t.box());
                        // The same trial for each single layer (all heads), reported beside the chosen selection.
                        int layers = bundle.llmConfig().numHiddenLayers();
                        for (int l = 0; l < layers; l++) {
                            float[] ml = AttentionMaps.heatmap(r.attention(), span[0], span[1], l, -1, true, false, gr, gc);
                            byLayer.computeIfAbsent(l, k -> PointingGame.create()).add(ml, regions, t.box());
                        }
                        Map<String, Object> p = new LinkedHashMap<>();
                        p.put("key", t.key());
                        p.put("hit", hit);
                        p.put("peak", Generator.argmax(map));
                        p.put("tokens", span);
                        points.add(p);
                    }
                }
                drafts.add(new Draft(row.id(), TrainingData.targetText(row.report()), text.trim(), predicted, truthKeys,
                        r.generatedIds().length, points));
                if ((i + 1) % 20 == 0 || i + 1 == rows.size()) {
                    double secs = (System.nanoTime() - t0) / 1e9;
                    log.printf(Locale.ROOT, "eval: %d/%d drafted, %.0f tokens/s, F1 so far %.3f%n", i + 1, rows.size(),
                            tokens / Math.max(1e-9, secs), findings.f1());
                }
            }
        }
        if (hyps.isEmpty()) {
            throw new RayScribeException("eval: no example could be read (" + skipped + " skipped)");
        }
        TextMetrics.Scores s = TextMetrics.score(hyps, refs);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.toString());
        m.put("data", data.toString());
        m.put("examples", hyps.size());
        m.put("skipped", skipped);
        m.put("bleu1", s.bleu1());
        m.put("bleu2", s.bleu2());
        m.put("bleu3", s.bleu3());
        m.put("bleu4", s.bleu4());
        m.put("rouge_l", s.rougeL());
        m.put("cider", s.cider());
        m.put("meteor", s.meteor());
        m.put("meteor_variant", "exact-match (no stems/synonyms/paraphrases)");
        if (anyTruth) {
            m.put("finding_precision", findings.precision());
            m.put("finding_recall", findings.recall());
            m.put("finding_f1_micro", findings.f1());
            m.put("finding_tp", findings.truePositives());
            m.put("finding_fp", findings.falsePositives());
            m.put("finding_fn", findings.falseNegatives());
            m.put("pointing_game", pointing.accuracy());
            m.put("pointing_trials", pointing.trials());
            m.put("pointing_layer", layer < 0 ? "all" : Integer.toString(layer));
            m.put("pointing_head", head < 0 ? "all" : Integer.toString(head));
            Map<String, Object> pl = new LinkedHashMap<>();
            for (Map.Entry<Integer, PointingGame> e : byLayer.entrySet()) {
                pl.put("layer" + e.getKey(), e.getValue().accuracy());
            }
            m.put("pointing_game_by_layer", pl);
            Map<String, Object> per = new LinkedHashMap<>();
            for (Map.Entry<String, int[]> e : findings.perKey().entrySet()) {
                int[] c = e.getValue();
                per.put(e.getKey(), Map.of("tp", c[0], "fp", c[1], "fn", c[2]));
            }
            m.put("per_finding", per);
        }
        m.put("generated_tokens", tokens);
        m.put("seconds", (System.nanoTime() - t0) / 1e9);
        return new Result(m, drafts);
    }

    private static FindingExtractor.Mention firstMention(List<FindingExtractor.Mention> mentions, String key) {
        for (FindingExtractor.Mention m : mentions) {
            if (m.key().equals(key)) {
                return m;
            }
        }
        return null;
    }

    /** Token indices [from, to) whose text overlaps the character range [start, end). */
    static int[] tokenSpan(List<String> pieces, int start, int end) {
        int pos = 0;
        int from = -1;
        int to = -1;
        for (int i = 0; i < pieces.size(); i++) {
            int next = pos + pieces.get(i).length();
            if (next > start && pos < end) {
                if (from < 0) {
                    from = i;
                }
                to = i + 1;
            }
            pos = next;
        }
        return from < 0 ? new int[] {0, 0} : new int[] {from, to};
    }

}
