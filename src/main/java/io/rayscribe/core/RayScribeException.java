package io.rayscribe.core;

import java.nio.file.Path;

/**
 * An error meant for the user: its message names what failed (usually a file) and why,
 * in one line, with no stack trace. Every layer throws this for bad input; the CLI prints
 * {@link #getMessage()} and exits 2, the UI shows it in a dialog or the status bar.
 */
public class RayScribeException extends RuntimeException {
    public RayScribeException(String message) {
        super(message);
    }

    public RayScribeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "FILE: reason" — the form every file-related error takes. */
    public static RayScribeException forFile(Path file, String reason) {
        return new RayScribeException(file + ": " + reason);
    }

    public static RayScribeException forFile(Path file, String reason, Throwable cause) {
        return new RayScribeException(file + ": " + reason, cause);
    }
}
