package io.rayscribe.ui;

import io.rayscribe.core.ThreadPriorities;
import io.rayscribe.model.AttentionMaps;
import io.rayscribe.model.PromptRegion;
import io.rayscribe.model.TokenAttention;
import javafx.application.Platform;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The attention overlay: which generated tokens are selected (a text selection or a hovered token;
 * none = the whole draft), which layers/heads, sink masking, visibility and opacity; from these the
 * heatmap over the prompt grid and the prompts ranked by their share of the selection's attention.
 */
public final class AttentionViewModel {
    /** One visual prompt's share of the selected tokens' attention, with its image region. */
    public record PromptShare(int index, double share, PromptRegion region) {
        /** The panel's line for this prompt, e.g. "#12   8.5%  x 0.25–0.38  y 0.50–0.63". */
        public String label() {
            StringBuilder b = new StringBuilder(48);
            b.append(Format.padRight("#" + index, 4)).append(' ').append(Format.padLeft(Format.fixed(100 * share, 1), 5)).append("%  ");
            if (region != null) {
                b.append("x ").append(Format.fixed(region.x0(), 2)).append('–').append(Format.fixed(region.x1(), 2))
                        .append("  y ").append(Format.fixed(region.y0(), 2)).append('–').append(Format.fixed(region.y1(), 2));
            }
            return b.toString();
        }
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
        // Start the worker now: creating it (and its renice) inside the first draft's first frame cost ~4 ms of UI time.
        WORKER.execute(() -> { });
        InvalidationListener recompute = o -> recompute();
        // The draft's own refreshes (while streaming, at most every 400 ms, and once at its end) are
        // computed on a background thread: with 100+ tokens in one frame the map, the ranking and the
        // overlay pixels would otherwise stall the UI thread for tens of milliseconds.
        draft.attentionVersionProperty().addListener(o -> {
            long now = System.nanoTime();
            if (!draft.runningProperty().get() || now - lastStreamingUpdate > STREAMING_REFRESH_NANOS) {
                lastStreamingUpdate = now;
                recomputeInBackground();
            }
        });
        draft.runningProperty().addListener(o -> recomputeInBackground());
        // A user's choice (selection, layer, head, sinks, visibility) is one event: answered at once.
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

    /** What one computation needs, copied on the FX thread so a worker can use it safely. */
    private record Inputs(List<TokenAttention> att, int[] sel, int layer, int head, boolean maskSinks, boolean visible,
                          int rows, int cols, List<PromptRegion> regions) {
    }

    /** What one computation produced; {@code null} map = no attention to show. */
    private record Result(float[] map, int layers, int heads, List<PromptShare> shares, Heatmap heatmap) {
    }

    private static final ExecutorService WORKER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(ThreadPriorities.background(r), "attention-map");
        t.setDaemon(true);
        t.setPriority(Thread.NORM_PRIORITY - 1);
        return t;
    });
    /** Bumped by every request; a background result older than the latest request is dropped. */
    private long requestId;
    private boolean inFlight;
    private boolean rerun;

    /** FX thread: computes and shows the map now (invalidates any background computation in flight). */
    public void recompute() {
        requestId++;
        apply(compute(inputs()));
    }

    /** FX thread: computes the map on a worker and shows it when done; at most one computation in flight. */
    private void recomputeInBackground() {
        long id = ++requestId;
        if (inFlight) {
            rerun = true; // the latest state is computed when the running one returns
            return;
        }
        inFlight = true;
        Inputs in = inputs();
        WORKER.execute(() -> {
            Result r;
            try {
                r = compute(in);
            } catch (RuntimeException e) {
                r = null;
            }
            Result done = r;
            Platform.runLater(() -> {
                inFlight = false;
                if (done != null && id == requestId) {
                    apply(done);
                }
                if (rerun) {
                    rerun = false;
                    recomputeInBackground();
                }
            });
        });
    }

    private Inputs inputs() {
        return new Inputs(new ArrayList<>(draft.attention()), selection.get(), layer.get(), head.get(), maskSinks.get(),
                visible.get(), rows, cols, regions.get());
    }

    /** Any thread: pure function of its inputs. */
    private static Result compute(Inputs in) {
        List<TokenAttention> att = in.att();
        TokenAttention any = att.stream().filter(a -> a != null).findFirst().orElse(null);
        if (any == null || in.rows() * in.cols() == 0 || any.numPrompts() != in.rows() * in.cols()) {
            return new Result(null, 0, 0, List.of(), null);
        }
        int[] sel = in.sel();
        int from = sel == null ? 0 : sel[0];
        int to = sel == null ? att.size() : sel[1];
        int l = in.layer() >= any.layers() ? -1 : in.layer();
        int h = in.head() >= any.heads() ? -1 : in.head();
        float[] map = AttentionMaps.heatmap(att, from, to, l, l < 0 ? -1 : h, in.maskSinks(), false, in.rows(), in.cols());
        double sum = 0;
        for (float v : map) {
            sum += v;
        }
        List<PromptShare> shares = new ArrayList<>();
        List<PromptRegion> regs = in.regions();
        // Same order as AttentionMaps.rankPrompts (share, then index), from the map already computed.
        Integer[] order = new Integer[map.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> map[a] != map[b] ? Float.compare(map[b], map[a]) : Integer.compare(a, b));
        for (int p : order) {
            shares.add(new PromptShare(p, sum > 0 ? map[p] / sum : 0, p < regs.size() ? regs.get(p) : null));
        }
        Heatmap hm = null;
        if (in.visible() && sum > 0) {
            hm = new Heatmap(map, in.rows(), in.cols());
            hm.levels(); // the overlay's levels, computed here rather than on the renderer thread
        }
        return new Result(map, any.layers(), any.heads(), shares, hm);
    }

    /** FX thread. */
    private void apply(Result r) {
        if (r.map() == null) {
            heatmap.set(null);
            ranked.clear();
            return;
        }
        // Only a result with attention tells the model's shape: a new draft's empty start keeps the layer and
        // head lists (refilling both combo boxes at every draft's start and first map cost 2-5 ms of UI time each).
        layers.set(r.layers());
        heads.set(r.heads());
        if (!sameShares(ranked, r.shares())) {
            ranked.setAll(r.shares());
        }
        heatmap.set(r.heatmap());
    }

    private static boolean sameShares(List<PromptShare> a, List<PromptShare> b) {
        return a.equals(b);
    }

    /**
     * The model's attention shape, known from its practice draft at load: the layer and head lists are ready before
     * the first draft (filling them when the first draft's attention arrived was first-time work in a draft frame).
     */
    public void knownShape(int layerCount, int headCount) {
        if (layers.get() == 0 && heads.get() == 0) {
            layers.set(layerCount);
            heads.set(headCount);
        }
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
