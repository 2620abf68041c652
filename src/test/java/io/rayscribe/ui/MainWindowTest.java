package io.rayscribe.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import io.rayscribe.dicom.SrDocument;
import io.rayscribe.dicom.SrReader;
import io.rayscribe.dicom.Window;
import io.rayscribe.report.ReportStatus;
import io.rayscribe.report.Report;
import io.rayscribe.report.ReportStore;
import io.rayscribe.report.Section;
import io.rayscribe.testing.SharedData;
import javafx.application.Application;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.rayscribe.ui.UiTestSupport.fx;
import static io.rayscribe.ui.UiTestSupport.onFx;
import static io.rayscribe.ui.UiTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.*;

/** The workstation end to end, headless (Monocle): real DICOM, a real (random-weight) model, real exports. */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {
    @TempDir
    static Path reportsDir;
    private MainWindow w;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        w = new MainWindow(true, new ReportStore(reportsDir.resolve("reports")));
        w.show(stage);
    }

    @AfterEach
    void closeWindow() {
        fx(() -> stage.close());
    }

    private void openChest() {
        fx(() -> w.open(List.of(SharedData.resolve(UiTestSupport.CHEST))));
        waitFor(30, "the chest radiograph on screen", () -> w.viewerView().hasImage());
    }

    private void loadModel() throws Exception {
        Path bundle = UiTestSupport.randomBundle();
        int editorChildren = onFx(() -> w.editor().getChildrenUnmodifiable().size());
        Map<Section, String> before = new EnumMap<>(Section.class);
        for (Section s : Section.values()) {
            before.put(s, onFx(() -> w.reports().report().text(s)));
        }
        // the rehearsals before Draft is enabled style everything they build: no CSS lookup left unresolved
        List<String> cssWarnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger css = java.util.logging.Logger.getLogger("javafx.css");
        java.util.logging.Handler collect = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    cssWarnings.add(r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        css.addHandler(collect);
        try {
            fx(() -> w.loadModel(bundle));
            waitFor(120, "the model to load", () -> w.draft().engineProperty().get() != null);
        } finally {
            css.removeHandler(collect);
        }
        assertEquals(List.of(), cssWarnings, "CSS warnings while the model loaded");
        // the pre-draft rehearsal in the editor leaves nothing behind: no extra node, the report's text as it was
        assertEquals(editorChildren, onFx(() -> w.editor().getChildrenUnmodifiable().size()));
        for (Section s : Section.values()) {
            assertEquals(before.get(s), onFx(() -> w.reports().report().text(s)), s + " in the report");
            assertEquals(before.get(s), onFx(() -> w.editor().area(s).getText()), s + " area");
        }
    }

    @Test
    void opensAStudyDraftsStreamingStopsShowsAttentionAndExportsAnSr(FxRobot robot) throws Exception {
        openChest();
        assertTrue(onFx(() -> w.viewerView().cornerText(Pos.BOTTOM_RIGHT)).contains("W "), "window/level overlay");
        assertFalse(onFx(() -> w.viewerView().cornerText(Pos.TOP_LEFT)).isEmpty(), "patient overlay");
        loadModel();

        // the Report menu offers what the editor's buttons offer
        assertFalse(onFx(() -> reportMenuItem(robot, "Draft report").isDisable()));
        assertTrue(onFx(() -> reportMenuItem(robot, "Sign final").isDisable()), "nothing to sign yet");
        assertTrue(onFx(() -> reportMenuItem(robot, "Stop").isDisable()), "nothing to stop");

        // No AI text yet: the banner says so, muted, in the place it keeps during and after a draft.
        assertEquals(ReportEditorView.NO_AI_TEXT, onFx(() -> robot.lookup("#ai-banner-text").queryAs(Label.class).getText()));
        double findingsY = onFx(() -> findingsTop());
        // Draft with greedy decoding: the Findings text must grow in several steps while generation runs.
        List<Integer> lengthsWhileRunning = new ArrayList<>();
        List<Double> findingsYWhileRunning = new ArrayList<>();
        fx(() -> {
            w.draft().greedyProperty().set(true);
            w.draft().maxTokensProperty().set(96);
            w.editor().onSynced((s, text) -> {
                if (w.draft().runningProperty().get()) {
                    findingsYWhileRunning.add(findingsTop());
                    int len = w.editor().shownText(Section.FINDINGS).length() + w.editor().shownText(Section.IMPRESSION).length();
                    if (lengthsWhileRunning.isEmpty() || lengthsWhileRunning.get(lengthsWhileRunning.size() - 1) != len) {
                        lengthsWhileRunning.add(len);
                    }
                }
            });
        });
        robot.clickOn("#draft-button");
        waitFor(120, "the draft to finish", () -> !w.draft().runningProperty().get() && w.draft().tokensProperty().get() > 0);
        assertTrue(lengthsWhileRunning.stream().filter(l -> l > 0).count() >= 2,
                "text appeared in several steps before generation ended: " + lengthsWhileRunning + " tokens "
                        + w.draft().tokensProperty().get() + " stop " + w.draft().lastStopReasonProperty().get());
        String drafted = onFx(() -> w.reports().report().text(Section.FINDINGS) + w.reports().report().text(Section.IMPRESSION));
        assertFalse(drafted.isBlank());
        // when the draft ends, the streamed text is in the editor's areas, styled as AI text, with no preview left
        assertEquals(drafted, onFx(() -> w.editor().area(Section.FINDINGS).getText() + w.editor().area(Section.IMPRESSION).getText()));
        assertTrue(onFx(() -> w.editor().area(Section.FINDINGS).getStyleOfChar(0)).contains("ai-text"));
        assertFalse(robot.lookup("#findings-preview").query().isVisible());
        // the preview lays the text out exactly as the area then shows it, in the same font and colour: no jump
        // or restyle when the area takes over at the end of the draft
        fx(() -> assertPreviewDrawsLikeTheArea(Section.FINDINGS));
        assertTrue(onFx(() -> w.reports().report().hasUnreviewedAi()));
        assertTrue(robot.lookup("#ai-banner").query().isVisible(), "AI-draft banner shown");
        assertTrue(onFx(() -> robot.lookup("#ai-banner-text").queryAs(Label.class).getText()).startsWith("AI DRAFT — "));
        assertTrue(w.draft().firstTokenShownNanos() > 0);
        // nothing moved: not when the draft started (banner text), nor while it streamed, nor when it ended
        fx(() -> w.editor().layout());
        assertFalse(findingsYWhileRunning.isEmpty());
        for (double y : findingsYWhileRunning) {
            assertEquals(findingsY, y, 0.01, "Findings moved while the model wrote");
        }
        assertEquals(findingsY, onFx(() -> findingsTop()), 0.01, "Findings moved when the draft ended");

        // Stop: a long draft is stopped (Esc) as soon as its first tokens are shown; the partial text stays.
        fx(() -> {
            w.draft().maxTokensProperty().set(2000);
            w.draft().tokensProperty().addListener((o, a, n) -> {
                if (n.intValue() >= 3 && w.draft().runningProperty().get()) {
                    w.shortcuts().fire("Esc");
                }
            });
        });
        robot.clickOn("#regenerate-button");
        waitFor(60, "the stop", () -> w.draft().tokensProperty().get() >= 3 && !w.draft().runningProperty().get());
        assertEquals("cancelled", onFx(() -> w.draft().lastStopReasonProperty().get()));
        int stoppedAt = onFx(() -> w.draft().tokensProperty().get());
        assertTrue(stoppedAt < 2000, "stopped early at " + stoppedAt);
        assertFalse(onFx(() -> w.reports().report().text(Section.FINDINGS)).isEmpty(), "partial draft kept");

        // Attention: the whole draft vs a selected phrase give different maps and rankings.
        waitFor(10, "a heatmap", () -> w.attention().heatmapProperty().get() != null);
        float[] whole = onFx(() -> w.attention().heatmapProperty().get().values().clone());
        assertTrue(onFx(() -> w.viewerView().heatmapVisible()));
        int len = onFx(() -> w.editor().area(Section.FINDINGS).getLength());
        fx(() -> w.selectText(Section.FINDINGS, 0, Math.min(3, len)));
        waitFor(10, "the selection to reach the overlay", () -> w.attention().selectionProperty().get() != null);
        float[] phrase = onFx(() -> w.attention().heatmapProperty().get().values().clone());
        assertFalse(Arrays.equals(whole, phrase), "overlay changed with the selection");
        assertFalse(onFx(() -> w.attention().ranked().isEmpty()));
        double shareSum = onFx(() -> w.attention().ranked().stream().mapToDouble(AttentionViewModel.PromptShare::share).sum());
        assertEquals(1.0, shareSum, 1e-3);
        // a single layer and head also gives a (different or equal) valid map
        fx(() -> {
            w.attention().layerProperty().set(0);
            w.attention().headProperty().set(1);
        });
        assertNotNull(onFx(() -> w.attention().heatmapProperty().get()));
        robot.type(KeyCode.ESCAPE);
        fx(() -> w.viewerView().requestFocus());
        robot.type(KeyCode.O); // overlay off
        assertFalse(onFx(() -> w.viewerView().heatmapVisible()));

        // Theme: dark -> light switches the user-agent stylesheet and the looked-up colours.
        Paint darkBg = onFx(() -> ((Region) w.scene().getRoot()).getBackground() == null ? null
                : ((Region) w.scene().getRoot()).getBackground().getFills().get(0).getFill());
        assertEquals(new PrimerDark().getUserAgentStylesheet(), Application.getUserAgentStylesheet());
        robot.clickOn("#theme-button");
        assertEquals(new PrimerLight().getUserAgentStylesheet(), Application.getUserAgentStylesheet());
        waitFor(5, "the light background", () -> {
            var bg = ((Region) w.scene().getRoot()).getBackground();
            return bg != null && !bg.getFills().get(0).getFill().equals(darkBg)
                    && ((Color) bg.getFills().get(0).getFill()).getBrightness() > 0.8;
        });

        // Review, sign and export: SR read back with the model as device observer.
        double findingsYBeforeReview = onFx(this::findingsTop);
        fx(() -> w.reports().acceptAll());
        waitFor(5, "the banner's no-AI line", () -> ReportEditorView.NO_AI_TEXT.equals(robot.lookup("#ai-banner-text").queryAs(Label.class).getText()));
        fx(() -> w.editor().layout());
        assertEquals(findingsYBeforeReview, onFx(this::findingsTop), 0.01, "Findings moved when the AI text was accepted");
        fx(() -> {
            w.reports().radiologistProperty().set("Test^Radiologist");
            w.reports().markPreliminary();
            w.reports().signFinal();
        });
        assertEquals(ReportStatus.FINAL, onFx(() -> w.reports().report().status()));
        assertTrue(robot.lookup("#radiologist-field").query().isDisabled(), "the signer is fixed once signed");
        Path sr = reportsDir.resolve("out/report-sr.dcm");
        Files.createDirectories(sr.getParent());
        AtomicBoolean ok = new AtomicBoolean();
        fx(() -> w.export(ReportViewModel.ExportKind.SR, sr, ok::set));
        waitFor(30, "the SR export", ok::get);
        SrDocument back = SrReader.read(sr);
        String model = onFx(() -> w.draft().engineProperty().get().modelName());
        assertEquals(model, back.deviceObserverName());
        assertEquals(onFx(() -> w.reports().report().text(Section.FINDINGS)).strip(), back.findings());
        assertEquals(onFx(() -> w.reports().report().study().studyUid()), back.studyUid());
        assertEquals("Test^Radiologist", back.verifierName());
        assertTrue(back.aiStatus().startsWith("REVIEWED"), back.aiStatus());
        Path pdf = reportsDir.resolve("out/report.pdf");
        ok.set(false);
        fx(() -> w.export(ReportViewModel.ExportKind.PDF, pdf, ok::set));
        waitFor(30, "the PDF export", ok::get);
        assertTrue(Files.size(pdf) > 500);
    }

    @Test
    void viewerToolsAndShortcutsChangeTheViewButNotWhileTyping(FxRobot robot) throws Exception {
        openChest();
        fx(() -> w.viewerView().requestFocus());
        robot.type(KeyCode.R);
        assertEquals(90, w.viewer().rotationProperty().get());
        robot.type(KeyCode.H);
        robot.type(KeyCode.I);
        assertTrue(w.viewer().flipHProperty().get());
        assertTrue(w.viewer().invertProperty().get());
        String before = w.viewer().windowProperty().get().label();
        robot.type(KeyCode.DIGIT2);
        assertEquals("Lung", w.viewer().windowProperty().get().label(), "was " + before);
        assertEquals("Lung", onFx(() -> robot.lookup("#preset-combo").<javafx.scene.control.ComboBox<Window>>query()
                .getValue().label()), "the preset box shows the preset in use");
        robot.type(KeyCode.X);
        assertEquals(0, w.viewer().rotationProperty().get());
        // the image on screen is rendered for the view: zoomed out to half the fit, the frame sits in the
        // middle of the viewport with nothing drawn around it
        fx(() -> {
            w.viewerView().ensureExplicitZoom();
            w.viewer().zoomProperty().set(w.viewer().zoomProperty().get() / 2);
        });
        waitFor(10, "the half-size view on screen", () -> w.viewerView().showsCurrentView());
        int width = (int) (double) onFx(() -> w.viewerView().getWidth());
        int height = (int) (double) onFx(() -> w.viewerView().getHeight());
        assertEquals(0, onFx(() -> w.viewerView().shownPixel(3, 3)) >>> 24, "outside the frame");
        assertEquals(255, onFx(() -> w.viewerView().shownPixel(width / 2, height / 2)) >>> 24, "the frame's centre");
        robot.type(KeyCode.X);
        waitFor(10, "the reset view on screen", () -> w.viewerView().showsCurrentView());
        // right-drag changes window/level
        var start = w.viewer().windowProperty().get();
        robot.moveTo("#viewport").press(javafx.scene.input.MouseButton.SECONDARY).moveBy(60, 30)
                .release(javafx.scene.input.MouseButton.SECONDARY);
        var after = w.viewer().windowProperty().get();
        assertNotEquals(start.width(), after.width());
        assertTrue(onFx(() -> w.viewerView().cornerText(Pos.BOTTOM_RIGHT)).contains(String.format("W %.0f", after.width())));
        var presetBox = robot.lookup("#preset-combo").<javafx.scene.control.ComboBox<Window>>query();
        assertNull(onFx(presetBox::getValue), "a dragged window is no preset");
        assertEquals("Manual window", onFx(() -> presetBox.getButtonCell().getText()));
        // typing "r" in the report does not rotate the image
        robot.clickOn("#findings-area").write("r");
        assertEquals(0, w.viewer().rotationProperty().get());
        assertEquals("r", onFx(() -> w.reports().report().text(Section.FINDINGS)));
        // the tag browser lists and searches the header
        fx(() -> w.shortcuts().fire("Ctrl+T"));
        waitFor(10, "tags", () -> !w.tags().table().getItems().isEmpty());
        robot.clickOn("#tag-search").write("PatientName");
        waitFor(5, "the search for '" + onFx(() -> w.tags().search().getText()) + "' (" + onFx(() -> w.tags().table().getItems().size()) + " rows)", () -> w.tags().table().getItems().stream().allMatch(r ->
                (r.tag() + r.name() + r.value()).toLowerCase().contains("patientname")) && !w.tags().table().getItems().isEmpty());
        // help lists every shortcut
        var dialog = onFxUnchecked(() -> w.showHelp());
        assertEquals(w.shortcuts().all().size(), robot.lookup("#help-table").queryTableView().getItems().size());
        fx(dialog::close);
    }

    @Test
    void multiFrameImagesScrollAndPlayAsCine(FxRobot robot) throws Exception {
        fx(() -> w.open(List.of(SharedData.resolve("dicom/radiography/XA_multiframe96_jpeg_baseline.dcm"))));
        waitFor(60, "the cine image", () -> w.viewerView().hasImage() && w.viewer().frameCountProperty().get() == 96);
        var first = onFx(() -> w.viewer().frameProperty().get());
        // the preset box names the window in use, even one that is none of its presets
        String shownWindow = onFx(() -> robot.lookup("#preset-combo").<javafx.scene.control.ComboBox<Window>>query()
                .getButtonCell().getText());
        assertTrue(shownWindow.startsWith(onFx(() -> w.viewer().windowProperty().get().label())), shownWindow);
        fx(() -> w.viewerView().requestFocus());
        robot.type(KeyCode.PAGE_DOWN);
        waitFor(30, "frame 2", () -> w.viewer().frameIndexProperty().get() == 1 && w.viewer().frameProperty().get() != first
                && !w.viewer().loadingProperty().get());
        assertTrue(onFx(() -> w.viewerView().cornerText(Pos.BOTTOM_RIGHT)).contains("Frame 2/96"));
        robot.type(KeyCode.C); // cine on
        waitFor(30, "cine to advance", () -> w.viewer().frameIndexProperty().get() > 3);
        robot.type(KeyCode.C);
        assertFalse(onFx(() -> w.viewer().cineProperty().get()));
    }

    @Test
    void pagingThroughASeriesKeepsTheWindowAndFollowsInTheStudyTree(FxRobot robot) throws Exception {
        fx(() -> w.open(List.of(SharedData.resolve("dicom/dicomdir/DICOMDIR"))));
        waitFor(60, "the first CT image", () -> w.viewerView().hasImage() && !w.viewer().loadingProperty().get());
        var series = onFx(() -> w.viewer().seriesProperty().get());
        assertEquals(4, series.instances().size(), "the CT series of the DICOMDIR");
        assertSame(series.instances().get(0), onFx(() -> w.viewer().instanceProperty().get()));
        Window manual = new Window(60, 300, "Manual");
        fx(() -> w.viewer().windowProperty().set(manual));
        fx(() -> w.viewerView().requestFocus());
        robot.type(KeyCode.PAGE_DOWN);
        waitFor(30, "the second image", () -> w.viewer().instanceProperty().get() == series.instances().get(1)
                && !w.viewer().loadingProperty().get() && w.viewer().frameProperty().get() != null);
        assertEquals(manual, onFx(() -> w.viewer().windowProperty().get()), "window/level kept while paging");
        assertSame(series.instances().get(1), onFx(() -> w.browser().selectedInstance()), "the tree follows");
        assertTrue(onFx(() -> w.viewerView().cornerText(Pos.BOTTOM_LEFT)).contains("Im 180"));
        robot.type(KeyCode.PAGE_UP).type(KeyCode.PAGE_UP); // stops at the first image
        waitFor(30, "back to the first image", () -> w.viewer().instanceProperty().get() == series.instances().get(0)
                && !w.viewer().loadingProperty().get());
        assertEquals(manual, onFx(() -> w.viewer().windowProperty().get()));
    }

    @Test
    void colourImagesShowInColour() throws Exception {
        fx(() -> w.open(List.of(SharedData.resolve("dicom/us/US_rgb_explicitLE.dcm"))));
        waitFor(60, "the colour image on screen", () -> w.viewerView().showsCurrentView());
        assertTrue(onFx(() -> w.viewerView().cornerText(Pos.BOTTOM_RIGHT)).contains("RGB"));
        // somewhere in the middle of an ultrasound with colour annotations, some pixel is not grey
        int width = (int) (double) onFx(() -> w.viewerView().getWidth());
        int height = (int) (double) onFx(() -> w.viewerView().getHeight());
        boolean coloured = false;
        for (int y = height / 4; y < 3 * height / 4 && !coloured; y += 3) {
            for (int x = width / 4; x < 3 * width / 4 && !coloured; x += 3) {
                int px = shownPixel(x, y);
                int r = (px >> 16) & 0xff;
                int g = (px >> 8) & 0xff;
                int b = px & 0xff;
                coloured = Math.abs(r - g) > 20 || Math.abs(g - b) > 20;
            }
        }
        assertTrue(coloured, "a colour pixel on screen");
    }

    /**
     * Shows the area's text in the section's streaming preview, which covers the area while a draft streams,
     * and checks that it is drawn exactly as the area draws it: the same font, colour and pixels.
     */
    private void assertPreviewDrawsLikeTheArea(Section s) {
        var area = w.editor().area(s);
        var preview = w.editor().preview(s);
        var cover = preview.getParent();
        var stack = area.getParent();
        area.setShowCaret(org.fxmisc.richtext.Caret.CaretVisibility.OFF);
        try {
            int[] withArea = pixels(stack.snapshot(null, null));
            preview.setText(area.getText());
            cover.setVisible(true);
            stack.getParent().layout();
            var areaText = (javafx.scene.text.Text) area.lookup(".ai-text");
            assertEquals(areaText.getFont(), preview.getFont(), "font");
            assertEquals(areaText.getFill(), preview.getFill(), "colour");
            int[] withPreview = pixels(stack.snapshot(null, null));
            int differing = 0;
            for (int i = 0; i < withArea.length; i++) {
                differing += withArea[i] != withPreview[i] ? 1 : 0;
            }
            assertTrue(differing <= withArea.length / 1000, differing + " of " + withArea.length + " pixels differ");
        } finally {
            cover.setVisible(false);
            preview.setText("");
            area.setShowCaret(org.fxmisc.richtext.Caret.CaretVisibility.AUTO);
        }
    }

    /**
     * Opens {@code study} (one no other test here drafts or signs: the report store is shared by the tests of
     * this class), loads the model and drafts up to {@code maxTokens}; once the model has written text, runs
     * {@code action} on the FX thread, once. Returns the report being drafted.
     */
    /** Where the Findings area's top edge is in the scene (what moves when something above it changes size). */
    private double findingsTop() {
        return w.editor().area(Section.FINDINGS).localToScene(0, 0).getY();
    }

    private Report draftAndOnceTextIsWritten(String study, int maxTokens, Runnable action) throws Exception {
        fx(() -> w.open(List.of(SharedData.resolve(study))));
        waitFor(30, "the study on screen", () -> w.viewerView().hasImage());
        loadModel();
        assertTrue(onFx(() -> w.draft().canDraft()), "a fresh draft report");
        Report drafted = onFx(() -> w.reports().report());
        AtomicBoolean done = new AtomicBoolean();
        fx(() -> {
            w.draft().maxTokensProperty().set(maxTokens);
            w.draft().tokensProperty().addListener((o, a, n) -> {
                boolean wroteText = !(drafted.text(Section.FINDINGS) + drafted.text(Section.IMPRESSION)).isBlank();
                if (wroteText && w.draft().runningProperty().get() && !done.getAndSet(true)) {
                    action.run();
                }
            });
            w.draftReport();
        });
        waitFor(60, "text from the model", done::get);
        return drafted;
    }

    private static javafx.scene.control.MenuItem reportMenuItem(FxRobot robot, String startsWith) {
        javafx.scene.control.MenuBar bar = robot.lookup("#menu-bar").query();
        return bar.getMenus().stream().filter(m -> m.getText().equals("Report")).findFirst().orElseThrow()
                .getItems().stream().filter(i -> i.getText() != null && i.getText().startsWith(startsWith))
                .findFirst().orElseThrow();
    }

    private static int[] pixels(javafx.scene.image.WritableImage img) {
        int w = (int) img.getWidth();
        int h = (int) img.getHeight();
        int[] px = new int[w * h];
        img.getPixelReader().getPixels(0, 0, w, h, javafx.scene.image.PixelFormat.getIntArgbInstance(), px, 0, w);
        return px;
    }

    private int shownPixel(int x, int y) throws Exception {
        return onFx(() -> w.viewerView().shownPixel(x, y));
    }

    @Test
    void badFilesAreListedAndAMissingModelKeepsTheViewerWorking(FxRobot robot) throws Exception {
        Path dir = reportsDir.resolve("mixed");
        Files.createDirectories(dir);
        Files.copy(SharedData.resolve(UiTestSupport.CHEST), dir.resolve("chest.dcm"));
        Files.writeString(dir.resolve("broken.dcm"), "DICM? not really");
        fx(() -> w.open(List.of(dir)));
        waitFor(30, "the good image", () -> w.viewerView().hasImage());
        waitFor(5, "the load error list", () -> !w.main().loadErrors().isEmpty());
        assertTrue(onFx(() -> w.main().loadErrors().get(0).file().toString()).endsWith("broken.dcm"));
        assertTrue(robot.lookup("#load-error-pane").query().isVisible());
        // a long title or file name must not widen the viewport column (it moved the split pane's dividers)
        assertTrue(onFx(() -> robot.lookup("#load-error-pane").query().minWidth(-1)) < 100);

        Path missing = reportsDir.resolve("no-such-model");
        fx(() -> w.loadModel(missing));
        waitFor(30, "the model error", () -> !w.draft().errorProperty().get().isEmpty());
        assertTrue(onFx(() -> w.draft().errorProperty().get()).contains(missing.toString()));
        assertTrue(robot.lookup("#draft-button").queryButton().isDisabled());
        fx(() -> w.viewerView().requestFocus());
        robot.type(KeyCode.R);
        assertEquals(90, w.viewer().rotationProperty().get(), "viewer still works");
    }

    @Test
    void openingAnotherStudyWhileDraftingStopsTheDraftAndKeepsItInItsOwnReport() throws Exception {
        Report drafted = draftAndOnceTextIsWritten("dicom/radiography/DX_chest_PA_canon_j2k_lossless.dcm", 2000,
                () -> w.open(List.of(SharedData.resolve("dicom/radiography/DX_chest_NIH_cxr14_implicitLE_8bit.dcm"))));
        String firstStudy = onFx(() -> drafted.study().studyUid());
        waitFor(60, "the other study's report", () -> !w.reports().report().study().studyUid().equals(firstStudy));
        waitFor(30, "the draft to stop", () -> !w.draft().runningProperty().get());
        assertTrue(onFx(() -> w.draft().tokensProperty().get()) < 2000, "stopped early");
        assertTrue(onFx(() -> w.draft().errorProperty().get()).contains("another study was opened"));
        Thread.sleep(300); // any late model events for the stopped draft would arrive by now
        for (Section s : Section.values()) {
            assertEquals("", onFx(() -> w.reports().report().text(s)), s + " of the newly opened study stays empty");
        }
        assertFalse(onFx(() -> w.reports().report().hasAiContent()));
        Report first = new ReportStore(reportsDir.resolve("reports")).load(firstStudy).orElseThrow();
        String kept = onFx(() -> drafted.text(Section.FINDINGS) + drafted.text(Section.IMPRESSION));
        assertFalse(kept.isBlank(), "the partial draft stays in the report it was drafted for");
        assertEquals(kept, first.text(Section.FINDINGS) + first.text(Section.IMPRESSION), "and is saved with that study");
        assertTrue(first.hasUnreviewedAi());
    }

    @Test
    void loadingAnotherModelWhileDraftingStopsTheOldDraftAndDraftsWithTheNewModel() throws Exception {
        Path bundle = UiTestSupport.randomBundle();
        var engine = new java.util.concurrent.atomic.AtomicReference<DraftEngine>();
        draftAndOnceTextIsWritten("dicom/radiography/OT_chest_signed16.dcm", 100_000, () -> {
            engine.set(w.draft().engineProperty().get());
            w.loadModel(bundle);
        });
        var first = engine.get();
        waitFor(120, "the new model", () -> w.draft().engineProperty().get() != first);
        waitFor(60, "the old model's draft to end", () -> !w.draft().runningProperty().get());
        assertEquals("cancelled", onFx(() -> w.draft().lastStopReasonProperty().get()));
        assertTrue(onFx(() -> w.draft().tokensProperty().get()) < 100_000, "stopped early");
        // and the new model drafts
        fx(() -> w.draft().maxTokensProperty().set(24));
        fx(() -> w.draftReport());
        waitFor(60, "a draft with the new model", () -> !w.draft().runningProperty().get()
                && "max_tokens".equals(w.draft().lastStopReasonProperty().get()));
        assertEquals(24, onFx(() -> w.draft().tokensProperty().get()));
    }

    @Test
    void closingTheWindowWhileDraftingSavesEverythingTheModelWrote() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        Report drafted = draftAndOnceTextIsWritten("dicom/radiography/CR_extremity_RG3_j2k_lossless_MONO1.dcm", 100_000,
                () -> {
                    w.close();
                    closed.set(true);
                });
        waitFor(60, "the window to close mid-draft", () -> closed.get() && !w.draft().runningProperty().get());
        String kept = onFx(() -> drafted.text(Section.FINDINGS) + drafted.text(Section.IMPRESSION));
        Report saved = new ReportStore(reportsDir.resolve("reports")).load(drafted.study().studyUid()).orElseThrow();
        assertEquals(kept, saved.text(Section.FINDINGS) + saved.text(Section.IMPRESSION));
        assertTrue(saved.hasUnreviewedAi(), "saved as unreviewed AI text");
    }

    @Test
    void draftingAnImageThatCannotBeDecodedNamesTheFileAndTheReason() throws Exception {
        Path jpegLs = SharedData.resolve("dicom/radiography/CR_chest_PA_RG1_jpegls_nearlossless.dcm");
        fx(() -> w.open(List.of(jpegLs)));
        waitFor(30, "the decode error in the viewer", () -> !w.viewer().errorProperty().get().isEmpty());
        loadModel();
        fx(() -> w.draftReport());
        String error = onFx(() -> w.draft().errorProperty().get());
        assertTrue(error.startsWith("No image to draft from: the current image could not be shown"), error);
        assertTrue(error.contains("CR_chest_PA_RG1_jpegls_nearlossless.dcm") && error.contains("JPEG-LS"), error);
        assertFalse(onFx(() -> w.draft().runningProperty().get()));
    }

    @Test
    void aReportIsAutosavedAndRestoredWhenTheStudyIsOpenedAgain() throws Exception {
        ReportStore store = new ReportStore(reportsDir.resolve("autosave"));
        MainWindow first = onFx(() -> new MainWindow(false, store));
        fx(() -> first.open(List.of(SharedData.resolve(UiTestSupport.CHEST))));
        waitFor(30, "the report", () -> first.reports().report() != null);
        fx(() -> first.reports().userEdit(Section.IMPRESSION, 0, 0, "No acute findings."));
        fx(first::close); // flushes the autosave
        MainWindow second = onFx(() -> new MainWindow(false, store));
        fx(() -> second.open(List.of(SharedData.resolve(UiTestSupport.CHEST))));
        waitFor(30, "the restored report", () -> second.reports().report() != null);
        assertEquals("No acute findings.", onFx(() -> second.reports().report().text(Section.IMPRESSION)));
        assertEquals("No acute findings.", onFx(() -> second.editor().area(Section.IMPRESSION).getText()));
        String restored = onFx(() -> second.reports().messageProperty().get());
        assertTrue(restored.matches("Restored the saved report \\(last saved \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} \\S+\\)"),
                "local time to the minute: " + restored);
        fx(second::close);
    }

    private static <T> T onFxUnchecked(java.util.concurrent.Callable<T> c) {
        try {
            return onFx(c);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
