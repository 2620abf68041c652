package io.rayscribe.report;

import io.rayscribe.core.RayScribeException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ReportTest {
    static StudyInfo study() {
        return new StudyInfo("P1", "Doe^Jane", "19700101", "F", "1.2.3.4", "20240102", "101500", "CHEST PA",
                "ACC1", "Ref^Doc", List.of(new StudyInfo.Reference("1.2.3.4.5", "1.2.840.10008.5.1.4.1.1.1", "1.2.3.4.5.6")));
    }

    static Report drafted(String... pieces) {
        Report r = new Report(study());
        r.startGeneration("demo-model", "cpu");
        for (int i = 0; i < pieces.length; i++) {
            r.appendGenerated(Section.FINDINGS, pieces[i], i);
        }
        return r;
    }

    @Test
    void generatedTextIsMarkedPerSentenceWithItsTokens() {
        Report r = drafted("Heart", " normal", ".", " Lungs", " clear", ".");
        assertEquals("Heart normal. Lungs clear.", r.text(Section.FINDINGS));
        List<AiSpan> spans = r.aiSpans();
        assertEquals(2, spans.size());
        assertEquals(new AiSpan(Section.FINDINGS, 0, 13, 0, 3), spans.get(0));
        assertEquals(new AiSpan(Section.FINDINGS, 13, 26, 3, 6), spans.get(1));
        assertArrayEquals(new int[] {3, 5}, r.tokensIn(Section.FINDINGS, 14, 24)); // "Lungs clear"
        assertArrayEquals(new int[] {1, 2}, r.tokensIn(Section.FINDINGS, 7, 7)); // caret inside " normal"
        assertNull(r.tokensIn(Section.IMPRESSION, 0, 0));
    }

    @Test
    void editingOneSentenceReviewsOnlyThatSentenceAndShiftsTheRest() {
        Report r = drafted("Heart", " normal", ".", " Lungs", " clear", ".");
        r.edit(Section.FINDINGS, 6, 12, "enlarged"); // "normal" -> "enlarged"
        assertEquals("Heart enlarged. Lungs clear.", r.text(Section.FINDINGS));
        assertEquals(List.of(new AiSpan(Section.FINDINGS, 15, 28, 3, 6)), r.aiSpans());
        // the edited token is gone, untouched ones remain (shifted)
        assertArrayEquals(new int[] {0, 1}, r.tokensIn(Section.FINDINGS, 0, 5));
        assertArrayEquals(new int[] {3, 5}, r.tokensIn(Section.FINDINGS, 16, 26));
        assertNull(r.tokensIn(Section.FINDINGS, 8, 9));
    }

    @Test
    void typingAfterAiTextKeepsItUnreviewedAndSetTextFindsTheEdit() {
        Report r = drafted("No", " effusion", ".");
        r.setText(Section.FINDINGS, "No effusion. Small nodule.");
        assertEquals(1, r.aiSpans().size());
        assertEquals(12, r.aiSpans().get(0).end());
        r.setText(Section.FINDINGS, "No pleural effusion. Small nodule.");
        assertFalse(r.hasUnreviewedAi());
        assertTrue(r.hasAiContent());
        assertEquals(AiStatus.REVIEWED, AiStatus.of(r));
    }

    @Test
    void finalSignatureNeedsPreliminaryAndReviewedAiText() {
        Report r = drafted("Lungs", " clear", ".");
        RayScribeException early = assertThrows(RayScribeException.class, () -> r.signFinal("Dr Who"));
        assertTrue(early.getMessage().contains("preliminary"), early.getMessage());
        r.markPreliminary("Dr Who");
        assertEquals(ReportStatus.PRELIMINARY, r.status());
        RayScribeException unreviewed = assertThrows(RayScribeException.class, () -> r.signFinal("Dr Who"));
        assertTrue(unreviewed.getMessage().contains("unreviewed"), unreviewed.getMessage());
        assertFalse(r.canSignFinal());
        r.acceptAllAi();
        r.signFinal("Dr Who");
        assertEquals(ReportStatus.FINAL, r.status());
        assertEquals("Dr Who", r.signedBy());
        assertThrows(RayScribeException.class, () -> r.edit(Section.FINDINGS, 0, 0, "x"));
        assertThrows(RayScribeException.class, () -> r.markPreliminary("x"));
    }

    @Test
    void acceptingARangeReviewsOnlyTheSpansItTouches() {
        Report r = drafted("A", ".", " B", ".", " C", ".");
        assertEquals(3, r.aiSpans().size());
        r.acceptAi(Section.FINDINGS, 3, 4);
        assertEquals(2, r.aiSpans().size());
        assertEquals(0, r.aiSpans().get(0).start());
        assertEquals(5, r.aiSpans().get(1).start());
    }

    @Test
    void jsonRoundTripKeepsTextSpansTokensAndStatus() {
        Report r = drafted("Heart", " normal", ".", " Lungs", " clear", ".");
        r.appendGenerated(Section.IMPRESSION, "Normal", 6);
        r.appendGenerated(Section.IMPRESSION, ".", 7);
        r.edit(Section.FINDINGS, 0, 5, "Cardiac silhouette");
        r.markPreliminary("Dr A");
        Report back = Report.fromJson(r.toJson());
        assertEquals(r.text(Section.FINDINGS), back.text(Section.FINDINGS));
        assertEquals(r.text(Section.IMPRESSION), back.text(Section.IMPRESSION));
        assertEquals(r.aiSpans(), back.aiSpans());
        assertEquals(r.tokenMarks(Section.FINDINGS), back.tokenMarks(Section.FINDINGS));
        assertEquals(ReportStatus.PRELIMINARY, back.status());
        assertEquals(r.study(), back.study());
        assertEquals("demo-model", back.modelName());
        assertEquals(r.revision(), back.revision());
        assertThrows(RayScribeException.class, () -> Report.fromJson("{\"nope\": 1}"));
        assertThrows(RayScribeException.class, () -> Report.fromJson("not json"));
    }

    @Test
    void changeListenersHearEveryMutation() {
        Report r = new Report(study());
        int[] calls = {0};
        r.addChangeListener(() -> calls[0]++);
        r.setText(Section.FINDINGS, "Clear lungs.");
        r.setText(Section.IMPRESSION, "Normal.");
        r.setText(Section.IMPRESSION, "Normal.");
        assertEquals(2, calls[0]);
        assertEquals(2, r.revision());
    }
}
