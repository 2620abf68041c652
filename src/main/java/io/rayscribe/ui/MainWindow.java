package io.rayscribe.ui;

import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.Frame;
import io.rayscribe.dicom.LoadError;
import io.rayscribe.dicom.Window;
import io.rayscribe.report.Report;
import io.rayscribe.report.ReportStore;
import io.rayscribe.report.Section;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Slider;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Dragboard;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The workstation window: study browser (+ attention panel and tag browser) | viewport | report
 * editor, with menus, a viewer toolbar, drag-and-drop, keyboard shortcuts and a status bar.
 * It wires the view-models together; each view only talks to its view-model.
 */
public final class MainWindow implements AutoCloseable {
    private final UiTaskExecutor executor = new UiTaskExecutor(2);
    private final ThemeManager theme;
    private final ReportViewModel reports;
    private final ViewerViewModel viewer;
    private final MainViewModel main;
    private final DraftViewModel draft;
    private final AttentionViewModel attention;
    private final ViewerView viewerView;
    private final ReportEditorView editor;
    private final StudyBrowserView browser;
    private final TagBrowserView tags;
    private final AttentionPanelView attentionPanel;
    private final Shortcuts shortcuts = new Shortcuts();
    private final Scene scene;
    private final ComboBox<Window> presets = new ComboBox<>();
    private final TabPane sideTabs = new TabPane();
    private Stage stage;

    public MainWindow(boolean dark, ReportStore store) {
        theme = new ThemeManager(dark);
        reports = new ReportViewModel(store);
        viewer = new ViewerViewModel(executor);
        main = new MainViewModel(executor, viewer, reports);
        draft = new DraftViewModel(reports);
        main.setBeforeStudyChange(() -> draft.stopAndKeep(
                "Drafting stopped because another study was opened; the partial draft is kept in its own report."));
        attention = new AttentionViewModel(draft);
        viewerView = new ViewerView(viewer);
        browser = new StudyBrowserView(main, executor);
        viewer.instanceProperty().addListener((o, a, inst) -> browser.reveal(inst));
        tags = new TagBrowserView(viewer.instanceProperty(), executor);
        attentionPanel = new AttentionPanelView(attention);
        editor = new ReportEditorView(reports, draft, this::tokensSelected, this::draftReport, this::exportWithChooser);
        wireAttention();
        registerShortcuts();

        BorderPane root = new BorderPane();
        root.setTop(new VBox(menuBar(), viewerToolbar()));
        Tab attTab = new Tab("Attention", padded(attentionPanel));
        attTab.setId("attention-tab");
        Tab tagTab = new Tab("Tags", padded(tags));
        tagTab.setId("tags-tab");
        tags.activeProperty().bind(tagTab.selectedProperty());
        sideTabs.getTabs().addAll(attTab, tagTab);
        sideTabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        SplitPane left = new SplitPane(padded(browser), sideTabs);
        left.setOrientation(Orientation.VERTICAL);
        left.setDividerPositions(0.45);
        VBox center = new VBox(loadErrorPane(), viewerView);
        VBox.setVgrow(viewerView, Priority.ALWAYS);
        javafx.scene.control.ScrollPane editorScroll = new javafx.scene.control.ScrollPane(editor);
        editorScroll.setFitToWidth(true);
        editorScroll.setFitToHeight(true);
        uncacheViewport(editorScroll);
        SplitPane split = new SplitPane(left, center, editorScroll);
        split.setDividerPositions(0.25, 0.65);
        SplitPane.setResizableWithParent(left, false);
        root.setCenter(split);
        root.setBottom(new StatusBarView(main, draft));
        var screen = javafx.stage.Screen.getPrimary().getVisualBounds();
        scene = new Scene(root, Math.min(1500, screen.getWidth()), Math.min(920, screen.getHeight()));
        scene.getStylesheets().add(ThemeManager.APP_CSS);
        RepaintGuard.install(scene);
        shortcuts.install(scene);
        installDragAndDrop(root);
        viewer.frameProperty().addListener((o, a, f) -> presets.getItems().setAll(viewer.presets()));
        viewer.windowProperty().addListener((o, a, w) -> {
            if (w != null && presets.getItems().contains(w)) {
                if (presets.getValue() != w) {
                    presets.setValue(w);
                }
            } else {
                if (presets.getValue() != null) {
                    presets.setValue(null); // a dragged window is no preset: the box must not claim one
                }
                presets.getButtonCell().setText(notAPreset(w));
            }
        });
    }

    /**
     * A ScrollPane's skin caches its viewport as one bitmap. The editor changes in every frame of a streamed
     * draft, so with software rendering the render thread redrew the whole editor column into that bitmap each
     * frame (10-17 ms a frame, median, against 3-4 ms for the changed lines alone), and the UI thread's next
     * frame waited for it.
     */
    private static void uncacheViewport(javafx.scene.control.ScrollPane pane) {
        pane.skinProperty().addListener((o, a, skin) -> {
            Node viewport = pane.lookup(".viewport");
            if (viewport != null) {
                viewport.setCache(false);
            }
        });
    }

    private static Node padded(Node n) {
        VBox box = new VBox(n);
        box.setPadding(new Insets(6));
        VBox.setVgrow(n, Priority.ALWAYS);
        return box;
    }

    // ---- wiring ----

    private void wireAttention() {
        attention.heatmapProperty().addListener((o, a, h) -> viewerView.setHeatmap(h, attention.opacityProperty().get()));
        attention.opacityProperty().addListener((o, a, v) -> viewerView.setHeatmapOpacity(v.doubleValue()));
        attention.hoveredProperty().addListener((o, a, r) -> viewerView.setOutlines(r == null ? List.of() : List.of(r)));
        draft.engineProperty().addListener((o, a, e) -> attention.regionsProperty().set(e == null ? List.of() : e.regions()));
        viewer.frameProperty().addListener((o, a, f) -> {
            if (f != null) {
                main.imageShown();
            }
        });
    }

    /** A selection or hovered character in the editor became a token range. */
    private void tokensSelected(int[] range) {
        if (range == null) {
            return;
        }
        attention.select(range, range[1] - range[0] == 1 ? "token " + range[0] : "tokens " + range[0] + "–" + (range[1] - 1));
    }

    /** Draft / Regenerate: the model image is rendered off the FX thread, then drafting starts. */
    public void draftReport() {
        if (!draft.canDraft() || viewer.frameProperty().get() == null) {
            if (viewer.frameProperty().get() == null) {
                draft.errorProperty().set(noImageReason(viewer.errorProperty().get()));
            }
            return;
        }
        attention.select(null, null);
        var frame = viewer.frameProperty().get();
        draftRequestedNanos = System.nanoTime();
        executor.execute(BackgroundTask.of("model image", frame::render)
                .onSuccess(img -> draft.draft(() -> img))
                .onFailure(e -> draft.errorProperty().set("Cannot prepare the image for the model: " + e.getMessage())));
    }

    private long draftRequestedNanos;

    /** Worker thread: the frame on screen, read on the FX thread; null if it does not answer within a second. */
    private Frame frameOnScreen() {
        CompletableFuture<Frame> shown = new CompletableFuture<>();
        Platform.runLater(() -> shown.complete(viewer.frameProperty().get()));
        try {
            return shown.get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    /** Why there is nothing to draft from: no study yet, or the current image failed to load (named). */
    static String noImageReason(String viewerError) {
        return viewerError == null || viewerError.isBlank()
                ? "No image to draft from: open a study first"
                : "No image to draft from: the current image could not be shown (" + viewerError + ")";
    }

    /** Loads a model bundle in the background; when it fails the viewer keeps working without drafting. */
    public void loadModel(Path dir) {
        main.statusProperty().set("Loading model " + dir + " (load and warm-up) …");
        draft.modelStatusProperty().set("loading " + dir.getFileName() + " …");
        int[][] shape = new int[1][];
        executor.execute(BackgroundTask.of("model", () -> {
                    DraftEngine e = ModelService.load(dir);
                    shape[0] = UiWarmUp.practiceShape();
                    UiWarmUp.run(e.regions()); // the plain-Java side of a draft, pre-run off the FX thread
                    UiWarmUp.windowLevel(frameOnScreen()); // the study opened with the model is decoded by now
                    return e;
                })
                .onSuccess(e -> UiWarmUp.rehearseViews(e.regions(), () -> attentionPanel.prepareRows(e.regions(), () -> editor.rehearseStreaming(() -> {
                    if (shape[0] != null) {
                        attention.knownShape(shape[0][0], shape[0][1]);
                    }
                    DraftEngine old = draft.engineProperty().get();
                    draft.engineProperty().set(e);
                    if (old != null) {
                        // Closing cancels a draft the old model may still be writing and waits for its worker to
                        // stop: a token step of a large model, so never on the FX thread. The draft ends as a stop.
                        executor.execute(BackgroundTask.of("close model", () -> {
                            old.close();
                            return old;
                        }));
                    }
                    main.statusProperty().set("Model ready: " + e.modelName() + " on " + e.device());
                }))))
                .onFailure(e -> modelUnavailable(dir, e)));
    }

    public void modelUnavailable(Path dir, Throwable e) {
        String why = e instanceof RayScribeException ? e.getMessage() : e.toString();
        draft.modelStatusProperty().set("none (drafting off)");
        draft.errorProperty().set("No drafting model: " + why + ". The viewer works; drafting is off until a model bundle is loaded (Report ▸ Load model…).");
        main.statusProperty().set("Model not loaded: " + why);
    }

    public void open(List<Path> paths) {
        main.open(paths);
    }

    // ---- export ----

    private void exportWithChooser(ReportViewModel.ExportKind kind) {
        Report r = reports.report();
        if (r == null) {
            return;
        }
        FileChooser fc = new FileChooser();
        fc.setTitle("Export report");
        fc.setInitialFileName(ReportViewModel.suggestedFileName(r, kind));
        fc.setInitialDirectory(Folders.start(Folders.EXPORT));
        File f = fc.showSaveDialog(stage);
        if (f != null) {
            Folders.remember(Folders.EXPORT, f.toPath().getParent());
            export(kind, f.toPath(), ok -> { });
        }
    }

    /** Exports a snapshot of the report in the background; {@code done} gets true on success. */
    public void export(ReportViewModel.ExportKind kind, Path out, Consumer<Boolean> done) {
        Report snapshot = Report.fromJson(reports.report().toJson());
        executor.execute(BackgroundTask.of("export", () -> {
                    ReportViewModel.export(snapshot, kind, out);
                    return out;
                })
                .onSuccess(p -> {
                    reports.messageProperty().set("Exported " + p);
                    done.accept(true);
                })
                .onFailure(e -> {
                    reports.messageProperty().set("Export failed: " + e.getMessage());
                    done.accept(false);
                }));
    }

    // ---- menus, toolbar, shortcuts ----

    private MenuBar menuBar() {
        Menu file = new Menu("File");
        file.getItems().addAll(
                item("Open file(s)…  (Ctrl+O)", this::openFilesDialog),
                item("Open folder…  (Ctrl+Shift+O)", this::openFolderDialog),
                item("Open DICOMDIR…", this::openDicomdirDialog),
                new SeparatorMenuItem(),
                like("#export-button", item("Export plain text…", () -> exportWithChooser(ReportViewModel.ExportKind.TEXT))),
                like("#export-button", item("Export PDF…  (Ctrl+P)", () -> exportWithChooser(ReportViewModel.ExportKind.PDF))),
                like("#export-button", item("Export DICOM SR…  (Ctrl+Shift+S)", () -> exportWithChooser(ReportViewModel.ExportKind.SR))),
                new SeparatorMenuItem(),
                item("Quit  (Ctrl+Q)", this::quit));
        Menu view = new Menu("View");
        view.getItems().addAll(
                item("Fit  (F)", viewer::fitToWindow), item("Actual size 1:1  (A)", viewer::actualSize),
                item("Invert  (I)", () -> viewer.invertProperty().set(!viewer.invertProperty().get())),
                item("Rotate right  (R)", () -> viewer.rotate(90)), item("Rotate left  (Shift+R)", () -> viewer.rotate(-90)),
                item("Flip horizontal  (H)", () -> viewer.flipHProperty().set(!viewer.flipHProperty().get())),
                item("Flip vertical  (V)", () -> viewer.flipVProperty().set(!viewer.flipVProperty().get())),
                item("Reset view  (X)", viewer::resetView),
                new SeparatorMenuItem(),
                item("Attention overlay on/off  (O)", () -> attention.visibleProperty().set(!attention.visibleProperty().get())),
                item("Tag browser  (Ctrl+T)", this::showTags),
                item("Light / dark theme  (Ctrl+L)", theme::toggle));
        Menu report = new Menu("Report");
        report.getItems().addAll(
                like("#draft-button", item("Draft report  (Ctrl+D)", this::draftReport)),
                like("#stop-button", item("Stop  (Esc)", draft::stop)),
                like("#regenerate-button", item("Regenerate  (Ctrl+Shift+D)", this::draftReport)),
                like("#accept-selection", item("Accept selected AI text  (Ctrl+Enter)", editor::acceptSelection)),
                like("#accept-all", item("Accept all AI text  (Ctrl+Shift+Enter)", reports::acceptAll)),
                like("#preliminary-button", item("Mark preliminary", reports::markPreliminary)),
                like("#sign-button", item("Sign final", reports::signFinal)),
                new SeparatorMenuItem(),
                item("Load model…", this::loadModelDialog));
        Menu help = new Menu("Help");
        help.getItems().addAll(item("Keyboard shortcuts  (F1)", this::showHelp));
        MenuBar bar = new MenuBar(file, view, report, help);
        bar.setId("menu-bar");
        return bar;
    }

    private static MenuItem item(String text, Runnable action) {
        MenuItem m = new MenuItem(text);
        m.setOnAction(e -> action.run());
        return m;
    }

    /** The menu item is enabled exactly when the editor's button with {@code buttonId} is. */
    private MenuItem like(String buttonId, MenuItem item) {
        Node button = editor.lookup(buttonId);
        if (button != null) {
            item.disableProperty().bind(button.disableProperty());
        }
        return item;
    }

    private ToolBar viewerToolbar() {
        presets.setId("preset-combo");
        presets.setPromptText("Window preset");
        presets.setCellFactory(c -> windowCell());
        presets.setButtonCell(new ListCell<>() {
            @Override
            protected void updateItem(Window w, boolean empty) {
                super.updateItem(w, empty);
                setText(w != null ? windowText(w) : notAPreset(viewer.windowProperty().get()));
            }
        });
        presets.setOnAction(e -> {
            if (presets.getValue() != null && presets.getValue() != viewer.windowProperty().get()) {
                viewer.windowProperty().set(presets.getValue());
            }
        });
        ToggleButton invert = new ToggleButton("Invert");
        invert.selectedProperty().bindBidirectional(viewer.invertProperty());
        ToggleButton cine = new ToggleButton("Cine");
        cine.setId("cine-toggle");
        cine.selectedProperty().bindBidirectional(viewer.cineProperty());
        cine.disableProperty().bind(viewer.frameCountProperty().lessThan(2));
        Slider frames = new Slider(0, 1, 0);
        frames.setId("frame-slider");
        frames.setPrefWidth(140);
        frames.maxProperty().bind(Bindings.max(1, viewer.frameCountProperty().subtract(1)));
        frames.disableProperty().bind(viewer.frameCountProperty().lessThan(2));
        frames.valueProperty().addListener((o, a, v) -> viewer.frameIndexProperty().set((int) Math.round(v.doubleValue())));
        viewer.frameIndexProperty().addListener((o, a, v) -> frames.setValue(v.intValue()));
        ToggleButton overlay = new ToggleButton("Attention");
        overlay.setId("overlay-toggle");
        overlay.selectedProperty().bindBidirectional(attention.visibleProperty());
        Button themeButton = new Button();
        themeButton.setId("theme-button");
        themeButton.textProperty().bind(Bindings.when(theme.darkProperty()).then("Light theme").otherwise("Dark theme"));
        themeButton.setOnAction(e -> theme.toggle());
        ToolBar tb = new ToolBar(presets, button("Fit", viewer::fitToWindow, "Fit to window (F)"),
                button("1:1", viewer::actualSize, "Actual size (A)"), invert,
                button("⟳", () -> viewer.rotate(90), "Rotate right (R)"),
                button("⇋", () -> viewer.flipHProperty().set(!viewer.flipHProperty().get()), "Flip horizontal (H)"),
                button("⇵", () -> viewer.flipVProperty().set(!viewer.flipVProperty().get()), "Flip vertical (V)"),
                button("Reset", viewer::resetView, "Reset view (X)"), cine, frames, overlay, themeButton,
                button("?", this::showHelp, "Keyboard shortcuts (F1)"));
        tb.setId("viewer-toolbar");
        return tb;
    }

    private static ListCell<Window> windowCell() {
        return new ListCell<>() {
            @Override
            protected void updateItem(Window w, boolean empty) {
                super.updateItem(w, empty);
                setText(empty || w == null ? null : windowText(w));
            }
        };
    }

    /**
     * The preset box's text for a window that is none of its presets: "Manual window" after a drag, else the
     * window's own name (e.g. a histogram window chosen at load). No numbers: the text, and so the toolbar's
     * layout, must not change with every step of a drag (the corner overlay shows them).
     */
    private static String notAPreset(Window w) {
        if (w == null) {
            return "Window preset";
        }
        return w.label() == null || w.label().isEmpty() || w.label().equals(ViewerViewModel.MANUAL) ? "Manual window" : w.label();
    }

    private static String windowText(Window w) {
        return String.format("%s  (W %.0f / L %.0f)", w.label() == null || w.label().isEmpty() ? "File" : w.label(),
                w.width(), w.center());
    }

    private static Button button(String text, Runnable action, String tip) {
        Button b = new Button(text);
        b.setOnAction(e -> action.run());
        b.setTooltip(new Tooltip(tip));
        b.setFocusTraversable(false);
        return b;
    }

    private void registerShortcuts() {
        Shortcuts s = shortcuts;
        s.add("Ctrl+O", "Files", "Open file(s) or a DICOMDIR", this::openFilesDialog);
        s.add("Ctrl+Shift+O", "Files", "Open a folder", this::openFolderDialog);
        s.add("Ctrl+P", "Files", "Export the report as PDF", () -> exportWithChooser(ReportViewModel.ExportKind.PDF));
        s.add("Ctrl+Shift+S", "Files", "Export the report as DICOM SR", () -> exportWithChooser(ReportViewModel.ExportKind.SR));
        s.add("Ctrl+Shift+T", "Files", "Export the report as plain text", () -> exportWithChooser(ReportViewModel.ExportKind.TEXT));
        s.add("Ctrl+S", "Files", "Save the report now (it also autosaves)", reports::flush);
        s.add("Ctrl+Q", "Files", "Quit", this::quit);
        s.add("Ctrl+D", "Report", "Draft report", this::draftReport);
        s.add("Ctrl+Shift+D", "Report", "Regenerate the draft", this::draftReport);
        s.add("Esc", "Report", "Stop generation (keeps the text so far)", draft::stop);
        s.add("Ctrl+Enter", "Report", "Accept the selected AI-drafted text", editor::acceptSelection);
        s.add("Ctrl+Shift+Enter", "Report", "Accept all AI-drafted text", reports::acceptAll);
        s.add("1", "Window/level", "File window", () -> viewer.applyPreset("file"));
        s.add("2", "Window/level", "Lung preset", () -> viewer.applyPreset("lung"));
        s.add("3", "Window/level", "Mediastinum preset", () -> viewer.applyPreset("mediastinum"));
        s.add("4", "Window/level", "Bone preset", () -> viewer.applyPreset("bone"));
        s.add("0", "Window/level", "Auto window (histogram)", () -> viewer.applyPreset("auto"));
        s.add("I", "Window/level", "Invert", () -> viewer.invertProperty().set(!viewer.invertProperty().get()));
        s.add("F", "View", "Fit to window", viewer::fitToWindow);
        s.add("A", "View", "Actual size (1:1)", viewer::actualSize);
        s.add("Equals", "View", "Zoom in", () -> { viewerView.ensureExplicitZoom(); viewer.zoomBy(1.25); });
        s.add("Minus", "View", "Zoom out", () -> { viewerView.ensureExplicitZoom(); viewer.zoomBy(0.8); });
        s.add("R", "View", "Rotate right 90°", () -> viewer.rotate(90));
        s.add("Shift+R", "View", "Rotate left 90°", () -> viewer.rotate(-90));
        s.add("H", "View", "Flip horizontal", () -> viewer.flipHProperty().set(!viewer.flipHProperty().get()));
        s.add("V", "View", "Flip vertical", () -> viewer.flipVProperty().set(!viewer.flipVProperty().get()));
        s.add("X", "View", "Reset view", viewer::resetView);
        s.add("Left", "View", "Pan left", () -> viewer.pan(-40, 0));
        s.add("Right", "View", "Pan right", () -> viewer.pan(40, 0));
        s.add("Page_Down", "Frames", "Next frame, or next image of the series", () -> viewer.step(1));
        s.add("Page_Up", "Frames", "Previous frame, or previous image of the series", () -> viewer.step(-1));
        s.add("Down", "Frames", "Next frame, or next image of the series", () -> viewer.step(1));
        s.add("Up", "Frames", "Previous frame, or previous image of the series", () -> viewer.step(-1));
        s.add("C", "Frames", "Cine on/off", () -> viewer.cineProperty().set(!viewer.cineProperty().get()));
        s.add("O", "Attention", "Attention overlay on/off", () -> attention.visibleProperty().set(!attention.visibleProperty().get()));
        s.add("M", "Attention", "Mask attention sinks on/off", () -> attention.maskSinksProperty().set(!attention.maskSinksProperty().get()));
        s.add("W", "Attention", "Whole draft (clear the token selection)", () -> attention.select(null, null));
        s.add("Ctrl+T", "Panels", "Tag browser (search)", this::showTags);
        s.add("Ctrl+L", "Panels", "Light / dark theme", theme::toggle);
        s.add("F1", "Panels", "This help", this::showHelp);
    }

    private void showTags() {
        sideTabs.getSelectionModel().select(1);
        tags.search().requestFocus();
    }

    /** The keyboard shortcuts dialog (non-modal). */
    public Dialog<ButtonType> showHelp() {
        TableView<Shortcuts.Shortcut> table = new TableView<>();
        table.setId("help-table");
        table.getItems().setAll(shortcuts.all());
        TableColumn<Shortcuts.Shortcut, String> keys = new TableColumn<>("Keys");
        keys.setCellValueFactory(d -> new javafx.beans.property.ReadOnlyStringWrapper(d.getValue().keys().getDisplayText()));
        keys.setPrefWidth(150);
        TableColumn<Shortcuts.Shortcut, String> group = new TableColumn<>("Area");
        group.setCellValueFactory(d -> new javafx.beans.property.ReadOnlyStringWrapper(d.getValue().group()));
        group.setPrefWidth(110);
        TableColumn<Shortcuts.Shortcut, String> what = new TableColumn<>("Action");
        what.setCellValueFactory(d -> new javafx.beans.property.ReadOnlyStringWrapper(d.getValue().description()));
        what.setPrefWidth(330);
        table.getColumns().setAll(List.of(keys, group, what));
        table.setPrefSize(620, 520);
        Label mouse = new Label("Mouse: right-drag = window/level · left-drag = pan · wheel = zoom · double-click = fit · "
                + "select text or hover a word in the draft = its attention on the image. Single-key shortcuts work "
                + "when the focus is not in the report text.");
        mouse.setWrapText(true);
        mouse.setMaxWidth(620);
        Dialog<ButtonType> d = new Dialog<>();
        d.setTitle("Keyboard shortcuts");
        d.getDialogPane().setContent(new VBox(8, table, mouse));
        d.getDialogPane().getButtonTypes().add(ButtonType.CLOSE);
        d.getDialogPane().getStylesheets().add(ThemeManager.APP_CSS);
        if (stage != null) {
            d.initOwner(stage);
        }
        d.initModality(javafx.stage.Modality.NONE);
        d.show();
        return d;
    }

    private Node loadErrorPane() {
        ListView<LoadError> list = new ListView<>(main.loadErrors());
        list.setId("load-errors");
        list.setPrefHeight(110);
        list.setMinWidth(0);
        list.setCellFactory(c -> new ListCell<>() {
            {
                setWrapText(true); // the whole reason on screen, however narrow the viewport column
                setPrefWidth(0);
            }

            @Override
            protected void updateItem(LoadError e, boolean empty) {
                super.updateItem(e, empty);
                setText(empty || e == null ? null : e.file() + ": " + e.message());
            }
        });
        TitledPane pane = new TitledPane("", list);
        pane.setId("load-error-pane");
        pane.setMinWidth(0); // a long title or file name must not push the split pane's dividers
        pane.setAnimated(false);
        pane.setExpanded(false);
        pane.getStyleClass().add("error-banner");
        pane.visibleProperty().bind(Bindings.isNotEmpty(main.loadErrors()));
        pane.managedProperty().bind(pane.visibleProperty());
        main.loadErrors().addListener((ListChangeListener<LoadError>) c -> {
            pane.setText(main.loadErrors().size() + " file(s) could not be read — the rest of the study is open (click for details)");
            pane.setExpanded(!main.loadErrors().isEmpty() && main.patients().isEmpty());
        });
        return pane;
    }

    private void installDragAndDrop(Node target) {
        target.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
            }
            e.consume();
        });
        target.setOnDragDropped(e -> {
            Dragboard db = e.getDragboard();
            boolean ok = db.hasFiles();
            if (ok) {
                List<Path> paths = new ArrayList<>();
                for (File f : db.getFiles()) {
                    paths.add(f.toPath());
                }
                open(paths);
            }
            e.setDropCompleted(ok);
            e.consume();
        });
    }

    private void openFilesDialog() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open DICOM file(s) or DICOMDIR");
        fc.setInitialDirectory(Folders.start(Folders.OPEN));
        List<File> files = fc.showOpenMultipleDialog(stage);
        if (files != null && !files.isEmpty()) {
            Folders.remember(Folders.OPEN, files.get(0).toPath().getParent());
            open(files.stream().map(File::toPath).toList());
        }
    }

    private void openDicomdirDialog() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open DICOMDIR");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("DICOMDIR", "DICOMDIR", "dicomdir"));
        fc.setInitialDirectory(Folders.start(Folders.OPEN));
        File f = fc.showOpenDialog(stage);
        if (f != null) {
            Folders.remember(Folders.OPEN, f.toPath().getParent());
            open(List.of(f.toPath()));
        }
    }

    private void openFolderDialog() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Open a folder of DICOM files");
        dc.setInitialDirectory(Folders.start(Folders.OPEN));
        File f = dc.showDialog(stage);
        if (f != null) {
            Folders.remember(Folders.OPEN, f.toPath().getParent());
            open(List.of(f.toPath()));
        }
    }

    private void loadModelDialog() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Load a model bundle folder");
        dc.setInitialDirectory(Folders.start(Folders.MODEL));
        File f = dc.showDialog(stage);
        if (f != null) {
            Folders.remember(Folders.MODEL, f.toPath().getParent());
            loadModel(f.toPath());
        }
    }

    private void quit() {
        if (stage != null) {
            stage.close();
        }
    }

    public void show(Stage stage) {
        this.stage = stage;
        stage.setTitle("RayScribe — AI drafts are labelled until a radiologist accepts them");
        stage.setScene(scene);
        stage.setOnHidden(e -> close());
        stage.show();
    }

    @Override
    public void close() {
        draft.stopAndKeep(null); // first, so the report saved below holds everything the model wrote
        reports.close();
        viewerView.renderer().close();
        executor.close();
    }

    // ---- accessors for tests, screenshots and the benchmark ----

    public Scene scene() {
        return scene;
    }

    public ThemeManager theme() {
        return theme;
    }

    public ReportViewModel reports() {
        return reports;
    }

    public ViewerViewModel viewer() {
        return viewer;
    }

    public MainViewModel main() {
        return main;
    }

    public DraftViewModel draft() {
        return draft;
    }

    public AttentionViewModel attention() {
        return attention;
    }

    public ViewerView viewerView() {
        return viewerView;
    }

    public ReportEditorView editor() {
        return editor;
    }

    public TagBrowserView tags() {
        return tags;
    }

    public AttentionPanelView attentionPanel() {
        return attentionPanel;
    }

    public Shortcuts shortcuts() {
        return shortcuts;
    }

    public UiTaskExecutor executor() {
        return executor;
    }

    public StudyBrowserView browser() {
        return browser;
    }

    public TabPane sideTabs() {
        return sideTabs;
    }

    public long draftRequestedNanos() {
        return draftRequestedNanos;
    }

    /** Selects characters of a section in the editor (as a user would) — tests and screenshots. */
    public void selectText(Section s, int start, int end) {
        editor.area(s).requestFocus();
        editor.area(s).selectRange(start, end);
    }

    static HBox row(Node... nodes) {
        HBox h = new HBox(8, nodes);
        h.setAlignment(Pos.CENTER_LEFT);
        return h;
    }
}
