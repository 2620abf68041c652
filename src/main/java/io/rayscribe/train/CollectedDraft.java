package io.rayscribe.train;

import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.model.GenerationListener;
import io.rayscribe.model.GenerationResult;
import io.rayscribe.model.GenerationSettings;
import io.rayscribe.model.ReportDrafter;
import io.rayscribe.model.TokenEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * One finished draft with its streamed text pieces, kept per token so that a phrase can be
 * mapped back to the tokens (and so the attention) that wrote it.
 */
record CollectedDraft(List<String> pieces, GenerationResult result) {

    String text() {
        return String.join("", pieces);
    }

    /** Drafts {@code image} synchronously; {@code command} names the caller in the interrupt error. */
    static CollectedDraft run(ReportDrafter drafter, DisplayImage image, GenerationSettings settings, String command) {
        List<String> pieces = new ArrayList<>();
        try {
            GenerationResult r = drafter.draft(image, settings, new GenerationListener() {
                @Override
                public void onToken(TokenEvent event) {
                    pieces.add(event.textPiece());
                }
            }).await();
            return new CollectedDraft(pieces, r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RayScribeException(command + ": interrupted");
        }
    }
}
