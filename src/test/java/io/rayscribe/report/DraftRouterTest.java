package io.rayscribe.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DraftRouterTest {
    private static Report route(String... tokens) {
        Report r = new Report(ReportTest.study());
        r.startGeneration("m", "cpu");
        DraftRouter router = new DraftRouter();
        List<DraftRouter.Piece> pieces = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            pieces.addAll(router.feed(i, tokens[i]));
        }
        pieces.addAll(router.finish());
        for (DraftRouter.Piece p : pieces) {
            r.appendGenerated(p.section(), p.text(), p.token());
        }
        return r;
    }

    @Test
    void splitsOnAnImpressionHeadingThatArrivesInPieces() {
        Report r = route("FIND", "INGS:", " The", " heart", " is", " normal", ".", " IMP", "RESS", "ION", ":", " No", " acute", " disease", ".");
        assertEquals("The heart is normal.", r.text(Section.FINDINGS));
        assertEquals("No acute disease.", r.text(Section.IMPRESSION));
        // characters keep the token that wrote them
        assertArrayEquals(new int[] {3, 4}, r.tokensIn(Section.FINDINGS, 4, 9));
        assertArrayEquals(new int[] {12, 14}, r.tokensIn(Section.IMPRESSION, 3, 12));
    }

    @Test
    void textWithoutHeadingsIsAllFindingsAndLookalikesAreKept() {
        Report r = route("Lungs", " clear", ".", " Impress", "ive", " inspiration", ".");
        assertEquals("Lungs clear. Impressive inspiration.", r.text(Section.FINDINGS));
        assertEquals("", r.text(Section.IMPRESSION));
    }

    @Test
    void blanksBetweenWordsStayAndBlanksAtTheEndAreDropped() {
        Report r = route("Lungs", " clear", ".", "\n", "\n", "Heart", " normal", ".", " ", "\n");
        assertEquals("Lungs clear.\n\nHeart normal.", r.text(Section.FINDINGS));
        Report both = route("Lungs clear.", "  \n", "IMPRESSION:", " Normal", ".", "\n");
        assertEquals("Lungs clear.", both.text(Section.FINDINGS));
        assertEquals("Normal.", both.text(Section.IMPRESSION));
    }

    @Test
    void headingInsideOneTokenAndLowercase() {
        Report r = route("Normal heart.\nimpression: normal", " chest", ".");
        assertEquals("Normal heart.", r.text(Section.FINDINGS), "no blank line left before the heading");
        assertEquals("normal chest.", r.text(Section.IMPRESSION));
    }
}
