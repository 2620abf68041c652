package io.rayscribe.ui;

import io.rayscribe.dicom.FrameDecoder;
import io.rayscribe.dicom.Instance;
import io.rayscribe.dicom.LoadResult;
import io.rayscribe.dicom.Patient;
import io.rayscribe.dicom.Series;
import io.rayscribe.dicom.Study;
import io.rayscribe.dicom.StudyLoader;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Starts reading the study given on the command line while JavaFX and the window are still being
 * built (they take a second or more), and decodes its first image into the frame cache, so the
 * first image appears as soon as the window can show it.
 */
public final class StudyPreloader {
    private static volatile List<Path> paths;
    private static volatile CompletableFuture<LoadResult> future;

    private StudyPreloader() {
    }

    public static void start(List<Path> p) {
        List<Path> copy = List.copyOf(p);
        CompletableFuture<LoadResult> f = new CompletableFuture<>();
        paths = copy;
        future = f;
        Thread t = new Thread(() -> {
            try {
                LoadResult r = StudyLoader.open(copy);
                f.complete(r);
                Instance first = firstImage(r);
                if (first != null) {
                    FrameDecoder.shared().decode(first.file(), 0);
                }
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "study-preload");
        t.setDaemon(true);
        t.start();
    }

    /** The preloaded result for exactly these paths (taken once), or null. */
    static CompletableFuture<LoadResult> take(List<Path> p) {
        CompletableFuture<LoadResult> f = future;
        if (f != null && p.equals(paths)) {
            future = null;
            paths = null;
            return f;
        }
        return null;
    }

    static Instance firstImage(LoadResult r) {
        for (Patient p : r.patients()) {
            for (Study s : p.studies()) {
                for (Series se : s.series()) {
                    for (Instance i : se.instances()) {
                        if (i.hasPixels()) {
                            return i;
                        }
                    }
                }
            }
        }
        return null;
    }
}
