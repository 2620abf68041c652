package io.rayscribe.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Routes streamed generated text into the report's sections: text before an "IMPRESSION:" heading
 * goes to Findings, text after it to Impression; a leading "FINDINGS:" heading is dropped. Headings
 * may arrive split across tokens, so characters that could still be the start of a heading are held
 * back until the next token settles them. Every character keeps the index of the token that wrote it.
 */
public final class DraftRouter {
    private static final String FINDINGS = "findings:";
    private static final String IMPRESSION = "impression:";

    /** A piece of text for {@code section}, written by generated token {@code token}. */
    public record Piece(Section section, String text, int token) {
    }

    private Section section = Section.FINDINGS;
    private boolean atSectionStart = true;
    private final StringBuilder held = new StringBuilder();
    private final List<Integer> heldTokens = new ArrayList<>();

    public Section section() {
        return section;
    }

    /** Feeds one token's text; returns what can be committed now. */
    public List<Piece> feed(int token, String text) {
        for (int i = 0; i < text.length(); i++) {
            held.append(text.charAt(i));
            heldTokens.add(token);
        }
        return drain(false);
    }

    /** Commits whatever is still held back (end of generation). */
    public List<Piece> finish() {
        return drain(true);
    }

    private List<Piece> drain(boolean all) {
        List<Piece> out = new ArrayList<>();
        while (held.length() > 0) {
            String lower = held.toString().toLowerCase(Locale.ROOT);
            int cut = lower.indexOf(IMPRESSION);
            if (cut >= 0) {
                int end = withoutTrailingBlanks(cut);
                emit(out, end); // a section ends without the blank line before the next heading
                consume(cut - end + IMPRESSION.length());
                section = Section.IMPRESSION;
                atSectionStart = true;
                continue;
            }
            if (atSectionStart) {
                String lead = lower.stripLeading();
                int ws = lower.length() - lead.length();
                if (lead.startsWith(FINDINGS)) {
                    consume(ws + FINDINGS.length());
                    continue;
                }
                if (lead.isEmpty() || (FINDINGS.startsWith(lead) || IMPRESSION.startsWith(lead)) && !all) {
                    if (all) {
                        held.setLength(0);
                        heldTokens.clear();
                    }
                    return out; // could still become a heading (or is only leading blanks)
                }
                consume(ws); // no blank lines at the start of a section
                atSectionStart = false;
                continue;
            }
            // Blanks wait for the text after them: at a heading or the end they are dropped, not committed.
            int keep = all ? 0 : possibleHeadingSuffix(lower);
            emit(out, withoutTrailingBlanks(held.length() - keep));
            if (all) {
                consume(held.length());
            }
            return out;
        }
        return out;
    }

    /** The first {@code n} held characters' length without the blanks at their end. */
    private int withoutTrailingBlanks(int n) {
        while (n > 0 && Character.isWhitespace(held.charAt(n - 1))) {
            n--;
        }
        return n;
    }

    /** Length of the longest tail of {@code s} that is a proper prefix of "impression:". */
    private static int possibleHeadingSuffix(String s) {
        for (int k = Math.min(IMPRESSION.length() - 1, s.length()); k > 0; k--) {
            if (IMPRESSION.startsWith(s.substring(s.length() - k))) {
                return k;
            }
        }
        return 0;
    }

    /** Emits the first {@code n} held characters, one piece per run of the same token. */
    private void emit(List<Piece> out, int n) {
        String text = held.substring(0, n);
        int i = 0;
        while (i < n) {
            int token = heldTokens.get(i);
            int j = i;
            while (j < n && heldTokens.get(j) == token) {
                j++;
            }
            out.add(new Piece(section, text.substring(i, j), token));
            i = j;
        }
        consume(n);
    }

    private void consume(int n) {
        held.delete(0, n);
        heldTokens.subList(0, n).clear();
    }
}
