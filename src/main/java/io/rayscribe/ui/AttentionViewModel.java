package io.rayscribe.ui;

import io.rayscribe.model.AttentionMaps;
import io.rayscribe.model.PromptRegion;
import io.rayscribe.model.TokenAttention;
import javafx.beans.InvalidationListener;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The attention overlay: which generated tokens are selected (a text selection or a hovered token;
 * none = the whole draft), which layers/heads, sink masking, visibility and opacity; from these the
 * heatmap over the prompt grid and the prompts ranked by their share of the selection's attention.
 */
public final class AttentionViewModel {
    /** One visual prompt's share of the selected tokens' attention, with its image region. */
    public record PromptShare(int index, double share, PromptRegion region) {
    }

    private final DraftViewModel draft;
    private final ObjectProperty<List<PromptRegion>> regions = new SimpleObjectProperty<>(List.of());
    private final ObjectProperty<int[]> selection = new SimpleObjectProperty<>();
    private final IntegerProperty layer = new SimpleIntegerProperty(-1);
    private final IntegerProperty head = new SimpleIntegerProperty(-1);
    private final BooleanProperty maskSinks = new SimpleBooleanProperty(true);
    private final BooleanProperty visible = new SimpleBooleanProperty(true);
    private final DoubleProperty opacity = new SimpleDoubleProperty(0.55);
    private final ObjectProperty<Heatmap> heatmap = new SimpleObjectProperty<>();
    private final ObservableList<PromptShare> ranked = FXCollections.observableArrayList();
    private final ObjectProperty<PromptRegion> hovered = new SimpleObjectProperty<>();
    private final StringProperty selectionText = new SimpleStringProperty("Whole draft");
    private final IntegerProperty layers = new SimpleIntegerProperty();
    private final IntegerProperty heads = new SimpleIntegerProperty();
    private static final long STREAMING_REFRESH_NANOS = 400_000_000L;
    private long lastStreamingUpdate;
    private int rows;
    private int cols;

    public AttentionViewModel(DraftViewModel draft) {
        this.draft = draft;
        InvalidationListener recompute = o -> recompute();
        // While tokens stream in, the whole-draft map is refreshed a few times a second, not every frame.
        draft.attentionVersionProperty().addListener(o -> {
            long now = System.nanoTime();
            if (!draft.runningProperty().get() || now - lastStreamingUpdate > STREAMING_REFRESH_NANOS) {
                lastStreamingUpdate = now;
                recompute();
            }
        });
        draft.runningProperty().addListener(recompute);
        selection.addListener(recompute);
        layer.addListener(recompute);
        head.addListener(recompute);
        maskSinks.addListener(recompute);
        visible.addListener(recompute);
        regions.addListener((o, a, r) -> {
            grid(r);
            recompute();
        });
    }

    /** Prompt regions form a grid: its size is the number of distinct row and column starts. */
    private void grid(List<PromptRegion> r) {
        TreeSet<Double> ys = new TreeSet<>();
        TreeSet<Double> xs = new TreeSet<>();
        for (PromptRegion p : r) {
            ys.add(Math.round(p.y0() * 1e6) / 1e6);
            xs.add(Math.round(p.x0() * 1e6) / 1e6);
        }
        rows = ys.size();
        cols = xs.size();
        if (rows * cols != r.size()) { // not a full grid: lay the prompts out as one row
            rows = 1;
            cols = r.size();
        }
    }

    public void recompute() {
        List<TokenAttention> att = draft.attention();
        TokenAttention any = att.stream().filter(a -> a != null).findFirst().orElse(null);
        if (any == null || rows * cols == 0 || any.numPrompts() != rows * cols) {
            heatmap.set(null);
            ranked.clear();
            layers.set(0);
            heads.set(0);
            return;
        }
        layers.set(any.layers());
        heads.set(any.heads());
        int[] sel = selection.get();
        int from = sel == null ? 0 : sel[0];
        int to = sel == null ? att.size() : sel[1];
        int l = layer.get() >= any.layers() ? -1 : layer.get();
        int h = head.get() >= any.heads() ? -1 : head.get();
        float[] map = AttentionMaps.heatmap(att, from, to, l, l < 0 ? -1 : h, maskSinks.get(), false, rows, cols);
        double sum = 0;
        for (float v : map) {
            sum += v;
        }
        List<PromptShare> shares = new ArrayList<>();
        List<PromptRegion> regs = regions.get();
        // Same order as AttentionMaps.rankPrompts (share, then index), from the map already computed.
        Integer[] order = new Integer[map.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> map[a] != map[b] ? Float.compare(map[b], map[a]) : Integer.compare(a, b));
        for (int p : order) {
            shares.add(new PromptShare(p, sum > 0 ? map[p] / sum : 0, p < regs.size() ? regs.get(p) : null));
        }
        ranked.setAll(shares);
        heatmap.set(visible.get() && sum > 0 ? new Heatmap(map, rows, cols) : null);
    }

    /** Selects generated tokens {from, toExclusive} (null = the whole draft), with a label for the panel. */
    public void select(int[] tokens, String label) {
        selectionText.set(tokens == null ? "Whole draft" : label);
        selection.set(tokens);
    }

    public ObjectProperty<List<PromptRegion>> regionsProperty() {
        return regions;
    }

    public ObjectProperty<int[]> selectionProperty() {
        return selection;
    }

    public IntegerProperty layerProperty() {
        return layer;
    }

    public IntegerProperty headProperty() {
        return head;
    }

    public BooleanProperty maskSinksProperty() {
        return maskSinks;
    }

    public BooleanProperty visibleProperty() {
        return visible;
    }

    public DoubleProperty opacityProperty() {
        return opacity;
    }

    public ObjectProperty<Heatmap> heatmapProperty() {
        return heatmap;
    }

    public ObservableList<PromptShare> ranked() {
        return ranked;
    }

    public ObjectProperty<PromptRegion> hoveredProperty() {
        return hovered;
    }

    public StringProperty selectionTextProperty() {
        return selectionText;
    }

    public IntegerProperty layersProperty() {
        return layers;
    }

    public IntegerProperty headsProperty() {
        return heads;
    }
}
