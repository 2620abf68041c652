package io.rayscribe.ui;

import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.model.DraftHandle;
import io.rayscribe.model.GenerationListener;
import io.rayscribe.model.GenerationSettings;
import io.rayscribe.model.PromptRegion;

import java.util.List;

/** What the window needs from a loaded drafting model (the model layer's ReportDrafter behind it). */
public interface DraftEngine extends AutoCloseable {
    DraftHandle draft(DisplayImage image, GenerationSettings settings, GenerationListener listener);

    List<PromptRegion> regions();

    String modelName();

    String device();

    @Override
    void close();
}
