package io.rayscribe.report;

/**
 * A run of model-written characters {@code [start, end)} in a section that no radiologist has
 * reviewed yet, with the generated tokens {@code [firstToken, endToken)} that wrote it. Spans are
 * cut at sentence ends, so editing one sentence marks only that sentence as reviewed.
 */
public record AiSpan(Section section, int start, int end, int firstToken, int endToken) {
    public int length() {
        return end - start;
    }

    AiSpan shift(int delta) {
        return new AiSpan(section, start + delta, end + delta, firstToken, endToken);
    }

    boolean intersects(int from, int to) {
        return from < end && to > start || (from == to && from > start && from < end);
    }
}
