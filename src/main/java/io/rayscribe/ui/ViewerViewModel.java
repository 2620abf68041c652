package io.rayscribe.ui;

import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.dicom.Frame;
import io.rayscribe.dicom.FrameDecoder;
import io.rayscribe.dicom.Instance;
import io.rayscribe.dicom.Patient;
import io.rayscribe.dicom.Series;
import io.rayscribe.dicom.Study;
import io.rayscribe.dicom.Window;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
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
import javafx.util.Duration;

import java.util.ArrayList;
import java.util.List;

/**
 * State of the image viewport: which instance and frame, window/level, zoom/pan, rotation, flips,
 * invert and cine. Frames are decoded on the task executor; only the newest request is applied.
 */
public final class ViewerViewModel {
    /** The label of a window set by dragging (no preset). */
    static final String MANUAL = "Manual";
    private static final double MIN_ZOOM = 0.05;
    private static final double MAX_ZOOM = 32;

    private final UiTaskExecutor executor;
    private final ObjectProperty<Patient> patient = new SimpleObjectProperty<>();
    private final ObjectProperty<Study> study = new SimpleObjectProperty<>();
    private final ObjectProperty<Series> series = new SimpleObjectProperty<>();
    private final ObjectProperty<Instance> instance = new SimpleObjectProperty<>();
    private final ObjectProperty<Frame> frame = new SimpleObjectProperty<>();
    private final ObjectProperty<Window> window = new SimpleObjectProperty<>();
    private final IntegerProperty frameIndex = new SimpleIntegerProperty();
    private final IntegerProperty frameCount = new SimpleIntegerProperty();
    private final BooleanProperty cine = new SimpleBooleanProperty();
    private final BooleanProperty fit = new SimpleBooleanProperty(true);
    private final DoubleProperty zoom = new SimpleDoubleProperty(1);
    private final DoubleProperty panX = new SimpleDoubleProperty();
    private final DoubleProperty panY = new SimpleDoubleProperty();
    private final IntegerProperty rotation = new SimpleIntegerProperty();
    private final BooleanProperty flipH = new SimpleBooleanProperty();
    private final BooleanProperty flipV = new SimpleBooleanProperty();
    private final BooleanProperty invert = new SimpleBooleanProperty();
    private final BooleanProperty loading = new SimpleBooleanProperty();
    private final StringProperty error = new SimpleStringProperty("");
    private final Timeline cineTimeline;
    private long requestSeq;
    private boolean decodeInFlight;

    public ViewerViewModel(UiTaskExecutor executor) {
        this.executor = executor;
        cineTimeline = new Timeline(new KeyFrame(Duration.millis(1000.0 / 15), e -> cineStep()));
        cineTimeline.setCycleCount(Timeline.INDEFINITE);
        cine.addListener((o, a, on) -> {
            if (on && frameCount.get() > 1) {
                cineTimeline.play();
            } else {
                cineTimeline.stop();
                if (on) {
                    cine.set(false);
                }
            }
        });
        frameIndex.addListener((o, a, b) -> {
            Instance i = instance.get();
            if (i != null && b.intValue() >= 0 && b.intValue() < frameCount.get()) {
                decode(i, b.intValue(), false);
            }
        });
    }

    /** Shows {@code inst} (first frame) with its context for the overlays. */
    public void show(Patient p, Study s, Series se, Instance inst) {
        cine.set(false);
        patient.set(p);
        study.set(s);
        series.set(se);
        showImage(inst, true);
    }

    /** Shows {@code inst} of the current series from its first frame; {@code resetView}: fit it, else keep the view. */
    private void showImage(Instance inst, boolean resetView) {
        instance.set(inst);
        error.set("");
        if (inst == null || !inst.hasPixels()) {
            frame.set(null);
            frameCount.set(0);
            error.set(inst == null ? "" : "This object has no image (" + inst.file().getFileName() + ")");
            return;
        }
        frameCount.set(Math.max(1, inst.frames()));
        if (frameIndex.get() != 0) {
            frameIndex.set(0); // triggers decode through the listener
        } else {
            decode(inst, 0, resetView);
        }
    }

    private void decode(Instance inst, int index, boolean resetView) {
        long seq = ++requestSeq;
        loading.set(true);
        decodeInFlight = true;
        executor.execute(BackgroundTask.of("decode", () -> FrameDecoder.shared().decode(inst.file(), index))
                .onSuccess(f -> {
                    if (seq != requestSeq) {
                        return;
                    }
                    boolean keepWindow = !resetView && frame.get() != null && window.get() != null && !f.isColor();
                    frame.set(f);
                    if (!keepWindow) {
                        window.set(f.defaultWindow());
                    }
                    if (resetView) {
                        resetView();
                    }
                })
                .onFailure(e -> {
                    if (seq == requestSeq) {
                        frame.set(null);
                        error.set(e.getMessage() == null ? e.toString() : e.getMessage());
                    }
                })
                .onFinished(() -> {
                    if (seq == requestSeq) {
                        loading.set(false);
                        decodeInFlight = false;
                    }
                }));
    }

    private void cineStep() {
        if (decodeInFlight) {
            return; // skip a tick rather than queue decodes
        }
        nextFrame(1);
    }

    /**
     * Pages through the series, as a radiologist scrolls a stack: the next or previous frame of a
     * multi-frame image, else the next or previous image of the series, keeping window/level, zoom
     * and pan. Stops at the series' ends.
     */
    public void step(int direction) {
        if (frameCount.get() > 1) {
            nextFrame(direction);
            return;
        }
        Series se = series.get();
        Instance current = instance.get();
        if (se == null || current == null) {
            return;
        }
        List<Instance> images = se.instances().stream().filter(Instance::hasPixels).toList();
        int at = images.indexOf(current);
        int next = at + Integer.signum(direction);
        if (at < 0 || next < 0 || next >= images.size()) {
            return;
        }
        cine.set(false);
        showImage(images.get(next), false);
    }

    public void nextFrame(int step) {
        int n = frameCount.get();
        if (n > 1) {
            frameIndex.set(Math.floorMod(frameIndex.get() + step, n));
        }
    }

    // ---- window/level ----

    /** The presets: the file's windows, lung, mediastinum, bone, and auto. */
    public List<Window> presets() {
        Frame f = frame.get();
        List<Window> out = new ArrayList<>();
        if (f == null || f.isColor()) {
            return out;
        }
        out.addAll(f.windows());
        Series s = series.get();
        if (s != null && "CT".equalsIgnoreCase(s.modality())) {
            out.add(new Window(-600, 1500, "Lung"));
            out.add(new Window(40, 400, "Mediastinum"));
            out.add(new Window(480, 2500, "Bone"));
        } else {
            // Projection radiographs have no absolute scale: presets are placed relative to the
            // histogram window (lungs are the dark part, mediastinum and bone the bright part).
            Window a = f.autoWindow();
            double dir = f.inverted() ? -1 : 1;
            out.add(new Window(a.center() - dir * 0.2 * a.width(), 0.7 * a.width(), "Lung"));
            out.add(new Window(a.center() + dir * 0.15 * a.width(), 0.55 * a.width(), "Mediastinum"));
            out.add(new Window(a.center() + dir * 0.25 * a.width(), 0.9 * a.width(), "Bone"));
        }
        out.add(new Window(f.autoWindow().center(), f.autoWindow().width(), "Auto"));
        return out;
    }

    /** Applies the preset with this label (case-insensitive); "file" = the file's first window. */
    public boolean applyPreset(String label) {
        Frame f = frame.get();
        if (f == null || f.isColor()) {
            return false;
        }
        if (label.equalsIgnoreCase("file")) {
            window.set(f.defaultWindow());
            return true;
        }
        for (Window w : presets()) {
            if (w.label() != null && w.label().equalsIgnoreCase(label)) {
                window.set(w);
                return true;
            }
        }
        return false;
    }

    /** Right-drag: horizontal changes width, vertical changes level, scaled to the current width. */
    public void adjustWindow(double dx, double dy) {
        Window w = window.get();
        Frame f = frame.get();
        if (w == null || f == null || f.isColor()) {
            return;
        }
        double k = Math.max(w.width() / 400.0, 0.05);
        double width = Math.max(1, w.width() + dx * k);
        double center = w.center() + dy * k;
        window.set(new Window(center, width, MANUAL));
    }

    // ---- geometry ----

    public void zoomBy(double factor) {
        double z = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, zoom.get() * factor));
        fit.set(false);
        zoom.set(z);
    }

    public void fitToWindow() {
        panX.set(0);
        panY.set(0);
        fit.set(true);
    }

    public void actualSize() {
        fit.set(false);
        zoom.set(1);
        panX.set(0);
        panY.set(0);
    }

    public void pan(double dx, double dy) {
        panX.set(panX.get() + dx);
        panY.set(panY.get() + dy);
    }

    public void rotate(int degrees) {
        rotation.set(Math.floorMod(rotation.get() + degrees, 360));
    }

    public void resetView() {
        rotation.set(0);
        flipH.set(false);
        flipV.set(false);
        invert.set(false);
        Frame f = frame.get();
        if (f != null) {
            window.set(f.defaultWindow());
        }
        fitToWindow();
    }

    /** The image the model drafts from: the current frame with its default window (never the user's W/L). */
    public DisplayImage imageForModel() {
        Frame f = frame.get();
        return f == null ? null : f.render();
    }

    // ---- properties ----

    public ObjectProperty<Patient> patientProperty() {
        return patient;
    }

    public ObjectProperty<Study> studyProperty() {
        return study;
    }

    public ObjectProperty<Series> seriesProperty() {
        return series;
    }

    public ObjectProperty<Instance> instanceProperty() {
        return instance;
    }

    public ObjectProperty<Frame> frameProperty() {
        return frame;
    }

    public ObjectProperty<Window> windowProperty() {
        return window;
    }

    public IntegerProperty frameIndexProperty() {
        return frameIndex;
    }

    public IntegerProperty frameCountProperty() {
        return frameCount;
    }

    public BooleanProperty cineProperty() {
        return cine;
    }

    public BooleanProperty fitProperty() {
        return fit;
    }

    public DoubleProperty zoomProperty() {
        return zoom;
    }

    public DoubleProperty panXProperty() {
        return panX;
    }

    public DoubleProperty panYProperty() {
        return panY;
    }

    public IntegerProperty rotationProperty() {
        return rotation;
    }

    public BooleanProperty flipHProperty() {
        return flipH;
    }

    public BooleanProperty flipVProperty() {
        return flipV;
    }

    public BooleanProperty invertProperty() {
        return invert;
    }

    public BooleanProperty loadingProperty() {
        return loading;
    }

    public StringProperty errorProperty() {
        return error;
    }
}
