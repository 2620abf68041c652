package io.rayscribe.core;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Process-wide settings applied before anything touches DJL: offline mode (the app never
 * downloads), the PyTorch native cache in a per-user application folder, and the app home
 * where the shipped assets live.
 */
public final class AppEnvironment {
    private AppEnvironment() {
    }

    /** Idempotent; explicit -D settings win over these defaults. */
    public static void init() {
        System.setProperty("ai.djl.offline", "true");
        setIfAbsent("DJL_CACHE_DIR", userDataDir().resolve("djl").toString());
        setIfAbsent("ENGINE_CACHE_DIR", userDataDir().resolve("djl").toString());
        // Keep DJL from phoning home for usage statistics.
        setIfAbsent("OPT_OUT_TRACKING", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Per-user folder for autosaved reports, settings and native caches. */
    public static Path userDataDir() {
        String configured = System.getProperty("rayscribe.data");
        if (configured != null) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".rayscribe");
    }

    /** Where assets/ (demo model and study) live: -Drayscribe.home, else the working directory. */
    public static Path appHome() {
        String home = System.getProperty("rayscribe.home");
        return home != null ? Path.of(home) : Path.of("").toAbsolutePath();
    }

    public static Path demoModel() {
        return appHome().resolve("assets/models/demo");
    }

    public static Path demoStudy() {
        return appHome().resolve("assets/studies/demo");
    }

    public static boolean exists(Path p) {
        return p != null && Files.exists(p);
    }
}
