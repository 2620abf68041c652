package io.rayscribe.report;

import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A radiology report for one study: Findings and Impression text, its status, and which characters
 * the model wrote that no radiologist has reviewed yet ({@link AiSpan}s), plus where each generated
 * token landed ({@link TokenMark}s) so a selection can be traced back to the tokens that wrote it.
 *
 * <p>Not thread-safe: the UI mutates it on its own thread; background writers take a JSON snapshot.
 * Every mutation bumps {@link #revision()} and notifies the change listeners (autosave).
 */
public final class Report {
    private final StudyInfo study;
    private final Map<Section, StringBuilder> text = new EnumMap<>(Section.class);
    private final Map<Section, List<TokenMark>> marks = new EnumMap<>(Section.class);
    private final List<AiSpan> aiSpans = new ArrayList<>();
    private ReportStatus status = ReportStatus.DRAFT;
    private String modelName = "";
    private String modelDevice = "";
    private String generatedAt = "";
    private String preliminaryBy = "";
    private String preliminaryAt = "";
    private String signedBy = "";
    private String signedAt = "";
    private String updatedAt = "";
    private long revision;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public Report(StudyInfo study) {
        this.study = study;
        for (Section s : Section.values()) {
            text.put(s, new StringBuilder());
            marks.put(s, new ArrayList<>());
        }
    }

    // ---- reading ----

    public StudyInfo study() {
        return study;
    }

    public String text(Section s) {
        return text.get(s).toString();
    }

    public ReportStatus status() {
        return status;
    }

    public boolean isEmpty() {
        return text.values().stream().allMatch(b -> b.toString().isBlank());
    }

    public boolean hasUnreviewedAi() {
        return !aiSpans.isEmpty();
    }

    /** Unreviewed model-written spans, in section then position order. */
    public List<AiSpan> aiSpans() {
        List<AiSpan> out = new ArrayList<>(aiSpans);
        out.sort((a, b) -> a.section() != b.section() ? a.section().compareTo(b.section()) : Integer.compare(a.start(), b.start()));
        return Collections.unmodifiableList(out);
    }

    public List<AiSpan> aiSpans(Section s) {
        return aiSpans().stream().filter(a -> a.section() == s).toList();
    }

    public List<TokenMark> tokenMarks(Section s) {
        return Collections.unmodifiableList(marks.get(s));
    }

    /**
     * The generated tokens that wrote any character of {@code [start, end)} in {@code s} (a caret
     * position, start == end, picks the token under it) as {from, toExclusive}, or null if none did.
     */
    public int[] tokensIn(Section s, int start, int end) {
        int from = Integer.MAX_VALUE;
        int to = Integer.MIN_VALUE;
        for (TokenMark m : marks.get(s)) {
            boolean hit = start == end ? m.start() <= start && start < m.end() : m.start() < end && m.end() > start;
            if (hit) {
                from = Math.min(from, m.token());
                to = Math.max(to, m.token() + 1);
            }
        }
        return from == Integer.MAX_VALUE ? null : new int[] {from, to};
    }

    public String modelName() {
        return modelName;
    }

    public String modelDevice() {
        return modelDevice;
    }

    public String generatedAt() {
        return generatedAt;
    }

    public String preliminaryBy() {
        return preliminaryBy;
    }

    public String signedBy() {
        return signedBy;
    }

    public String signedAt() {
        return signedAt;
    }

    public String updatedAt() {
        return updatedAt;
    }

    /** True once a model has written into this report (even if every span was reviewed since). */
    public boolean hasAiContent() {
        return !modelName.isEmpty();
    }

    public long revision() {
        return revision;
    }

    public void addChangeListener(Runnable listener) {
        listeners.add(listener);
    }

    public void removeChangeListener(Runnable listener) {
        listeners.remove(listener);
    }

    // ---- model writing ----

    /** Empties both sections before a new generation and records which model writes. */
    public void startGeneration(String model, String device) {
        requireEditable();
        for (Section s : Section.values()) {
            text.get(s).setLength(0);
            marks.get(s).clear();
        }
        aiSpans.clear();
        modelName = model == null ? "" : model;
        modelDevice = device == null ? "" : device;
        generatedAt = Instant.now().toString();
        changed();
    }

    /** Appends one generated token's text at the end of {@code s}; it counts as unreviewed AI text. */
    public void appendGenerated(Section s, String piece, int token) {
        requireEditable();
        if (piece.isEmpty()) {
            return;
        }
        StringBuilder b = text.get(s);
        int start = b.length();
        b.append(piece);
        int end = b.length();
        marks.get(s).add(new TokenMark(token, start, end));
        AiSpan last = lastSpanEndingAt(s, start);
        if (last != null && !endsSentence(b, last)) {
            aiSpans.set(aiSpans.indexOf(last), new AiSpan(s, last.start(), end, last.firstToken(), token + 1));
        } else {
            aiSpans.add(new AiSpan(s, start, end, token, token + 1));
        }
        changed();
    }

    private AiSpan lastSpanEndingAt(Section s, int pos) {
        for (AiSpan a : aiSpans) {
            if (a.section() == s && a.end() == pos) {
                return a;
            }
        }
        return null;
    }

    private static boolean endsSentence(StringBuilder b, AiSpan span) {
        String t = b.substring(span.start(), span.end());
        if (t.endsWith("\n")) {
            return true;
        }
        String stripped = t.stripTrailing();
        return !stripped.isEmpty() && ".!?".indexOf(stripped.charAt(stripped.length() - 1)) >= 0;
    }

    // ---- radiologist editing ----

    /** Replaces the whole text of a section (as a text field does); the smallest changed range counts as the edit. */
    public void setText(Section s, String newText) {
        String old = text(s);
        if (old.equals(newText)) {
            return;
        }
        int prefix = 0;
        int max = Math.min(old.length(), newText.length());
        while (prefix < max && old.charAt(prefix) == newText.charAt(prefix)) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < max - prefix
                && old.charAt(old.length() - 1 - suffix) == newText.charAt(newText.length() - 1 - suffix)) {
            suffix++;
        }
        edit(s, prefix, old.length() - suffix, newText.substring(prefix, newText.length() - suffix));
    }

    /**
     * A radiologist's edit: replaces {@code [start, end)} of {@code s}. AI spans it touches become
     * reviewed; token marks it touches are dropped; later ones shift.
     */
    public void edit(Section s, int start, int end, String replacement) {
        requireEditable();
        StringBuilder b = text.get(s);
        if (start < 0 || end < start || end > b.length()) {
            throw new IndexOutOfBoundsException("edit [" + start + "," + end + ") outside 0.." + b.length());
        }
        b.replace(start, end, replacement);
        int delta = replacement.length() - (end - start);
        List<TokenMark> kept = new ArrayList<>();
        for (TokenMark m : marks.get(s)) {
            boolean touched = m.start() < end && m.end() > start || (start == end && m.start() < start && start < m.end());
            if (m.end() <= start && !touched) {
                kept.add(m);
            } else if (!touched) {
                kept.add(m.shift(delta));
            }
        }
        marks.put(s, kept);
        List<AiSpan> spans = new ArrayList<>();
        for (AiSpan a : aiSpans) {
            if (a.section() != s || a.end() <= start && !a.intersects(start, end)) {
                spans.add(a);
            } else if (!a.intersects(start, end)) {
                spans.add(a.shift(delta));
            }
        }
        aiSpans.clear();
        aiSpans.addAll(spans);
        changed();
    }

    /** The radiologist accepts all model-written text as reviewed. */
    public void acceptAllAi() {
        requireEditable();
        if (!aiSpans.isEmpty()) {
            aiSpans.clear();
            changed();
        }
    }

    /** Accepts the AI spans that intersect {@code [start, end)} of {@code s}. */
    public void acceptAi(Section s, int start, int end) {
        requireEditable();
        if (aiSpans.removeIf(a -> a.section() == s && (a.intersects(start, end) || start == end && a.start() == start))) {
            changed();
        }
    }

    // ---- status ----

    /** DRAFT -> PRELIMINARY, by an explicit action. Unreviewed AI text is allowed in a preliminary report. */
    public void markPreliminary(String radiologist) {
        if (status != ReportStatus.DRAFT) {
            throw new RayScribeException("the report is already " + status.name().toLowerCase());
        }
        if (isEmpty()) {
            throw new RayScribeException("an empty report cannot be marked preliminary");
        }
        status = ReportStatus.PRELIMINARY;
        preliminaryBy = nonNull(radiologist);
        preliminaryAt = Instant.now().toString();
        changed();
    }

    /** PRELIMINARY -> FINAL: refused while any AI-written text is unreviewed. */
    public void signFinal(String radiologist) {
        if (status != ReportStatus.PRELIMINARY) {
            throw new RayScribeException(status == ReportStatus.FINAL ? "the report is already final"
                    : "mark the report preliminary before signing it final");
        }
        if (hasUnreviewedAi()) {
            throw new RayScribeException("the report still has " + aiSpans.size()
                    + " unreviewed AI-drafted passage(s): edit or accept them before signing");
        }
        if (radiologist == null || radiologist.isBlank()) {
            throw new RayScribeException("a final report needs the signing radiologist's name");
        }
        status = ReportStatus.FINAL;
        signedBy = radiologist.strip();
        signedAt = Instant.now().toString();
        changed();
    }

    public boolean canSignFinal() {
        return status == ReportStatus.PRELIMINARY && !hasUnreviewedAi();
    }

    private void requireEditable() {
        if (status == ReportStatus.FINAL) {
            throw new RayScribeException("the report is final and can no longer be changed");
        }
    }

    private void changed() {
        revision++;
        updatedAt = Instant.now().toString();
        for (Runnable r : listeners) {
            r.run();
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    // ---- persistence ----

    /** The JSON document autosave writes (a snapshot; safe to hand to another thread). */
    public String toJson() {
        Data d = new Data();
        d.format = 1;
        d.study = study;
        d.findings = text(Section.FINDINGS);
        d.impression = text(Section.IMPRESSION);
        d.findingsTokens = new ArrayList<>(marks.get(Section.FINDINGS));
        d.impressionTokens = new ArrayList<>(marks.get(Section.IMPRESSION));
        d.aiSpans = new ArrayList<>(aiSpans);
        d.status = status;
        d.modelName = modelName;
        d.modelDevice = modelDevice;
        d.generatedAt = generatedAt;
        d.preliminaryBy = preliminaryBy;
        d.preliminaryAt = preliminaryAt;
        d.signedBy = signedBy;
        d.signedAt = signedAt;
        d.updatedAt = updatedAt;
        d.revision = revision;
        return Json.PRETTY.toJson(d);
    }

    /** Reads what {@link #toJson()} wrote; throws {@link RayScribeException} when it is not a report. */
    public static Report fromJson(String json) {
        Data d;
        try {
            d = Json.COMPACT.fromJson(json, Data.class);
        } catch (RuntimeException e) {
            throw new RayScribeException("not a RayScribe report (" + e.getMessage() + ")");
        }
        if (d == null || d.study == null || d.status == null) {
            throw new RayScribeException("not a RayScribe report (missing study or status)");
        }
        Report r = new Report(d.study);
        r.text.get(Section.FINDINGS).append(nonNull(d.findings));
        r.text.get(Section.IMPRESSION).append(nonNull(d.impression));
        if (d.findingsTokens != null) {
            r.marks.get(Section.FINDINGS).addAll(d.findingsTokens);
        }
        if (d.impressionTokens != null) {
            r.marks.get(Section.IMPRESSION).addAll(d.impressionTokens);
        }
        if (d.aiSpans != null) {
            for (AiSpan a : d.aiSpans) {
                int len = r.text.get(a.section()).length();
                if (a.start() >= 0 && a.end() <= len && a.start() < a.end()) {
                    r.aiSpans.add(a);
                }
            }
        }
        r.status = d.status;
        r.modelName = nonNull(d.modelName);
        r.modelDevice = nonNull(d.modelDevice);
        r.generatedAt = nonNull(d.generatedAt);
        r.preliminaryBy = nonNull(d.preliminaryBy);
        r.preliminaryAt = nonNull(d.preliminaryAt);
        r.signedBy = nonNull(d.signedBy);
        r.signedAt = nonNull(d.signedAt);
        r.updatedAt = nonNull(d.updatedAt);
        r.revision = d.revision;
        return r;
    }

    /** The on-disk shape (plain fields for Gson). */
    private static final class Data {
        int format;
        StudyInfo study;
        String findings;
        String impression;
        List<TokenMark> findingsTokens;
        List<TokenMark> impressionTokens;
        List<AiSpan> aiSpans;
        ReportStatus status;
        String modelName;
        String modelDevice;
        String generatedAt;
        String preliminaryBy;
        String preliminaryAt;
        String signedBy;
        String signedAt;
        String updatedAt;
        long revision;
    }
}
