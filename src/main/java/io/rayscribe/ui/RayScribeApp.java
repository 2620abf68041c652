package io.rayscribe.ui;

import io.rayscribe.report.ReportStore;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The JavaFX application: opens the given paths (or the demo study) and loads the given model (or the
 * demo model). {@link #configure} is called before launch because JavaFX instantiates this class itself.
 */
public final class RayScribeApp extends Application {
    /** What to open at start. */
    public record Options(List<Path> paths, Path modelDir, boolean dark) {
    }

    private static Options options = new Options(List.of(), null, true);
    private MainWindow window;

    public static void configure(Options o) {
        options = o;
    }

    @Override
    public void start(Stage stage) {
        window = new MainWindow(options.dark(), ReportStore.forUser());
        window.show(stage);
        startUp(window, options);
    }

    /** Opens the study and loads the model of {@code o} (shared with tests and screenshots). */
    public static void startUp(MainWindow window, Options o) {
        if (!o.paths().isEmpty()) {
            List<Path> missing = o.paths().stream().filter(p -> !Files.exists(p)).toList();
            if (!missing.isEmpty()) {
                String why = missing.get(0) + ": no such file or folder";
                window.main().statusProperty().set(why);
                window.viewer().errorProperty().set(why + " — open a study with File ▸ Open or drag files here");
            }
            List<Path> present = o.paths().stream().filter(Files::exists).toList();
            window.open(present);
        }
        if (o.modelDir() != null) {
            if (Files.isDirectory(o.modelDir())) {
                window.loadModel(o.modelDir());
            } else {
                window.modelUnavailable(o.modelDir(), new io.rayscribe.core.RayScribeException(
                        o.modelDir() + ": the demo model is missing"));
            }
        }
    }

    @Override
    public void stop() {
        if (window != null) {
            window.close();
        }
        Platform.exit();
    }
}
