package io.rayscribe.dicom;

import java.nio.ByteBuffer;

/**
 * Where things are in one DICOM file, found by {@link DicomWalker} without trusting the toolkit:
 * the transfer syntax, the data set encoding and the byte range of the top-level Pixel Data.
 * {@code data} is the file mapped read-only (or the inflated data set for deflate); offsets index it.
 * {@code pixelOffset} is -1 when there is no Pixel Data; {@code pixelLength} is -1 when encapsulated
 * (undefined length). {@code headerEnd} is where the header stops (Pixel Data tag or end of data).
 * {@code unSequences} are the byte ranges of top-level UN elements of undefined length (CP-246), which
 * the header parser may be retried without.
 */
record DicomLayout(String transferSyntaxUid, boolean transferSyntaxInFile, boolean explicitVr, boolean bigEndian,
                   boolean deflated, ByteBuffer data, int datasetStart, int headerEnd,
                   int pixelOffset, long pixelLength, long fileSize, java.util.List<int[]> unSequences) {

    boolean hasPixelData() {
        return pixelOffset >= 0;
    }

    boolean encapsulated() {
        return hasPixelData() && pixelLength < 0;
    }
}
