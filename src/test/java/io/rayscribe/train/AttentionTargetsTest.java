package io.rayscribe.train;

import io.rayscribe.model.PromptRegion;
import io.rayscribe.model.TextTokenizer;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The supervision targets of stage 2's attention loss, on the real stories260K tokenizer. */
class AttentionTargetsTest {
    private static final List<PromptRegion> GRID_2X2 = List.of(
            new PromptRegion(0, 0, 0, 0.5, 0.5), new PromptRegion(1, 0.5, 0, 1, 0.5),
            new PromptRegion(2, 0, 0.5, 0.5, 1), new PromptRegion(3, 0.5, 0.5, 1, 1));

    @Test
    void eachMentionOfATrueFindingGetsItsSentenceTokensAndTheRegionsInsideItsBox() {
        String report = "FINDINGS: Heart size is normal. Small left pneumothorax. No pleural effusion.\n"
                + "IMPRESSION: Left pneumothorax.";
        List<TrainingData.Truth> truth = List.of(new TrainingData.Truth("pneumothorax", "left", "upper",
                new double[] {0.55, 0.05, 0.95, 0.45}));
        try (TextTokenizer tok = TextTokenizer.load(SharedData.resolve("models/stories260K-hf"), 1, 2, 512)) {
            int[] ids = tok.encode(report);
            List<AttentionTargets.Span> spans = AttentionTargets.of(tok, ids, truth, GRID_2X2);
            assertEquals(2, spans.size(), "the Findings sentence and the Impression both name it");
            for (AttentionTargets.Span s : spans) {
                String words = tok.decode(ids, s.from(), s.to());
                assertTrue(words.toLowerCase().contains("pneumothorax"), words);
                assertTrue(!words.contains("Heart") && !words.contains("effusion"), words);
                // only the top-right prompt's centre (0.75, 0.25) lies in the box
                assertArrayEquals(new boolean[] {false, true, false, false}, s.prompts());
            }
            // negated and absent findings give no targets; a study without ground truth neither
            assertTrue(AttentionTargets.of(tok, tok.encode("FINDINGS: No pneumothorax."), truth, GRID_2X2).isEmpty());
            assertTrue(AttentionTargets.of(tok, ids, null, GRID_2X2).isEmpty());
        }
    }
}
