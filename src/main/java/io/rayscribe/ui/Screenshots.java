package io.rayscribe.ui;

import io.rayscribe.core.RayScribeException;
import io.rayscribe.report.ReportStore;
import io.rayscribe.report.Section;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Renders the main states of the window to PNG files (for review and the user guide). */
public final class Screenshots {
    private Screenshots() {
    }

    /** Returns the files written. Reports go to a throw-away folder so the user's drafts are untouched. */
    public static List<Path> render(Path study, Path model, Path out, PrintStream log) throws IOException {
        List<Path> written = new ArrayList<>();
        Path reports = Files.createTempDirectory("rayscribe-screenshots");
        MainWindow w = FxDriver.call(() -> {
            MainWindow m = new MainWindow(true, new ReportStore(reports));
            Stage stage = new Stage();
            m.show(stage);
            return m;
        });
        try {
            FxDriver.run(() -> w.open(List.of(study)));
            FxDriver.waitFor(60, "the study on screen", () -> w.viewerView().hasImage());
            FxDriver.settle(400);
            written.add(shot(w, out, "01-study-open.png", log));

            FxDriver.run(() -> w.loadModel(model));
            FxDriver.waitFor(300, "the model", () -> w.draft().engineProperty().get() != null
                    || !w.draft().errorProperty().get().isEmpty());
            if (w.draft().engineProperty().get() == null) {
                throw new RayScribeException("model " + model + " did not load: " + FxDriver.call(() -> w.draft().errorProperty().get()));
            }
            AtomicReference<WritableImage> midStream = new AtomicReference<>();
            FxDriver.run(() -> {
                w.draft().greedyProperty().set(true);
                w.draft().maxTokensProperty().set(160);
                w.draft().tokensProperty().addListener((o, a, n) -> {
                    if (midStream.get() == null && n.intValue() >= 25 && w.draft().runningProperty().get()) {
                        midStream.set(w.scene().snapshot(null));
                    }
                });
                w.draftReport();
            });
            FxDriver.waitFor(600, "the draft", () -> w.draft().tokensProperty().get() > 0 && !w.draft().runningProperty().get());
            FxDriver.settle(400);
            if (midStream.get() != null) {
                written.add(write(midStream.get(), out.resolve("02-drafting.png"), log));
            }
            written.add(shot(w, out, "03-draft-attention.png", log));

            int len = FxDriver.call(() -> w.editor().area(Section.FINDINGS).getLength());
            int[] phrase = FxDriver.call(() -> firstSentence(w.reports().report().text(Section.FINDINGS)));
            FxDriver.run(() -> {
                w.selectText(Section.FINDINGS, phrase[0], Math.min(len, phrase[1]));
                if (!w.attention().ranked().isEmpty()) {
                    w.attention().hoveredProperty().set(w.attention().ranked().get(0).region());
                }
            });
            FxDriver.settle(400);
            written.add(shot(w, out, "04-phrase-attention.png", log));

            FxDriver.run(() -> {
                w.attention().hoveredProperty().set(null);
                w.reports().acceptAll();
                w.reports().radiologistProperty().set("Dr. A. Reader");
                w.reports().markPreliminary();
                w.theme().toggle();
            });
            FxDriver.settle(500);
            written.add(shot(w, out, "05-light-reviewed.png", log));

            FxDriver.run(() -> {
                w.sideTabs().getSelectionModel().select(1);
                w.tags().search().setText("Patient");
            });
            FxDriver.settle(500);
            written.add(shot(w, out, "06-tags.png", log));

            Dialog<ButtonType> help = FxDriver.call(w::showHelp);
            FxDriver.settle(500);
            written.add(write(FxDriver.call(() -> help.getDialogPane().getScene().snapshot(null)), out.resolve("07-help.png"), log));
            FxDriver.run(help::close);

            FxDriver.run(() -> {
                w.theme().toggle();
                w.sideTabs().getSelectionModel().select(0);
                w.draft().engineProperty().set(null);
                w.modelUnavailable(Path.of("assets/models/demo"), new RayScribeException("assets/models/demo: the demo model is missing"));
            });
            FxDriver.settle(500);
            written.add(shot(w, out, "08-no-model.png", log));
        } finally {
            FxDriver.run(w::close);
        }
        return written;
    }

    /** The character range of the first sentence (or the first 40 characters). */
    static int[] firstSentence(String text) {
        int start = 0;
        while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        int dot = text.indexOf('.', start);
        int end = dot > start ? dot + 1 : Math.min(text.length(), start + 40);
        return new int[] {start, end};
    }

    private static Path shot(MainWindow w, Path dir, String name, PrintStream log) {
        Path p = FxDriver.snapshot(w.scene(), dir.resolve(name));
        log.println("wrote " + p);
        return p;
    }

    private static Path write(WritableImage img, Path p, PrintStream log) throws IOException {
        Files.createDirectories(p.toAbsolutePath().getParent());
        ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", p.toFile());
        log.println("wrote " + p);
        return p;
    }
}
