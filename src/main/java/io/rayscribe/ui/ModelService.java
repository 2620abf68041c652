package io.rayscribe.ui;

import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.model.DraftHandle;
import io.rayscribe.model.GenerationListener;
import io.rayscribe.model.GenerationSettings;
import io.rayscribe.model.ModelBundle;
import io.rayscribe.model.PromptRegion;
import io.rayscribe.model.ReportDrafter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads a model bundle into a {@link DraftEngine} and warms it up (call off the FX thread: this takes seconds);
 * the engine it returns drafts at once.
 */
public final class ModelService {
    private ModelService() {
    }

    public static DraftEngine load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw RayScribeException.forFile(dir, "no model bundle here (folder missing)");
        }
        ModelBundle bundle = ModelBundle.load(dir);
        ReportDrafter drafter;
        try {
            drafter = new ReportDrafter(bundle);
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
        try {
            // The drafter warms up (JIT, native initialisation, one short generation) on its own worker as
            // soon as it exists. Waiting for that here, on the loading thread, means Draft is enabled only
            // when a draft starts at once instead of queueing behind the warm-up for a second or more.
            drafter.awaitReady();
        } catch (InterruptedException e) {
            drafter.close();
            bundle.close();
            Thread.currentThread().interrupt();
            throw RayScribeException.forFile(dir, "model loading was interrupted");
        }
        return new DraftEngine() {
            @Override
            public DraftHandle draft(DisplayImage image, GenerationSettings settings, GenerationListener listener) {
                return drafter.draft(image, settings, listener);
            }

            @Override
            public List<PromptRegion> regions() {
                return drafter.regions();
            }

            @Override
            public String modelName() {
                return drafter.modelName();
            }

            @Override
            public String device() {
                return drafter.device();
            }

            @Override
            public void close() {
                drafter.close();
                bundle.close();
            }
        };
    }
}
