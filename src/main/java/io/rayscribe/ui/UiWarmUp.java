package io.rayscribe.ui;

import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.dicom.Frame;
import io.rayscribe.dicom.Window;
import io.rayscribe.model.AttentionMaps;
import io.rayscribe.model.PromptRegion;
import io.rayscribe.model.TokenAttention;
import io.rayscribe.report.AiSpan;
import io.rayscribe.report.DraftRouter;
import io.rayscribe.report.Report;
import io.rayscribe.report.Section;
import io.rayscribe.report.StudyInfo;
import javafx.animation.AnimationTimer;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.fxmisc.richtext.StyleClassedTextArea;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Pays the UI's first-use costs of a draft before the first Draft instead of during its first streamed
 * frames: class loading, lambda and string-concatenation linkage, the JSON adapters of the autosave
 * snapshot, skins, and the first JIT tiers. {@link #run} exercises the plain-Java part off the UI thread;
 * {@link #rehearseViews} then streams AI-styled text into an editor area and fills a ranked prompt list in a
 * scene that is never shown, on the UI thread (JavaFX text layout is not thread-safe: its caches are shared
 * with the window) but one small step per frame, so no step is a stall of its own. Works on scratch objects
 * only: nothing it touches is shown or saved.
 */
final class UiWarmUp {
    private static volatile boolean done;
    /** {layers, heads} of the latest practice draft's attention (null before one captured attention). */
    private static volatile int[] practiceShape;

    private UiWarmUp() {
    }

    /** Computes the overlay's map and ranking from a rehearsal draft's attention, as the attention worker will. */
    static void attention(List<TokenAttention> attention, List<PromptRegion> regions) {
        if (attention.isEmpty() || attention.get(0) == null) {
            return;
        }
        practiceShape = new int[] {attention.get(0).layers(), attention.get(0).heads()};
        int[] grid = grid(attention.get(0).numPrompts());
        int rows = grid[0];
        int cols = grid[1];
        for (int to = 1; to <= attention.size(); to += Math.max(1, attention.size() / 4)) {
            float[] map = AttentionMaps.heatmap(attention, 0, to, -1, -1, true, false, rows, cols);
            new Heatmap(map, rows, cols).levels();
        }
        AttentionMaps.heatmap(attention, 0, 1, 0, 0, false, false, rows, cols);
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
        Heatmap h = sampleHeatmap(regions.size());
        composeOverlay(h);
        float[] values = h.values();
        for (int i = 0; i < regions.size(); i++) {
            new AttentionViewModel.PromptShare(i, values[i], regions.get(i)).label();
        }
    }

    /**
     * Composes a made-up frame with this overlay a few times, as the viewport's renderer thread will for the
     * first draft's overlay, so that code is compiled before then.
     */
    private static void composeOverlay(Heatmap h) {
        int side = 512;
        byte[] grey = new byte[side * side];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = (byte) (i * 31);
        }
        ViewportCompositor.Source source = new ViewportCompositor.Source(new DisplayImage(side, side, grey, null));
        ViewportCompositor compositor = new ViewportCompositor();
        ViewportCompositor.HeatLayer heat = ViewportCompositor.HeatLayer.of(h, 0.5);
        for (int round = 0; round < 20; round++) {
            ViewTransform view = ViewTransform.place(300, 300, side, side, 0.55 + round * 0.001, 0, 0, 0, false, false);
            compositor.compose(source, false, view, 300, 300, heat);
        }
    }

    /**
     * Re-windows and composes {@code frame} (the grey image on screen; null or colour: nothing) as a W/L drag
     * does, at a shrunken view (windowed straight to half size) and at 1:1, so the renderer's code is compiled
     * before the first drag instead of during it. Off the FX thread; ~0.1 s of CPU.
     */
    static void windowLevel(Frame frame) {
        if (frame == null || frame.isColor() || !Boolean.parseBoolean(System.getProperty("rayscribe.ui.warmWindowLevel", "true"))) {
            return;
        }
        Window base = frame.defaultWindow();
        ViewportCompositor compositor = new ViewportCompositor();
        ViewportCompositor.Source source = new ViewportCompositor.Source(frame, base);
        int side = 256;
        for (int round = 0; round < 40; round++) {
            source.rewindow(new Window(base.center() + round, base.width() + 2 * round, "warm-up"));
            double scale = round % 2 == 0 ? 0.3 * side / Math.max(frame.width(), frame.height()) : 1;
            ViewTransform view = ViewTransform.place(side, side, frame.width(), frame.height(), scale, 0, 0, 0, false, false);
            compositor.compose(source, false, view, side, side, null);
        }
    }

    /** The prompt grid {rows, cols} for {@code n} prompts: square when {@code n} is a square, else one row. */
    private static int[] grid(int n) {
        int side = (int) Math.round(Math.sqrt(n));
        return side * side == n ? new int[] {side, side} : new int[] {1, n};
    }

    /** A heatmap of made-up values over {@code n} prompts (at least one), to warm up what computes and draws one. */
    private static Heatmap sampleHeatmap(int n) {
        int count = Math.max(1, n);
        int[] grid = grid(count);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (i % 7) / 7f;
        }
        return new Heatmap(values, grid[0], grid[1]);
    }

    /** The attention shape {layers, heads} the latest loaded model's practice draft captured, or null. */
    static int[] practiceShape() {
        return practiceShape;
    }

    private static boolean rehearsed;

    /**
     * FX thread: runs the rehearsal one step per pulse, then {@code then} (also when a step fails: the
     * rehearsal is only a head start, the real views work the same without it). Runs once per JVM.
     */
    static void rehearseViews(List<PromptRegion> regions, Runnable then) {
        if (rehearsed) {
            then.run();
            return;
        }
        rehearsed = true;
        onePerFrame(new ArrayList<>(rehearsal(regions)), then);
    }

    /**
     * FX thread: runs one step per pulse, then {@code then}. A step that fails ends the steps early and
     * {@code then} still runs: a rehearsal is only a head start.
     */
    static void onePerFrame(List<Runnable> steps, Runnable then) {
        new AnimationTimer() {
            private int next;

            @Override
            public void handle(long now) {
                try {
                    steps.get(next++).run();
                } catch (RuntimeException e) {
                    next = steps.size();
                }
                if (next >= steps.size()) {
                    stop();
                    then.run();
                }
            }
        }.start();
    }

    /** The steps: build the scene, stream text in chunks, fill and re-rank the prompt list, restyle, finish. */
    private static List<Runnable> rehearsal(List<PromptRegion> regions) {
        StyleClassedTextArea area = new StyleClassedTextArea();
        area.getStyleClass().add("report-area");
        area.setWrapText(true);
        area.setPrefSize(420, 220);
        ListView<AttentionViewModel.PromptShare> list = new ListView<>();
        list.setId("prompt-list");
        list.setCellFactory(c -> new AttentionPanelView.PromptCell(new SimpleObjectProperty<>()));
        list.setPrefSize(300, 300);
        ProgressBar progress = new ProgressBar(0);
        progress.setVisible(false);
        Button stop = new Button("Stop");
        stop.setDisable(true);
        Label bannerText = new Label();
        bannerText.setWrapText(true);
        HBox banner = new HBox(bannerText, new Button("Accept selection"), new Button("Accept all"));
        banner.getStyleClass().add("ai-banner"); // always shown, like the editor's (it keeps its place)
        bannerText.setText(ReportEditorView.NO_AI_TEXT);
        VBox root = new VBox(8, new HBox(8, stop, progress), banner, new Label("Findings"), area, list);
        root.getStyleClass().add("report-editor");
        List<AttentionViewModel.PromptShare> shares = new ArrayList<>();
        for (int i = 0; i < regions.size(); i++) {
            shares.add(new AttentionViewModel.PromptShare(i, (i % 7) / 7.0 / regions.size(), regions.get(i)));
        }
        Runnable relayout = () -> {
            root.applyCss();
            root.layout();
        };
        List<Runnable> steps = new ArrayList<>();
        steps.add(() -> {
            Scene scene = new Scene(root, 480, 640);
            scene.getStylesheets().add(ThemeManager.APP_CSS);
            relayout.run();
        });
        steps.add(() -> {
            progress.setVisible(true);
            stop.setDisable(false);
            relayout.run();
        });
        String[] chunks = {"The lungs are clear. ", "No pleural effusion ", "or pneumothorax. ", "Heart size is normal. "};
        for (int i = 0; i < chunks.length; i++) {
            String chunk = chunks[i];
            double done = (i + 1) / (double) chunks.length;
            int passages = i + 1;
            steps.add(() -> {
                area.append(chunk, "ai-text");
                progress.setProgress(done);
                bannerText.setText(ReportEditorView.passagesText(passages));
                relayout.run();
            });
        }
        steps.add(() -> {
            list.getItems().setAll(shares);
            relayout.run();
        });
        steps.add(() -> {
            List<AttentionViewModel.PromptShare> reranked = new ArrayList<>(shares);
            Collections.reverse(reranked);
            list.getItems().setAll(reranked);
            relayout.run();
        });
        steps.add(() -> {
            progress.setVisible(false);
            stop.setDisable(true);
            // the end-of-draft restyle, as the editor does it: AI spans and reviewed text in one change
            int len = area.getLength();
            ReportEditorView.restyle(area, List.of(new AiSpan(Section.FINDINGS, 0, len / 3, 0, 1),
                    new AiSpan(Section.FINDINGS, 2 * len / 3, len, 2, 3)));
            relayout.run();
        });
        return steps;
    }

}
