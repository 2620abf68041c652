package io.rayscribe.dicom;

import java.nio.file.Path;

/** One file that could not be read, with a one-line reason for the user. */
public record LoadError(Path file, String message) {
}
