package io.rayscribe.ui;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FoldersTest {
    @Test
    void dialogsStartInTheLastFolderUsedElseHome(@TempDir Path tmp) throws Exception {
        Preferences prefs = Preferences.userNodeForPackage(Folders.class);
        String saved = prefs.get(Folders.EXPORT, null);
        try {
            Path reports = Files.createDirectories(tmp.resolve("reports"));
            Folders.remember(Folders.EXPORT, reports);
            assertEquals(reports.toFile(), Folders.start(Folders.EXPORT));
            Files.delete(reports);
            assertEquals(new File(System.getProperty("user.home")), Folders.start(Folders.EXPORT), "a folder gone since");
        } finally {
            if (saved == null) {
                prefs.remove(Folders.EXPORT);
            } else {
                prefs.put(Folders.EXPORT, saved);
            }
        }
    }
}
