package io.rayscribe.dicom;

import java.nio.file.Path;

/**
 * One SOP instance (a file) with the metadata needed before any pixel is decoded.
 * {@code pixelSpacing} is {row, column} in mm, or null; {@code frames} is 0 for non-image objects (SR).
 */
public record Instance(String sopInstanceUid, String sopClassUid, Path file, Integer number, int frames,
                       int rows, int columns, String transferSyntaxUid, String photometric,
                       String viewPosition, double[] pixelSpacing) {
    public boolean hasPixels() {
        return frames > 0 && rows > 0 && columns > 0;
    }
}
