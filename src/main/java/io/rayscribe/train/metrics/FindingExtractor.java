package io.rayscribe.train.metrics;

import io.rayscribe.train.phantom.Finding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rule-based finding extraction from report text into the phantom ground-truth labels
 * ({@link Finding#LABELS}), with sentence-scoped negation ("No pneumothorax.", "without effusion",
 * "heart size is normal", "pneumothorax is not seen"). Side and zone come from the words nearest the
 * finding in its clause. Each mention keeps its sentence's character span, so the pointing game can
 * find the tokens that wrote it.
 */
public final class FindingExtractor {
    /** One positive mention: label, side ("left"/"right"/"bilateral"/null), zone, and [start, end) in the text. */
    public record Mention(String label, String side, String zone, int start, int end) {
        public String key() {
            return Finding.key(label, side);
        }
    }

    private static final Map<String, Pattern> PATTERNS = new LinkedHashMap<>();

    static {
        PATTERNS.put(Finding.CARDIOMEGALY, Pattern.compile(
                "cardiomegaly|(heart|cardiac silhouette|cardiac)( size)?( is| are)?( mildly| moderately| markedly)? enlarged"
                        + "|enlarged (heart|cardiac)|enlargement of the (heart|cardiac)"));
        PATTERNS.put(Finding.EFFUSION, Pattern.compile("effusions?"));
        PATTERNS.put(Finding.PNEUMOTHORAX, Pattern.compile("pneumothorax|pneumothoraces"));
        PATTERNS.put(Finding.NODULE, Pattern.compile("nodules?|nodular opacit(y|ies)"));
        PATTERNS.put(Finding.MASS, Pattern.compile("\\bmass(es)?\\b"));
        PATTERNS.put(Finding.CONSOLIDATION, Pattern.compile("consolidations?"));
        PATTERNS.put(Finding.ET_TUBE, Pattern.compile("endotracheal tube|\\bet tube|\\bett\\b"));
        PATTERNS.put(Finding.CENTRAL_LINE, Pattern.compile(
                "central (venous )?(line|catheter)|\\bcvc\\b|\\bpicc\\b|internal jugular (line|catheter)"));
    }

    private static final Pattern NEGATION_BEFORE = Pattern.compile(
            "\\b(no|without|negative for|free of|absence of|not|resolved|removed|clear of)\\b");
    private static final Pattern NEGATION_AFTER = Pattern.compile(
            "\\b(is|are) (not|no longer) (seen|identified|present|visible|enlarged)|\\b(absent|resolved|removed)\\b");
    private static final Pattern SIDE = Pattern.compile("\\b(left|right|bilateral|bilaterally|both)\\b");
    private static final Pattern ZONE = Pattern.compile("\\b(upper|middle|mid|lower|apical|basal|base|apex)\\b");
    private static final Pattern SENTENCE = Pattern.compile("[^.!?\\n]+(?:\\.(?=\\d)[^.!?\\n]*)*[.!?]?");
    private static final Pattern HEADER = Pattern.compile("^\\s*(findings|impression)\\s*:\\s*");

    private FindingExtractor() {
    }

    /** Every positive mention in order of appearance (a finding may be mentioned more than once). */
    public static List<Mention> mentions(String text) {
        List<Mention> out = new ArrayList<>();
        String lower = text.toLowerCase(Locale.ROOT);
        Matcher s = SENTENCE.matcher(lower);
        while (s.find()) {
            int start = s.start();
            String sentence = s.group();
            Matcher h = HEADER.matcher(sentence);
            if (h.find()) {
                start += h.end();
                sentence = sentence.substring(h.end());
            }
            if (sentence.isBlank()) {
                continue;
            }
            scanSentence(sentence, start, out);
        }
        return out;
    }

    /** The distinct finding keys a report states as present. */
    public static List<String> keys(String text) {
        List<String> keys = new ArrayList<>();
        for (Mention m : mentions(text)) {
            if (!keys.contains(m.key())) {
                keys.add(m.key());
            }
        }
        return keys;
    }

    private static void scanSentence(String sentence, int offset, List<Mention> out) {
        // Clauses: a negation in "No effusion, but a right pneumothorax" must not reach the second clause.
        String[] clauses = sentence.split("(?<=[,;])|\\bbut\\b|\\bhowever\\b");
        int pos = 0;
        for (String clause : clauses) {
            int clauseStart = sentence.indexOf(clause, pos);
            pos = clauseStart + clause.length();
            for (Map.Entry<String, Pattern> e : PATTERNS.entrySet()) {
                Matcher m = e.getValue().matcher(clause);
                if (!m.find()) {
                    continue;
                }
                String label = e.getKey();
                if (negated(clause, m.start(), m.end(), sentence, clauseStart)) {
                    continue;
                }
                String side = Finding.lateralised(label) || label.equals(Finding.CENTRAL_LINE)
                        ? side(clause, m.start(), m.group()) : null;
                String zone = zone(clause, m.start());
                int end = offset + sentence.length();
                while (end > offset && Character.isWhitespace(sentence.charAt(end - offset - 1))) {
                    end--;
                }
                int begin = offset;
                while (begin < end && Character.isWhitespace(sentence.charAt(begin - offset))) {
                    begin++;
                }
                out.add(new Mention(label, side, zone, begin, end));
            }
        }
    }

    private static boolean negated(String clause, int start, int end, String sentence, int clauseStart) {
        String before = clause.substring(0, start);
        // A list such as "No focal consolidation, effusion or pneumothorax." carries the negation across commas.
        String sentenceBefore = sentence.substring(0, clauseStart) + before;
        if (NEGATION_BEFORE.matcher(before).find()) {
            return true;
        }
        if (clauseStart > 0 && sentenceBefore.trim().matches("^(no|without|negative for)\\b[^.]*")
                && !before.matches(".*\\b(there is|there are|with|and a|a|an)\\b.*")) {
            return true;
        }
        String after = clause.substring(end);
        return NEGATION_AFTER.matcher(after).find();
    }

    private static String side(String clause, int at, String keyword) {
        if (keyword.endsWith("es") && keyword.startsWith("effusion")) {
            // "bilateral pleural effusions" or plain "pleural effusions" both mean two sides
            Matcher m = SIDE.matcher(clause);
            String found = null;
            while (m.find()) {
                found = found == null ? m.group(1) : "bilateral";
            }
            if (found == null || found.equals("bilateral") || found.startsWith("bilateral") || found.equals("both")) {
                return "bilateral";
            }
        }
        String before = null;
        boolean left = false;
        boolean right = false;
        Matcher m = SIDE.matcher(clause);
        String after = null;
        while (m.find()) {
            String w = m.group(1);
            if (m.start() < at) {
                before = w;
                left |= w.equals("left");
                right |= w.equals("right");
            } else if (after == null) {
                after = w;
            }
        }
        if (left && right && keyword.startsWith("effusion")) {
            return "bilateral";
        }
        String w = before != null ? before : after;
        if (w == null) {
            return null;
        }
        return w.startsWith("bilateral") || w.equals("both") ? "bilateral" : w;
    }

    private static String zone(String clause, int at) {
        Matcher m = ZONE.matcher(clause);
        String best = null;
        int bestDist = Integer.MAX_VALUE;
        while (m.find()) {
            int d = Math.abs(m.start() - at);
            if (d < bestDist) {
                bestDist = d;
                best = m.group(1);
            }
        }
        if (best == null) {
            return null;
        }
        return switch (best) {
            case "mid", "middle" -> "middle";
            case "upper", "apical", "apex" -> "upper";
            default -> "lower";
        };
    }
}
