package io.rayscribe.ui;

import org.fxmisc.richtext.model.StyleSpans;
import org.fxmisc.richtext.model.StyleSpansBuilder;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The end-of-draft restyle is skipped only when the editor already shows the wanted styles. */
class ReportEditorStylesTest {
    private static StyleSpans<Collection<String>> spans(Collection<String> first, int a, Collection<String> second, int b) {
        StyleSpansBuilder<Collection<String>> builder = new StyleSpansBuilder<>();
        builder.add(first, a);
        builder.add(second, b);
        return builder.create();
    }

    @Test
    void sameClassesInDifferentCollectionsAreTheSameStyles() {
        StyleSpans<Collection<String>> built = spans(List.of(), 5, List.of("ai-text"), 12);
        StyleSpans<Collection<String>> streamed = spans(Collections.emptyList(), 5, Collections.singleton("ai-text"), 12);
        assertNotEquals(built, streamed, "plain equals tells a List from a Set: the case this comparison is for");
        assertTrue(ReportEditorView.sameStyles(built, streamed));
    }

    @Test
    void differentLengthsOrClassesAreDifferentStyles() {
        StyleSpans<Collection<String>> built = spans(List.of(), 5, List.of("ai-text"), 12);
        assertFalse(ReportEditorView.sameStyles(built, spans(List.of(), 6, List.of("ai-text"), 11)));
        assertFalse(ReportEditorView.sameStyles(built, spans(List.of(), 5, Set.of("ai-selected"), 12)));
        assertFalse(ReportEditorView.sameStyles(built, spans(List.of("ai-text"), 5, List.of("ai-text"), 12)));
    }
}
