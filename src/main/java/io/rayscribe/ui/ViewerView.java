package io.rayscribe.ui;

import io.rayscribe.dicom.CornerText;
import io.rayscribe.dicom.Frame;
import io.rayscribe.dicom.Instance;
import io.rayscribe.dicom.Patient;
import io.rayscribe.dicom.Series;
import io.rayscribe.dicom.Study;
import io.rayscribe.dicom.Window;
import io.rayscribe.model.PromptRegion;
import javafx.beans.InvalidationListener;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Group;
import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.Pane;
import javafx.scene.layout.StackPane;
import javafx.scene.shape.Rectangle;
import javafx.scene.transform.Affine;
import javafx.scene.transform.Translate;

import java.util.List;
import java.util.Objects;

/**
 * The image viewport: the frame with the attention heatmap on top (composed at the viewport's pixel size
 * off the FX thread by {@link ImageRenderer}), prompt outlines in image coordinates, the four corner
 * overlays, and the mouse: right-drag window/level, left-drag pan, wheel zoom, double-click fit. Between a
 * zoom, pan, rotation or resize and the renderer's next image, the image on screen is moved by the change
 * (a scaled preview), so the view follows the mouse at once.
 */
public final class ViewerView extends StackPane {
    private final ViewerViewModel vm;
    private final ImageView image = new ImageView();
    private final Group outlines = new Group();
    private final Pane canvas = new Pane(image, outlines);
    private final BooleanProperty heatShown = new SimpleBooleanProperty(false);
    private Heatmap heatmap;
    private double heatOpacity = 0.5;
    /** What the image on screen was rendered for (null before the first image). */
    private ImageRenderer.Request shown;
    /** The transform the image on screen is placed by. */
    private ViewTransform imagePlacement;
    /** The view the outlines are placed for. */
    private ViewTransform outlinesView;
    /** The latest request sent to the renderer. */
    private ImageRenderer.Request requested;
    private final Label topLeft = corner(Pos.TOP_LEFT);
    private final Label topRight = corner(Pos.TOP_RIGHT);
    private final Label bottomLeft = corner(Pos.BOTTOM_LEFT);
    private final Label bottomRight = corner(Pos.BOTTOM_RIGHT);
    private final Label attentionLabel = new Label("Model attention — not a diagnosis");
    private final Label message = new Label("Open a study: File ▸ Open, drag files here, or bin/rayscribe gui PATH");
    private final ImageRenderer renderer;
    private double lastX;
    private double lastY;
    private long lastImageNanos;

    public ViewerView(ViewerViewModel vm) {
        this.vm = vm;
        getStyleClass().add("image-viewport");
        setId("viewport");
        setMinSize(200, 200);
        image.setSmooth(true);
        image.setPreserveRatio(false);
        outlines.setMouseTransparent(true);
        // Placed by their transforms, not by layout: a new image or view must not re-lay out the window.
        image.setManaged(false);
        outlines.setManaged(false);
        canvas.setManaged(true);
        Rectangle clip = new Rectangle();
        clip.widthProperty().bind(widthProperty());
        clip.heightProperty().bind(heightProperty());
        setClip(clip);
        attentionLabel.getStyleClass().add("attention-label");
        attentionLabel.setId("attention-label");
        attentionLabel.visibleProperty().bind(heatShown);
        StackPane.setAlignment(attentionLabel, Pos.TOP_CENTER);
        StackPane.setMargin(attentionLabel, new Insets(6));
        // Below the taller top corner block, so it never covers the patient or study lines (a translation,
        // not a margin: a corner text change must not re-lay out the viewport).
        attentionLabel.translateYProperty().bind(javafx.beans.binding.Bindings.max(
                topLeft.heightProperty(), topRight.heightProperty()));
        message.getStyleClass().add("message");
        message.setWrapText(true);
        message.setMouseTransparent(true);
        for (Label c : List.of(topLeft, topRight, bottomLeft, bottomRight)) {
            c.maxWidthProperty().bind(widthProperty().multiply(0.46));
            c.setTextOverrun(javafx.scene.control.OverrunStyle.CENTER_ELLIPSIS);
        }
        getChildren().addAll(canvas, topLeft, topRight, bottomLeft, bottomRight, attentionLabel, message);

        renderer = new ImageRenderer(this::show);
        InvalidationListener rerender = o -> requestRender();
        vm.frameProperty().addListener(rerender);
        vm.windowProperty().addListener(rerender);
        vm.invertProperty().addListener(rerender);
        InvalidationListener relayout = o -> layoutImage();
        for (var p : List.of(vm.zoomProperty(), vm.panXProperty(), vm.panYProperty())) {
            p.addListener(relayout);
        }
        vm.rotationProperty().addListener(relayout);
        vm.flipHProperty().addListener(relayout);
        vm.flipVProperty().addListener(relayout);
        vm.fitProperty().addListener(relayout);
        widthProperty().addListener(relayout);
        heightProperty().addListener(relayout);
        InvalidationListener overlays = o -> updateOverlays();
        for (var p : List.of(vm.frameProperty(), vm.windowProperty(), vm.instanceProperty(), vm.zoomProperty(),
                vm.frameIndexProperty(), vm.fitProperty(), vm.errorProperty(), vm.loadingProperty())) {
            p.addListener(overlays);
        }
        vm.rotationProperty().addListener(overlays);
        vm.invertProperty().addListener(overlays);
        vm.flipHProperty().addListener(overlays);
        vm.flipVProperty().addListener(overlays);
        installMouse();
        updateOverlays();
    }

    private static Label corner(Pos pos) {
        Label l = new Label();
        l.getStyleClass().add("corner");
        l.setMouseTransparent(true);
        StackPane.setAlignment(l, pos);
        StackPane.setMargin(l, new Insets(6, 8, 6, 8));
        l.setAlignment(pos);
        l.setTextAlignment(pos.getHpos() == javafx.geometry.HPos.RIGHT ? javafx.scene.text.TextAlignment.RIGHT
                : javafx.scene.text.TextAlignment.LEFT);
        return l;
    }

    /** Asks the renderer for the current view and moves the image on screen to it meanwhile. */
    private void requestRender() {
        Frame f = vm.frameProperty().get();
        if (f == null) {
            image.setImage(null);
            shown = null;
            requested = null;
            imagePlacement = null;
            renderer.request(null); // a render of the closed study still pending is not needed
            return;
        }
        if (getWidth() <= 0 || getHeight() <= 0) {
            return; // not laid out yet: the size listeners ask again
        }
        ImageRenderer.Request r = request(f, outputScale());
        if (!r.equals(requested)) { // a layout pass that moved nothing must not repaint the viewport
            renderer.request(r);
            requested = r;
        }
        followView();
    }

    /**
     * The render that shows the current view: only the part of the viewport the frame covers (at "fit" with a
     * portrait frame, the bands beside it are left to the viewport's background), in device pixels.
     */
    private ImageRenderer.Request request(Frame f, double scale) {
        ViewTransform device = currentView(f).scaled(scale);
        int viewW = (int) Math.ceil(getWidth() * scale);
        int viewH = (int) Math.ceil(getHeight() * scale);
        double minX = Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (int corner = 0; corner < 4; corner++) {
            double fx = (corner & 1) == 0 ? 0 : f.width();
            double fy = (corner & 2) == 0 ? 0 : f.height();
            minX = Math.min(minX, device.x(fx, fy));
            maxX = Math.max(maxX, device.x(fx, fy));
            minY = Math.min(minY, device.y(fx, fy));
            maxY = Math.max(maxY, device.y(fx, fy));
        }
        int x0 = (int) Math.max(0, Math.min(viewW - 1, Math.floor(minX)));
        int y0 = (int) Math.max(0, Math.min(viewH - 1, Math.floor(minY)));
        int x1 = (int) Math.max(x0 + 1, Math.min(viewW, Math.ceil(maxX))); // at least one (transparent) pixel
        int y1 = (int) Math.max(y0 + 1, Math.min(viewH, Math.ceil(maxY)));
        return new ImageRenderer.Request(f, vm.windowProperty().get(), vm.invertProperty().get(),
                device.then(ViewTransform.translation(-x0, -y0)), x0, y0, x1 - x0, y1 - y0,
                heatShown.get() ? heatmap : null, heatOpacity);
    }

    /** FX thread: the renderer's image reaches the screen. */
    private void show(ImageRenderer.Composite c) {
        if (vm.frameProperty().get() == null) {
            return; // the study closed while this was rendered
        }
        double scale = outputScale();
        image.setImage(c.image());
        image.setFitWidth(c.request().width() / scale);
        image.setFitHeight(c.request().height() / scale);
        shown = c.request();
        lastImageNanos = System.nanoTime();
        followView();
    }

    /** Device pixels per layout unit (2 on a HiDPI screen at 200 %): the viewport is composed at device resolution. */
    private double outputScale() {
        return getScene() == null || getScene().getWindow() == null ? 1 : Math.max(1, getScene().getWindow().getRenderScaleX());
    }

    /** Frame pixels to viewport coordinates, as the view model places the frame now. */
    private ViewTransform currentView(Frame f) {
        double s = vm.fitProperty().get() ? fitScale() : vm.zoomProperty().get();
        return ViewTransform.place(getWidth(), getHeight(), f.width(), f.height(), s, vm.panXProperty().get(),
                vm.panYProperty().get(), vm.rotationProperty().get(), vm.flipHProperty().get(), vm.flipVProperty().get());
    }

    /**
     * Keeps the outlines on the current view and moves the image on screen from the view it was rendered for
     * to the current one (no transform at all once they match, so the renderer draws it unscaled).
     */
    private void followView() {
        Frame f = vm.frameProperty().get();
        if (f == null || shown == null || getWidth() <= 0) {
            return;
        }
        ViewTransform now = currentView(f);
        if (!now.equals(outlinesView)) {
            outlines.getTransforms().setAll(affine(now));
            outlinesView = now;
        }
        double scale = outputScale();
        // the image's own coordinates (layout units) to the viewport: its offset, then the view's change since
        ViewTransform offset = ViewTransform.translation(shown.x() / scale, shown.y() / scale);
        ViewTransform rendered = shown.frameToViewport().scaled(1 / scale);
        ViewTransform change = shown.frame() == f ? rendered.inverse().then(now) : ViewTransform.IDENTITY;
        ViewTransform placement = change.isIdentity(1e-9) ? offset : offset.then(change);
        if (!placement.equals(imagePlacement)) { // an unchanged transform must not repaint the viewport
            image.getTransforms().setAll(placement == offset ? new Translate(offset.tx(), offset.ty()) : affine(placement));
            imagePlacement = placement;
        }
    }

    private static Affine affine(ViewTransform t) {
        return new Affine(t.mxx(), t.mxy(), t.tx(), t.myx(), t.myy(), t.ty());
    }

    private void installMouse() {
        setOnMousePressed(e -> {
            lastX = e.getX();
            lastY = e.getY();
            requestFocus();
        });
        setOnMouseDragged(e -> {
            double dx = e.getX() - lastX;
            double dy = e.getY() - lastY;
            lastX = e.getX();
            lastY = e.getY();
            if (e.getButton() == MouseButton.SECONDARY) {
                vm.adjustWindow(dx, dy);
            } else if (e.getButton() == MouseButton.PRIMARY || e.getButton() == MouseButton.MIDDLE) {
                vm.pan(dx, dy);
            }
        });
        setOnScroll(e -> {
            if (e.getDeltaY() != 0) {
                ensureExplicitZoom();
                vm.zoomBy(Math.pow(1.1, e.getDeltaY() / 40.0));
            }
        });
        setOnMouseClicked(e -> {
            if (e.getClickCount() == 2 && e.getButton() == MouseButton.PRIMARY) {
                vm.fitToWindow();
            }
        });
        setFocusTraversable(true);
    }

    /** Before zooming from "fit", start from the fit scale so the image does not jump. */
    public void ensureExplicitZoom() {
        if (vm.fitProperty().get()) {
            vm.zoomProperty().set(fitScale());
            vm.fitProperty().set(false);
        }
    }

    private double fitScale() {
        Frame f = vm.frameProperty().get();
        if (f == null) {
            return 1;
        }
        double iw = f.width();
        double ih = f.height();
        boolean quarter = vm.rotationProperty().get() % 180 != 0;
        double w = quarter ? ih : iw;
        double h = quarter ? iw : ih;
        return Math.max(0.01, Math.min(getWidth() / w, getHeight() / h));
    }

    private void layoutImage() {
        requestRender();
        updateOverlays();
    }

    private void updateOverlays() {
        Patient p = vm.patientProperty().get();
        Study s = vm.studyProperty().get();
        Series se = vm.seriesProperty().get();
        Instance i = vm.instanceProperty().get();
        Frame f = vm.frameProperty().get();
        CornerText corners = CornerText.of(p, s, se, i);
        topLeft.setText(corners.patient());
        topRight.setText(corners.study());
        bottomLeft.setText(corners.seriesAndImage());
        if (f == null) {
            bottomRight.setText("");
        } else {
            Window w = vm.windowProperty().get();
            double zoomPct = 100 * (vm.fitProperty().get() ? fitScale() : vm.zoomProperty().get());
            String flags = (vm.rotationProperty().get() != 0 ? "  R" + vm.rotationProperty().get() + "°" : "")
                    + (vm.flipHProperty().get() ? "  FlipH" : "") + (vm.flipVProperty().get() ? "  FlipV" : "")
                    + (vm.invertProperty().get() ? "  Inv" : "");
            bottomRight.setText(CornerText.lines(w == null ? "RGB" : String.format("W %.0f  L %.0f%s", w.width(), w.center(),
                            w.label() == null || w.label().isEmpty() ? "" : "  (" + w.label() + ")"),
                    String.format("Zoom %.0f%%%s", zoomPct, vm.fitProperty().get() ? " (fit)" : "") + flags,
                    vm.frameCountProperty().get() > 1 ? "Frame " + (vm.frameIndexProperty().get() + 1) + "/" + vm.frameCountProperty().get() : ""));
        }
        String err = vm.errorProperty().get();
        message.setText(!err.isEmpty() ? err : vm.loadingProperty().get() && f == null ? "Loading…"
                : f == null ? "Open a study: File ▸ Open, drag files here, or bin/rayscribe gui PATH" : "");
        message.setVisible(!message.getText().isEmpty());
    }

    // ---- attention layers ----

    /** Shows a heatmap over the whole image (null hides it). */
    public void setHeatmap(Heatmap h, double opacity) {
        boolean valid = h != null && h.rows() > 0 && h.cols() > 0;
        if (!valid && !heatShown.get()) {
            return;
        }
        heatmap = valid ? h : null;
        heatOpacity = opacity;
        heatShown.set(valid);
        requestRender();
    }

    public void setHeatmapOpacity(double opacity) {
        heatOpacity = opacity;
        if (heatShown.get()) {
            requestRender();
        }
    }

    /** Outlines these prompt regions (normalised coordinates) over the image; empty clears. */
    public void setOutlines(List<PromptRegion> regions) {
        outlines.getChildren().clear();
        Frame f = vm.frameProperty().get();
        if (f == null) {
            return;
        }
        double iw = f.width();
        double ih = f.height();
        for (PromptRegion r : regions) {
            Rectangle rect = new Rectangle(r.x0() * iw, r.y0() * ih, (r.x1() - r.x0()) * iw, (r.y1() - r.y0()) * ih);
            rect.getStyleClass().add("prompt-outline");
            rect.setStrokeWidth(Math.max(2, 2 / Math.max(0.05, fitScale())));
            outlines.getChildren().add(rect);
        }
    }

    public boolean heatmapVisible() {
        return heatShown.get();
    }

    public ImageRenderer renderer() {
        return renderer;
    }

    /**
     * Whether the image on screen was rendered for the view as it is now: this frame, window, inversion and
     * placement, with no preview transform left (a test hook).
     */
    public boolean showsCurrentView() {
        Frame f = vm.frameProperty().get();
        return hasImage() && image.getTransforms().size() == 1 && image.getTransforms().get(0) instanceof Translate
                && Objects.equals(vm.windowProperty().get(), shown.window()) && vm.invertProperty().get() == shown.invert()
                && shown.frameToViewport().scaled(1 / outputScale()).inverse().then(currentView(f)).isIdentity(1e-9);
    }

    /**
     * The on-screen image's pixel (premultiplied ARGB) at this viewport position in device pixels, 0 where the
     * image does not reach (a test hook).
     */
    public int shownPixel(int x, int y) {
        int ix = x - shown.x();
        int iy = y - shown.y();
        boolean inside = ix >= 0 && iy >= 0 && ix < shown.width() && iy < shown.height();
        return inside ? image.getImage().getPixelReader().getArgb(ix, iy) : 0;
    }

    /** Whether the current frame is on screen (not only an earlier one). */
    public boolean hasImage() {
        return image.getImage() != null && shown != null && shown.frame() == vm.frameProperty().get();
    }

    public long lastImageNanos() {
        return lastImageNanos;
    }

    public String cornerText(Pos pos) {
        return switch (pos) {
            case TOP_LEFT -> topLeft.getText();
            case TOP_RIGHT -> topRight.getText();
            case BOTTOM_LEFT -> bottomLeft.getText();
            default -> bottomRight.getText();
        };
    }
}
