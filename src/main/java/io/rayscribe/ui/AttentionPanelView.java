package io.rayscribe.ui;

import io.rayscribe.model.PromptRegion;
import javafx.animation.AnimationTimer;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Pos;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Slider;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Rectangle;

import java.util.ArrayList;
import java.util.List;

/**
 * Attention controls (on/off, opacity, layer/head, sink masking) and the visual prompts ranked by
 * their share of the selected tokens' attention; hovering a prompt outlines its region on the image.
 */
public final class AttentionPanelView extends VBox {
    private final ListView<AttentionViewModel.PromptShare> list = new ListView<>();

    public AttentionPanelView(AttentionViewModel vm) {
        setSpacing(6);
        Label note = new Label("Model attention, not a diagnosis: it shows which image regions (soft visual prompts) "
                + "the model looked at while writing the selected words. Colours are relative: the brightest region got the largest share.");
        note.setWrapText(true);
        note.getStyleClass().add("muted");
        CheckBox on = new CheckBox("Show overlay");
        on.setId("overlay-check");
        on.selectedProperty().bindBidirectional(vm.visibleProperty());
        Slider opacity = new Slider(0.05, 1, vm.opacityProperty().get());
        opacity.setId("opacity-slider");
        opacity.valueProperty().bindBidirectional(vm.opacityProperty());
        ComboBox<Integer> layer = new ComboBox<>();
        layer.setId("layer-combo");
        ComboBox<Integer> head = new ComboBox<>();
        head.setId("head-combo");
        layer.setCellFactory(c -> numberCell("All layers (mean)", "Layer "));
        layer.setButtonCell(numberCell("All layers (mean)", "Layer "));
        head.setCellFactory(c -> numberCell("All heads (mean)", "Head "));
        head.setButtonCell(numberCell("All heads (mean)", "Head "));
        vm.layersProperty().addListener((o, a, n) -> fill(layer, n.intValue(), vm.layerProperty().get()));
        vm.headsProperty().addListener((o, a, n) -> fill(head, n.intValue(), vm.headProperty().get()));
        fill(layer, vm.layersProperty().get(), -1);
        fill(head, vm.headsProperty().get(), -1);
        layer.valueProperty().addListener((o, a, v) -> vm.layerProperty().set(v == null ? -1 : v));
        head.valueProperty().addListener((o, a, v) -> vm.headProperty().set(v == null ? -1 : v));
        head.disableProperty().bind(vm.layerProperty().lessThan(0));
        CheckBox sinks = new CheckBox("Mask attention sinks");
        sinks.setId("sink-check");
        sinks.selectedProperty().bindBidirectional(vm.maskSinksProperty());
        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(4);
        g.add(on, 0, 0, 2, 1);
        g.add(sinks, 0, 1, 2, 1);
        g.addRow(2, new Label("Opacity"), opacity);
        g.addRow(3, new Label("Layer"), layer);
        g.addRow(4, new Label("Head"), head);
        Label sel = new Label();
        sel.setId("attention-selection");
        sel.setWrapText(true);
        sel.textProperty().bind(Bindings.concat("Tokens: ", vm.selectionTextProperty()));
        list.setId("prompt-list");
        list.setItems(vm.ranked());
        list.setCellFactory(c -> new PromptCell(vm.hoveredProperty()));
        list.setPlaceholder(new Label("Draft a report to see attention"));
        VBox.setVgrow(list, Priority.ALWAYS);
        getChildren().addAll(note, g, sel, new Label("Visual prompts by attention share"), list);
    }

    private static void fill(ComboBox<Integer> box, int n, int current) {
        if (box.getItems().size() == n + 1) {
            return; // already lists these: refilling re-creates the box's cells for nothing
        }
        box.getItems().clear();
        box.getItems().add(-1);
        for (int i = 0; i < n; i++) {
            box.getItems().add(i);
        }
        box.setValue(current < n ? current : -1);
    }

    private static ListCell<Integer> numberCell(String all, String prefix) {
        return new ListCell<>() {
            @Override
            protected void updateItem(Integer v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null ? null : v < 0 ? all : prefix + v);
            }
        };
    }

    /** One ranked prompt: a bar for its share and its line; hovering it outlines its region (via {@code hovered}). */
    static final class PromptCell extends ListCell<AttentionViewModel.PromptShare> {
        private final Rectangle bar = new Rectangle(1, 8);
        private final Label text = new Label();
        private final HBox row = new HBox(6, bar, text);

        PromptCell(ObjectProperty<PromptRegion> hovered) {
            // No wider than the list (long lines end in an ellipsis): a row wider than the list brought a horizontal
            // scroll bar in and out as the ranking changed, re-laying out the list and moving its rows.
            setPrefWidth(0);
            bar.getStyleClass().add("prompt-bar");
            text.setStyle("-fx-font-family: 'Monospaced'; -fx-font-size: 11px;");
            row.setAlignment(Pos.CENTER_LEFT);
            row.getStyleClass().add("prompt-row");
            hoverProperty().addListener((o, a, h) -> {
                AttentionViewModel.PromptShare s = getItem();
                if (h && s != null) {
                    hovered.set(s.region());
                } else if (!h && s != null && s.region() != null && s.region().equals(hovered.get())) {
                    hovered.set(null);
                }
            });
        }

        @Override
        protected void updateItem(AttentionViewModel.PromptShare s, boolean empty) {
            super.updateItem(s, empty);
            if (empty || s == null) {
                setText(null);
                setGraphic(null);
                return;
            }
            bar.setWidth(Math.max(1, 80 * Math.min(1, s.share() * 5)));
            text.setText(s.label());
            if (getGraphic() != row) {
                setGraphic(row);
            }
            setText(null);
        }
    }

    /**
     * FX thread, before the first draft: the list creates and lays out its row cells for these prompts while
     * transparent (one frame), then shows the real ranking again, and {@code then} runs. The first draft's
     * attention refresh otherwise created them in a streamed frame. Skipped when the list already has rows.
     */
    void prepareRows(List<PromptRegion> regions, Runnable then) {
        if (!list.getItems().isEmpty() || regions.isEmpty()) {
            then.run();
            return;
        }
        ObservableList<AttentionViewModel.PromptShare> real = list.getItems();
        List<AttentionViewModel.PromptShare> rows = new ArrayList<>();
        for (int i = 0; i < regions.size(); i++) {
            rows.add(new AttentionViewModel.PromptShare(i, 0, regions.get(i)));
        }
        list.setOpacity(0);
        list.setItems(FXCollections.observableArrayList(rows));
        new AnimationTimer() {
            private int frames;

            @Override
            public void handle(long now) {
                if (++frames < 2) {
                    return; // the rows were laid out in the pulse after they were set
                }
                stop();
                list.setItems(real);
                list.setOpacity(1);
                then.run();
            }
        }.start();
    }

    public ListView<AttentionViewModel.PromptShare> list() {
        return list;
    }
}
