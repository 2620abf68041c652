package io.rayscribe.ui;

import io.rayscribe.model.PromptRegion;
import io.rayscribe.report.DraftRouter;
import io.rayscribe.report.Report;
import io.rayscribe.report.Section;
import io.rayscribe.report.StudyInfo;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.fxmisc.richtext.StyleClassedTextArea;
import org.fxmisc.richtext.model.StyleSpansBuilder;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Runs, once and off the UI thread, the plain-Java code the UI thread executes while a draft streams,
 * so its first-use costs (class loading, lambda and string-concatenation linkage, the JSON adapters of
 * the autosave snapshot, the first JIT tiers) are paid before the first Draft instead of stalling the
 * first streamed frames. Works only on scratch objects: nothing it touches is shown.
 */
final class UiWarmUp {
    private static volatile boolean done;

    private UiWarmUp() {
    }

    /** Any thread but the FX thread; cheap after the first call. */
    static void run(List<PromptRegion> regions) {
        if (done) {
            return;
        }
        done = true;
        String sample = "FINDINGS: The lungs are clear. No pleural effusion or pneumothorax. Heart size is normal.\n"
                + "IMPRESSION: No acute cardiopulmonary abnormality.";
        for (int round = 0; round < 3; round++) {
            Report scratch = new Report(new StudyInfo("", "", "", "", "1.2.3", "", "", "", "", "", List.of()));
            scratch.startGeneration("warm-up", "cpu");
            DraftRouter router = new DraftRouter();
            int token = 0;
            for (String piece : sample.split("(?<= )")) {
                for (DraftRouter.Piece p : router.feed(token++, piece)) {
                    scratch.appendGenerated(p.section(), p.text(), p.token());
                }
            }
            for (DraftRouter.Piece p : router.finish()) {
                scratch.appendGenerated(p.section(), p.text(), p.token());
            }
            scratch.aiSpans(Section.FINDINGS);
            scratch.tokensIn(Section.FINDINGS, 0, 5);
            Report.fromJson(scratch.toJson());
            Format.fixed(123.456 + round, 1);
        }
        int n = Math.max(1, regions.size());
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (i % 7) / 7f;
        }
        int side = (int) Math.round(Math.sqrt(n));
        Heatmap h = side * side == n ? new Heatmap(values, side, side) : new Heatmap(values, 1, n);
        new WritableImage(new PixelBuffer<>(h.overlayWidth(), h.overlayHeight(), IntBuffer.wrap(h.overlayPixels()),
                PixelFormat.getIntArgbPreInstance()));
        List<AttentionViewModel.PromptShare> shares = new ArrayList<>();
        for (int i = 0; i < regions.size(); i++) {
            shares.add(new AttentionViewModel.PromptShare(i, values[i], regions.get(i)));
            shares.get(i).label();
        }
        try {
            rehearseViews(sample, shares);
        } catch (RuntimeException e) {
            // Only a head start: the real views work the same without it.
        }
    }

    /**
     * Builds, styles and lays out an editor area streaming AI-styled text and a ranked prompt list in a scene
     * of their own that is never shown (JavaFX allows building and modifying a scene off the FX thread while
     * it is not in a showing window): the skins, CSS matching, text layout and RichTextFX paragraph code
     * they load and compile are those the window's editor and attention panel run during the first draft.
     */
    private static void rehearseViews(String sample, List<AttentionViewModel.PromptShare> shares) {
        StyleClassedTextArea area = new StyleClassedTextArea();
        area.getStyleClass().add("report-area");
        area.setWrapText(true);
        area.setPrefSize(420, 220);
        ListView<AttentionViewModel.PromptShare> list = new ListView<>();
        list.setCellFactory(c -> new AttentionPanelView.PromptCell(new SimpleObjectProperty<>()));
        list.setPrefSize(300, 300);
        list.setId("prompt-list");
        ProgressBar progress = new ProgressBar(0);
        progress.setVisible(false);
        Button stop = new Button("Stop");
        stop.setDisable(true);
        VBox root = new VBox(8, new HBox(8, stop, progress), new Label("Findings"), area, list);
        root.getStyleClass().add("report-editor");
        Scene scene = new Scene(root, 480, 640);
        scene.getStylesheets().add(ThemeManager.APP_CSS);
        root.applyCss();
        root.layout();
        progress.setVisible(true);
        stop.setDisable(false);
        String[] pieces = sample.split("(?<= )");
        for (int i = 0; i < pieces.length; i += 4) {
            StringBuilder chunk = new StringBuilder();
            for (int j = i; j < Math.min(pieces.length, i + 4); j++) {
                chunk.append(pieces[j]);
            }
            area.append(chunk.toString(), "ai-text");
            progress.setProgress(i / (double) pieces.length);
            if (i == 8) {
                list.getItems().setAll(shares);
            }
            root.applyCss();
            root.layout();
        }
        progress.setVisible(false);
        stop.setDisable(true);
        area.setStyleSpans(0, new StyleSpansBuilder<Collection<String>>().add(List.of(), area.getLength()).create());
        List<AttentionViewModel.PromptShare> reranked = new ArrayList<>(shares);
        java.util.Collections.reverse(reranked);
        list.getItems().setAll(reranked);
        root.applyCss();
        root.layout();
    }
}
