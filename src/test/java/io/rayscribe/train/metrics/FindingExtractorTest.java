package io.rayscribe.train.metrics;

import io.rayscribe.model.PromptRegion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FindingExtractorTest {
    private static Set<String> keys(String text) {
        return Set.copyOf(FindingExtractor.keys(text));
    }

    @Test
    void statedNegativesAreNotFindings() {
        assertEquals(Set.of(), keys("FINDINGS: Heart size is normal. No pneumothorax. There is no pleural effusion. "
                + "No focal consolidation.\nIMPRESSION: No acute cardiopulmonary abnormality."));
        assertEquals(Set.of(), keys("The heart is not enlarged. No focal consolidation, effusion or pneumothorax."));
        assertEquals(Set.of(), keys("Pneumothorax is not seen. Negative for mass."));
    }

    @Test
    void positivesCarryTheirSide() {
        assertEquals(Set.of("cardiomegaly", "pleural_effusion:right", "pneumothorax:left"),
                keys("The heart is enlarged. Small right pleural effusion. There is a left pneumothorax."));
        assertEquals(Set.of("pleural_effusion:bilateral"), keys("Bilateral pleural effusions."));
        assertEquals(Set.of("pleural_effusion:bilateral"), keys("Small left and right pleural effusions."));
        assertEquals(Set.of("nodule:right", "mass:left", "consolidation:right"),
                keys("There is a 2.7 cm nodule in the right lower zone. Left upper zone mass. Right middle lobe consolidation."));
        assertEquals(Set.of("endotracheal_tube", "central_line"),
                keys("Endotracheal tube in place. The right central line tip is in the SVC."));
    }

    @Test
    void negationStaysInItsClause() {
        assertEquals(Set.of("pneumothorax:right"), keys("No effusion, but a small right pneumothorax."));
    }

    @Test
    void mentionsKeepSentenceSpansAndZones() {
        String text = "FINDINGS: No effusion. There is a 2.7 cm nodule in the right lower zone.";
        List<FindingExtractor.Mention> ms = FindingExtractor.mentions(text);
        assertEquals(1, ms.size());
        FindingExtractor.Mention m = ms.get(0);
        assertEquals("There is a 2.7 cm nodule in the right lower zone.", text.substring(m.start(), m.end()));
        assertEquals("lower", m.zone());
    }

    @Test
    void findingScoresAreMicroAveraged() {
        FindingScores s = new FindingScores();
        s.add(List.of("a", "b"), List.of("a"));        // tp 1, fp 1
        s.add(List.of(), List.of("c", "d"));            // fn 2
        s.add(List.of("c"), List.of("c"));              // tp 1
        assertEquals(2.0 / 3, s.precision(), 1e-12);
        assertEquals(2.0 / 4, s.recall(), 1e-12);
        assertEquals(2 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5), s.f1(), 1e-12);
    }

    @Test
    void pointingGameUsesPeakPromptCentreWithTolerance() {
        List<PromptRegion> grid = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 2; c++) {
                grid.add(new PromptRegion(r * 2 + c, c * 0.5, r * 0.5, c * 0.5 + 0.5, r * 0.5 + 0.5));
            }
        }
        float[] map = {0.1f, 0.2f, 0.9f, 0.3f};      // peak: bottom-left cell, centre (0.25, 0.75)
        PointingGame g = PointingGame.create();
        assertTrue(g.add(map, grid, new double[] {0.1, 0.6, 0.4, 0.9}));
        assertTrue(g.add(map, grid, new double[] {0.3, 0.6, 0.4, 0.9}));   // 0.05 left of the box: within tolerance
        assertFalse(g.add(map, grid, new double[] {0.6, 0.6, 0.9, 0.9}));
        assertEquals(2.0 / 3, g.accuracy(), 1e-12);
    }
}
