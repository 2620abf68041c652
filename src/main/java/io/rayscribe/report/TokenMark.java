package io.rayscribe.report;

/**
 * Where one generated token landed in a section: characters {@code [start, end)} came from
 * token {@code token} (its index in the generation), so a text selection maps back to tokens.
 */
public record TokenMark(int token, int start, int end) {
    TokenMark shift(int delta) {
        return new TokenMark(token, start + delta, end + delta);
    }
}
