package io.rayscribe.ui;

import atlantafx.base.theme.Styles;
import io.rayscribe.report.AiSpan;
import io.rayscribe.report.Report;
import io.rayscribe.report.Section;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.IndexRange;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import org.fxmisc.richtext.StyleClassedTextArea;
import org.fxmisc.richtext.event.MouseOverTextEvent;
import org.fxmisc.richtext.model.StyleSpans;
import org.fxmisc.richtext.model.StyleSpansBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The report editor: draft controls with progress and settings, the AI-draft banner, the Findings
 * and Impression text (model-written text styled as an AI draft until reviewed), status actions
 * and export. Text selection and hover are reported as token ranges for the attention overlay.
 */
public final class ReportEditorView extends VBox {
    private final ReportViewModel vm;
    private final DraftViewModel draft;
    private final Map<Section, StyleClassedTextArea> areas = new EnumMap<>(Section.class);
    private final Button draftButton = new Button("Draft report");
    private final Button stopButton = new Button("Stop");
    private final Button regenerateButton = new Button("Regenerate");
    private final Label tokensLabel = new Label();
    /**
     * While the model streams, each section is covered by a preview drawn exactly like the area (same
     * background, border, insets, font and AI style) that shows the section's text as it grows; the area
     * takes the whole text in one step when the draft ends. RichTextFX builds a new paragraph cell for every
     * change of a paragraph: appending to the area in every frame cost 4-7 ms of layout per frame (median;
     * p90 9-13 ms), the preview about 1 ms; and the area is not cleared at the draft's start. The area is
     * read-only while the model writes, and the cover keeps the mouse off its old text.
     */
    private final Map<Section, Text> previews = new EnumMap<>(Section.class);
    private final Set<Section> covered = EnumSet.noneOf(Section.class);
    static final boolean STREAM_PREVIEW = !"false".equals(System.getProperty("rayscribe.ui.streamPreview"));
    private final Label aiBannerText = new Label();
    private final HBox aiBanner = new HBox();
    /** The banner's look when the report has no AI text awaiting review. */
    private static final javafx.css.PseudoClass NO_AI = javafx.css.PseudoClass.getPseudoClass("no-ai");
    static final String NO_AI_TEXT = "No AI text awaiting review in this report.";
    /** The longest banner text: the banner is always as tall as this needs (see {@link #aiBanner()}). */
    private static final String LONGEST_BANNER = passagesText(999);
    private boolean syncing;
    private boolean syncPending;
    private final List<BiConsumer<Section, String>> syncListeners = new java.util.ArrayList<>();
    private Section focusedSection = Section.FINDINGS;

    /**
     * @param onTokens   called with the generated-token range {from, toExclusive} of a selection or
     *                   hovered character (null when none)
     * @param onDraft    the Draft / Regenerate action
     * @param onExport   export in a format
     */
    public ReportEditorView(ReportViewModel vm, DraftViewModel draft, Consumer<int[]> onTokens, Runnable onDraft,
                            Consumer<ReportViewModel.ExportKind> onExport) {
        this.vm = vm;
        this.draft = draft;
        getStyleClass().add("report-editor");
        setSpacing(8);
        setPadding(new Insets(8));

        getChildren().add(draftBar(onDraft));
        getChildren().add(settingsPane());
        getChildren().add(errorBanner());
        getChildren().add(aiBanner());
        for (Section s : Section.values()) {
            Label title = new Label(s.title());
            title.getStyleClass().add("section-title");
            StyleClassedTextArea area = new StyleClassedTextArea();
            area.setId(s.name().toLowerCase() + "-area");
            area.getStyleClass().add("report-area");
            area.setWrapText(true);
            area.setPrefHeight(s == Section.FINDINGS ? 220 : 110);
            area.setMinHeight(70);
            VBox.setVgrow(area, s == Section.FINDINGS ? Priority.ALWAYS : Priority.SOMETIMES);
            area.plainTextChanges().subscribe(ch -> {
                if (!syncing && vm.report() != null) {
                    vm.userEdit(s, ch.getPosition(), ch.getPosition() + ch.getRemoved().length(), ch.getInserted());
                }
            });
            area.selectionProperty().addListener((o, a, sel) -> {
                focusedSection = s;
                if (sel.getLength() > 0 && vm.report() != null) {
                    onTokens.accept(vm.report().tokensIn(s, sel.getStart(), sel.getEnd()));
                }
            });
            area.focusedProperty().addListener((o, a, f) -> {
                if (f) {
                    focusedSection = s;
                }
            });
            area.setMouseOverTextDelay(Duration.ofMillis(120));
            area.addEventHandler(MouseOverTextEvent.MOUSE_OVER_TEXT_BEGIN, e -> {
                if (vm.report() != null && area.getSelection().getLength() == 0) {
                    onTokens.accept(vm.report().tokensIn(s, e.getCharacterIndex(), e.getCharacterIndex()));
                }
            });
            area.editableProperty().bind(vm.editableProperty());
            areas.put(s, area);
            getChildren().addAll(title, withPreview(s, area));
        }
        getChildren().add(statusBar(onExport));
        Label message = new Label();
        message.setId("report-message");
        message.setWrapText(true);
        message.getStyleClass().add("muted");
        message.textProperty().bind(vm.messageProperty());
        getChildren().add(message);

        // Many report changes per frame (one per streamed token) cost one sync on the next pulse.
        vm.revisionProperty().addListener((o, a, b) -> requestSync());
        vm.reportProperty().addListener((o, a, b) -> requestSync());
        // Start and end of a draft: synced on the next pulse. (Handing the text over at once, inside the frame
        // that takes the model's last event, was tried: the first draft's FX work per frame rose from 10-16 to
        // 17-33 ms.)
        draft.runningProperty().addListener((o, a, b) -> requestSync());
        sync();
    }

    /** The area in a clipped stack with its streaming preview on top (same insets, font and AI style). */
    private StackPane withPreview(Section s, StyleClassedTextArea area) {
        TextFlow flow = newCover();
        flow.setId(s.name().toLowerCase() + "-preview");
        previews.put(s, (Text) flow.getChildren().get(0));
        StackPane stack = new StackPane(area, flow);
        StackPane.setAlignment(flow, Pos.TOP_LEFT);
        Rectangle clip = new Rectangle();
        clip.widthProperty().bind(stack.widthProperty());
        clip.heightProperty().bind(stack.heightProperty());
        stack.setClip(clip);
        VBox.setVgrow(stack, VBox.getVgrow(area));
        return stack;
    }

    /** A hidden streaming cover: one AI-styled Text in a flow drawn like a report area. */
    private static TextFlow newCover() {
        Text preview = new Text();
        preview.getStyleClass().addAll("text", "ai-text");
        TextFlow flow = new TextFlow(preview);
        flow.getStyleClass().addAll("report-area", "stream-preview");
        flow.setMinSize(0, 0);
        flow.setVisible(false);
        return flow;
    }

    private VBox draftBar(Runnable onDraft) {
        draftButton.setId("draft-button");
        draftButton.getStyleClass().add(Styles.ACCENT);
        draftButton.setOnAction(e -> onDraft.run());
        draftButton.setTooltip(new Tooltip("Draft the report with the local model (Ctrl+D)"));
        stopButton.setId("stop-button");
        stopButton.setOnAction(e -> draft.stop());
        stopButton.setTooltip(new Tooltip("Stop generation, keeping the text so far (Esc)"));
        stopButton.disableProperty().bind(draft.runningProperty().not());
        regenerateButton.setId("regenerate-button");
        regenerateButton.setOnAction(e -> onDraft.run());
        regenerateButton.setTooltip(new Tooltip("Replace the draft with a new one (Ctrl+Shift+D)"));
        draftButton.disableProperty().bind(draft.runningProperty().or(draft.engineProperty().isNull())
                .or(vm.editableProperty().not()));
        regenerateButton.disableProperty().bind(draftButton.disableProperty());
        ProgressBar progress = new ProgressBar(0);
        progress.setId("draft-progress");
        progress.setPrefWidth(110);
        progress.progressProperty().bind(Bindings.createDoubleBinding(
                () -> draft.maxTokensProperty().get() <= 0 ? 0 : Math.min(1, draft.tokensProperty().get() / (double) draft.maxTokensProperty().get()),
                draft.tokensProperty(), draft.maxTokensProperty()));
        progress.visibleProperty().bind(draft.runningProperty());
        tokensLabel.setId("tokens-label");
        tokensLabel.getStyleClass().add("muted");
        // Never empty: an empty label is a different height, and every change of it moved the whole editor column.
        tokensLabel.textProperty().bind(Bindings.createStringBinding(() -> draft.tokensProperty().get() == 0
                        ? (draft.runningProperty().get() ? "Drafting…" : "No draft tokens yet")
                        : draft.tokensProperty().get() + " tokens · " + Format.fixed(draft.tokensPerSecondProperty().get(), 1) + " tok/s"
                        + (draft.runningProperty().get() || draft.lastStopReasonProperty().get().isEmpty() ? "" : " · " + draft.lastStopReasonProperty().get()),
                draft.tokensProperty(), draft.tokensPerSecondProperty(), draft.runningProperty(), draft.lastStopReasonProperty()));
        for (Button b : List.of(draftButton, stopButton, regenerateButton)) {
            b.setMinWidth(Region.USE_PREF_SIZE);
        }
        HBox bar = new HBox(8, draftButton, stopButton, regenerateButton, progress);
        bar.setAlignment(Pos.CENTER_LEFT);
        return new VBox(4, bar, tokensLabel);
    }

    private Region settingsPane() {
        CheckBox greedy = new CheckBox("Greedy (deterministic)");
        greedy.setId("greedy-check");
        greedy.selectedProperty().bindBidirectional(draft.greedyProperty());
        Slider temp = new Slider(0.1, 1.5, draft.temperatureProperty().get());
        temp.valueProperty().bindBidirectional(draft.temperatureProperty());
        temp.disableProperty().bind(draft.greedyProperty());
        Label tempValue = new Label();
        tempValue.textProperty().bind(draft.temperatureProperty().asString("%.2f"));
        Slider topP = new Slider(0.1, 1.0, draft.topPProperty().get());
        topP.valueProperty().bindBidirectional(draft.topPProperty());
        topP.disableProperty().bind(draft.greedyProperty());
        Label topPValue = new Label();
        topPValue.textProperty().bind(draft.topPProperty().asString("%.2f"));
        Spinner<Integer> max = new Spinner<>(8, 1024, draft.maxTokensProperty().get(), 16);
        max.setEditable(true);
        max.setPrefWidth(90);
        max.valueProperty().addListener((o, a, b) -> draft.maxTokensProperty().set(b));
        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(4);
        g.addRow(0, greedy);
        g.addRow(1, new Label("Temperature"), temp, tempValue);
        g.addRow(2, new Label("Top-p"), topP, topPValue);
        g.addRow(3, new Label("Max tokens"), max);
        javafx.scene.control.TitledPane pane = new javafx.scene.control.TitledPane("Generation settings", g);
        pane.setId("settings-pane");
        pane.setExpanded(false);
        pane.setAnimated(false);
        return pane;
    }

    private Region errorBanner() {
        Label l = new Label();
        l.setId("draft-error");
        l.setWrapText(true);
        l.textProperty().bind(draft.errorProperty());
        HBox box = new HBox(l);
        box.getStyleClass().add("error-banner");
        box.visibleProperty().bind(draft.errorProperty().isNotEmpty());
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    /**
     * The AI-draft banner: it names the AI text awaiting review and offers to accept it. It keeps its place and its
     * height when there is none (a muted "no AI text" line), as tall as its longest text needs at the current
     * width: a banner appearing when a draft starts, re-wrapping when it ends and going when the last passage is
     * accepted moved the Findings and Impression areas each time, under the radiologist's eyes.
     */
    private Region aiBanner() {
        aiBannerText.setId("ai-banner-text");
        aiBannerText.setWrapText(true);
        aiBannerText.setMaxWidth(Double.MAX_VALUE);
        Label sizer = new Label(LONGEST_BANNER); // never shown: holds the banner's height
        sizer.getStyleClass().add("ai-banner-sizer");
        sizer.setWrapText(true);
        sizer.setMaxWidth(Double.MAX_VALUE);
        sizer.setVisible(false);
        StackPane text = new StackPane(sizer, aiBannerText);
        text.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(text, Priority.ALWAYS);
        Button acceptSel = new Button("Accept selection");
        acceptSel.setId("accept-selection");
        acceptSel.setOnAction(e -> acceptSelection());
        Button acceptAll = new Button("Accept all");
        acceptAll.setId("accept-all");
        acceptAll.setOnAction(e -> vm.acceptAll());
        acceptAll.disableProperty().bind(draft.runningProperty());
        acceptSel.disableProperty().bind(draft.runningProperty());
        acceptSel.setMinWidth(Region.USE_PREF_SIZE);
        acceptAll.setMinWidth(Region.USE_PREF_SIZE);
        var aiText = vm.unreviewedAiProperty().or(draft.runningProperty());
        acceptSel.visibleProperty().bind(aiText);
        acceptAll.visibleProperty().bind(aiText);
        aiBanner.getChildren().setAll(text, acceptSel, acceptAll);
        aiBanner.setId("ai-banner");
        aiBanner.setAlignment(Pos.CENTER_LEFT);
        aiBanner.getStyleClass().add("ai-banner");
        aiBannerText.setText(NO_AI_TEXT);
        aiBanner.pseudoClassStateChanged(NO_AI, true);
        return aiBanner;
    }

    static String passagesText(long passages) {
        return "AI DRAFT — " + passages + " passage" + (passages == 1 ? "" : "s")
                + " written by the model and not yet reviewed. Edit or accept them before signing.";
    }

    /** Accepts the AI spans touched by the selection (or under the caret) of the focused section. */
    public void acceptSelection() {
        StyleClassedTextArea area = areas.get(focusedSection);
        IndexRange sel = area.getSelection();
        int start = sel.getLength() > 0 ? sel.getStart() : area.getCaretPosition();
        int end = sel.getLength() > 0 ? sel.getEnd() : area.getCaretPosition();
        vm.acceptRange(focusedSection, start, end);
    }

    private Region statusBar(Consumer<ReportViewModel.ExportKind> onExport) {
        Label chip = new Label();
        chip.setId("status-chip");
        chip.getStyleClass().add("status-chip");
        chip.textProperty().bind(vm.statusTextProperty());
        vm.statusTextProperty().addListener((o, a, b) -> {
            chip.getStyleClass().removeAll("draft", "preliminary", "final");
            chip.getStyleClass().add(vm.statusStyleClass());
        });
        TextField who = new TextField();
        who.setId("radiologist-field");
        who.setPromptText("Radiologist");
        who.setPrefColumnCount(12);
        who.textProperty().bindBidirectional(vm.radiologistProperty());
        who.setTooltip(new Tooltip("The radiologist who marks this report preliminary and signs it"));
        who.disableProperty().bind(vm.signedProperty()); // the signer of a final report is fixed
        Button prelim = new Button("Mark preliminary");
        prelim.setId("preliminary-button");
        prelim.setOnAction(e -> vm.markPreliminary());
        prelim.disableProperty().bind(Bindings.createBooleanBinding(() -> vm.report() == null || !vm.statusTextProperty().get().equals("DRAFT")
                || draft.runningProperty().get(), vm.statusTextProperty(), draft.runningProperty(), vm.reportProperty()));
        Button sign = new Button("Sign final");
        sign.setId("sign-button");
        sign.getStyleClass().add(Styles.SUCCESS);
        sign.setOnAction(e -> vm.signFinal());
        sign.disableProperty().bind(vm.canSignProperty().not());
        sign.setTooltip(new Tooltip("Only a preliminary report with every AI-drafted passage reviewed can be signed"));
        MenuButton export = new MenuButton("Export");
        export.setId("export-button");
        for (ReportViewModel.ExportKind k : ReportViewModel.ExportKind.values()) {
            MenuItem item = new MenuItem(switch (k) {
                case TEXT -> "Plain text…";
                case PDF -> "PDF…";
                case SR -> "DICOM Basic Text SR…";
            });
            item.setOnAction(e -> onExport.accept(k));
            export.getItems().add(item);
        }
        export.disableProperty().bind(draft.runningProperty().or(vm.reportProperty().isNull()));
        FlowPane bar = new FlowPane(8, 6, chip, who, prelim, sign, export);
        bar.setAlignment(Pos.CENTER_LEFT);
        return bar;
    }

    private void requestSync() {
        if (!syncPending) {
            syncPending = true;
            javafx.application.Platform.runLater(() -> {
                syncPending = false;
                sync();
            });
        }
    }

    /** Brings the text areas in line with the report (new tokens appended, restored text) and restyles AI spans. */
    private void sync() {
        Report r = vm.report();
        boolean streaming = draft.runningProperty().get();
        // While the model streams, the banner keeps one text: a count changing with every batch re-wraps the
        // banner and re-lays out the whole editor column in every frame of the draft.
        long ai = r == null || streaming ? 0 : r.aiSpans().size();
        String banner = streaming ? "AI DRAFT — being written by the model. Edit or accept it before signing."
                : ai == 0 ? NO_AI_TEXT : passagesText(ai);
        if (!banner.equals(aiBannerText.getText())) {
            aiBannerText.setText(banner);
        }
        aiBanner.pseudoClassStateChanged(NO_AI, !streaming && ai == 0);
        for (Section s : Section.values()) {
            StyleClassedTextArea area = areas.get(s);
            String want = r == null ? "" : r.text(s);
            Text preview = previews.get(s);
            if (streaming && STREAM_PREVIEW) {
                if (covered.add(s)) {
                    preview.getParent().setVisible(true);
                }
                if (!want.equals(preview.getText())) {
                    preview.setText(want);
                }
                continue; // the area gets the text when the draft ends
            }
            if (covered.remove(s)) {
                handOver(area, want);
                preview.getParent().setVisible(false);
                preview.setText("");
            }
            String have = area.getText();
            boolean appendOnly = want.startsWith(have);
            if (!have.equals(want)) {
                syncing = true;
                try {
                    if (appendOnly && streaming) {
                        area.append(want.substring(have.length()), "ai-text"); // streamed text is all AI-written
                    } else if (appendOnly) {
                        area.appendText(want.substring(have.length()));
                    } else {
                        area.replaceText(want);
                    }
                } finally {
                    syncing = false;
                }
            }
            if (!(streaming && appendOnly)) {
                restyle(area, r == null ? List.of() : r.aiSpans(s)); // full restyle only outside streaming
            }
        }
        if (draft.firstShowPending() && (shownText(Section.FINDINGS).length() + shownText(Section.IMPRESSION).length()) > 0) {
            draft.textShown();
        }
        for (BiConsumer<Section, String> l : syncListeners) {
            for (Section s : Section.values()) {
                l.accept(s, shownText(s));
            }
        }
    }

    /** The streamed text into the area in one replacement, styled as AI text (one paragraph rebuild, not two). */
    private void handOver(StyleClassedTextArea area, String text) {
        if (area.getText().equals(text)) {
            return;
        }
        syncing = true;
        try {
            area.replace(0, area.getLength(), text, Set.of("ai-text"));
        } finally {
            syncing = false;
        }
    }

    /**
     * FX thread, before the first draft: does to an unmanaged twin of the findings area and its cover, placed in
     * this editor but clipped away, what a draft does (growing AI text in the cover, one chunk per frame, the
     * styled hand-over, a partial restyle), removes it and runs {@code then}. The twin sits on the same CSS path
     * as the real areas, so this window's style caches, paragraph cells and text layouts for AI text exist
     * before the first draft; the report is not touched.
     * (The hidden rehearsal scene cannot do this part: style caches belong to a scene.)
     */
    void rehearseStreaming(Runnable then) {
        if (!Boolean.parseBoolean(System.getProperty("rayscribe.ui.editorRehearsal", "true"))) {
            then.run();
            return;
        }
        StyleClassedTextArea findings = areas.get(Section.FINDINGS);
        StyleClassedTextArea twin = new StyleClassedTextArea();
        twin.getStyleClass().add("report-area");
        twin.setWrapText(true);
        twin.setFocusTraversable(false);
        TextFlow cover = newCover();
        Text preview = (Text) cover.getChildren().get(0);
        StackPane stack = new StackPane(twin, cover);
        stack.setManaged(false);
        stack.resize(Math.max(100, findings.getWidth()), Math.max(70, findings.getHeight()));
        // Inside a holder clipped to nothing: laid out and styled, never drawn. (4 of the 6 steps still make
        // JavaFX repaint the whole window, 20-40 ms of software rendering each, before Draft is enabled. A 1 x 1
        // SubScene holder avoids those but does not see the theme's colours: docs/performance.md.)
        Pane holder = new Pane(stack);
        holder.setManaged(false);
        holder.setMouseTransparent(true);
        holder.setClip(new Rectangle(0, 0, 0, 0));
        getChildren().add(holder);
        // What a draft does to a section: the cover shows the growing text, then the area takes it in one
        // styled replacement, then (after a review) a partial restyle.
        List<Runnable> steps = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String chunk : new String[] {"The lungs are clear. ", "No pleural effusion or pneumothorax. ",
            "Heart size is normal.\n", "Mediastinal contours are within normal limits. "}) {
            steps.add(() -> {
                cover.setVisible(true);
                preview.setText(text.append(chunk).toString());
            });
        }
        steps.add(() -> {
            handOver(twin, text.toString());
            cover.setVisible(false);
            preview.setText("");
        });
        steps.add(() -> restyle(twin, List.of(new AiSpan(Section.FINDINGS, 0, twin.getLength() / 2, 0, 1))));
        UiWarmUp.onePerFrame(steps, () -> {
            getChildren().remove(holder);
            then.run();
        });
    }

    /** Restyles the whole text in one model change (one re-layout), not one change per span. */
    static void restyle(StyleClassedTextArea area, List<AiSpan> spans) {
        int len = area.getLength();
        if (len == 0) {
            return;
        }
        List<AiSpan> sorted = new java.util.ArrayList<>(spans);
        sorted.sort(java.util.Comparator.comparingInt(AiSpan::start));
        StyleSpansBuilder<Collection<String>> b = new StyleSpansBuilder<>();
        int pos = 0;
        for (AiSpan a : sorted) {
            if (a.end() > len) {
                continue; // not in the text area yet
            }
            int start = Math.max(pos, a.start());
            int end = Math.min(len, a.end());
            if (end <= start) {
                continue;
            }
            if (start > pos) {
                b.add(List.of(), start - pos);
            }
            b.add(List.of("ai-text"), end - start);
            pos = end;
        }
        if (pos < len) {
            b.add(List.of(), len - pos);
        }
        StyleSpans<Collection<String>> want = b.create();
        if (!sameStyles(want, area.getStyleSpans(0, len))) {
            area.setStyleSpans(0, want);
        }
    }

    /**
     * Same span lengths and the same style classes, whatever collection holds them: text streamed with
     * {@code append(text, "ai-text")} carries its class in a different collection type than the spans built here,
     * and plain {@code equals} then called every end of a draft a change (a needless restyle that rebuilt
     * every paragraph of the editor).
     */
    static boolean sameStyles(StyleSpans<Collection<String>> a, StyleSpans<Collection<String>> b) {
        if (a.getSpanCount() != b.getSpanCount()) {
            return false;
        }
        for (int i = 0; i < a.getSpanCount(); i++) {
            var x = a.getStyleSpan(i);
            var y = b.getStyleSpan(i);
            if (x.getLength() != y.getLength() || !Set.copyOf(x.getStyle()).equals(Set.copyOf(y.getStyle()))) {
                return false;
            }
        }
        return true;
    }

    public StyleClassedTextArea area(Section s) {
        return areas.get(s);
    }

    /** The streaming preview of a section (tests compare its rendering with the area's). */
    Text preview(Section s) {
        return previews.get(s);
    }

    /** The section's text on screen: the area's, or while a draft streams, the preview's. */
    public String shownText(Section s) {
        return covered.contains(s) ? previews.get(s).getText() : areas.get(s).getText();
    }

    public Button draftButton() {
        return draftButton;
    }

    /** For tests and the benchmark: called after every sync of the text areas with the report. */
    public void onSynced(BiConsumer<Section, String> listener) {
        syncListeners.add(listener);
    }
}
