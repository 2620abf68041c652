package io.rayscribe.ui;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.prefs.Preferences;

/**
 * Where the open, export and model dialogs start: the folder last used for each (kept in the user's
 * Java preferences, so it survives a restart), else the home folder; never the launch directory.
 */
final class Folders {
    static final String OPEN = "lastOpenFolder";
    static final String EXPORT = "lastExportFolder";
    static final String MODEL = "lastModelFolder";

    private Folders() {
    }

    static File start(String key) {
        String last = prefs().get(key, null);
        if (last != null && Files.isDirectory(Path.of(last))) {
            return new File(last);
        }
        return new File(System.getProperty("user.home"));
    }

    static void remember(String key, Path folder) {
        if (folder != null) {
            prefs().put(key, folder.toAbsolutePath().toString());
        }
    }

    private static Preferences prefs() {
        return Preferences.userNodeForPackage(Folders.class);
    }
}
