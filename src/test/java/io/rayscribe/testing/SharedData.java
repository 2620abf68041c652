package io.rayscribe.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared (read in place, never copied into the repo). */
public final class SharedData {
    private SharedData() {
    }

    public static Path root() {
        String configured = System.getProperty("rayscribe.shared");
        Path p = configured != null ? Path.of(configured) : Path.of("..", "shared");
        p = p.toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("../shared not found at " + p + " (tests read the shared data in place)");
        }
        return p;
    }

    public static Path resolve(String relative) {
        return root().resolve(relative);
    }
}
