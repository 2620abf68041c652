package io.rayscribe.train;

import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.model.GenerationListener;
import io.rayscribe.model.GenerationResult;
import io.rayscribe.model.GenerationSettings;
import io.rayscribe.model.ModelBundle;
import io.rayscribe.model.ReportDrafter;
import io.rayscribe.model.TokenEvent;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo bundle and demo study the app ships with: small enough, loadable, and the model writes a report. */
class ShippedModelTest {
    @Test
    void demoModelDraftsAReportForTheDemoStudy() throws Exception {
        Path model = Path.of("assets/models/demo");
        long bytes;
        try (var walk = Files.walk(model)) {
            bytes = walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        assertTrue(bytes <= 20L * 1024 * 1024, "bundle is " + bytes + " bytes");
        DisplayImage image = TrainingData.readImage(Path.of("assets/studies/demo/image.dcm"));
        try (ModelBundle bundle = ModelBundle.load(model); ReportDrafter drafter = new ReportDrafter(bundle)) {
            assertEquals(64, bundle.config().numVisualPrompts());
            GenerationSettings s = GenerationSettings.greedy(24);
            GenerationResult r = drafter.draft(image, s, new GenerationListener() {
                @Override
                public void onToken(TokenEvent event) {
                }
            }).await();
            assertTrue(r.text().trim().startsWith("FINDINGS:"), r.text());
            assertEquals(24, r.generatedIds().length, "greedy to the token limit: " + r.text());
        }
    }
}
