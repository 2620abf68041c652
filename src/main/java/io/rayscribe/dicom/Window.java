package io.rayscribe.dicom;

/** A VOI window (center/width in modality units, DICOM linear function); {@code label} names its origin. */
public record Window(double center, double width, String label) {
}
