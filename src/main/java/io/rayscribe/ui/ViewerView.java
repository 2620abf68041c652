package io.rayscribe.ui;

import io.rayscribe.dicom.Frame;
import io.rayscribe.dicom.Instance;
import io.rayscribe.dicom.Patient;
import io.rayscribe.dicom.Series;
import io.rayscribe.dicom.Study;
import io.rayscribe.dicom.Window;
import io.rayscribe.model.PromptRegion;
import javafx.beans.InvalidationListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Group;
import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.Pane;
import javafx.scene.layout.StackPane;
import javafx.scene.shape.Rectangle;
import javafx.scene.transform.Rotate;
import javafx.scene.transform.Scale;
import javafx.scene.transform.Translate;

import java.nio.IntBuffer;
import java.util.List;

/**
 * The image viewport: the frame (rendered off the FX thread by {@link ImageRenderer}), the attention
 * heatmap and prompt outlines in image coordinates, the four corner overlays, and the mouse:
 * right-drag window/level, left-drag pan, wheel zoom, double-click fit.
 */
public final class ViewerView extends StackPane {
    private final ViewerViewModel vm;
    private final ImageView image = new ImageView();
    private final ImageView heat = new ImageView();
    private final Group outlines = new Group();
    private final Group content = new Group(image, heat, outlines);
    private final Pane canvas = new Pane(content);
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
        heat.setSmooth(true);
        heat.setMouseTransparent(true);
        heat.setVisible(false);
        outlines.setMouseTransparent(true);
        canvas.setManaged(true);
        Rectangle clip = new Rectangle();
        clip.widthProperty().bind(widthProperty());
        clip.heightProperty().bind(heightProperty());
        setClip(clip);
        attentionLabel.getStyleClass().add("attention-label");
        attentionLabel.setId("attention-label");
        attentionLabel.visibleProperty().bind(heat.visibleProperty());
        StackPane.setAlignment(attentionLabel, Pos.TOP_CENTER);
        StackPane.setMargin(attentionLabel, new Insets(6));
        message.getStyleClass().add("message");
        message.setWrapText(true);
        message.setMouseTransparent(true);
        for (Label c : List.of(topLeft, topRight, bottomLeft, bottomRight)) {
            c.maxWidthProperty().bind(widthProperty().multiply(0.46));
            c.setTextOverrun(javafx.scene.control.OverrunStyle.CENTER_ELLIPSIS);
        }
        getChildren().addAll(canvas, topLeft, topRight, bottomLeft, bottomRight, attentionLabel, message);

        renderer = new ImageRenderer(img -> {
            image.setImage(img);
            lastImageNanos = System.nanoTime();
            layoutImage();
        });
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

    private void requestRender() {
        Frame f = vm.frameProperty().get();
        if (f == null) {
            image.setImage(null);
            renderer.request(null, null, false);
            return;
        }
        renderer.request(f, vm.windowProperty().get(), vm.invertProperty().get());
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
        if (image.getImage() == null) {
            return 1;
        }
        double iw = image.getImage().getWidth();
        double ih = image.getImage().getHeight();
        boolean quarter = vm.rotationProperty().get() % 180 != 0;
        double w = quarter ? ih : iw;
        double h = quarter ? iw : ih;
        return Math.max(0.01, Math.min(getWidth() / w, getHeight() / h));
    }

    private void layoutImage() {
        if (image.getImage() == null) {
            return;
        }
        double iw = image.getImage().getWidth();
        double ih = image.getImage().getHeight();
        heat.setFitWidth(iw);
        heat.setFitHeight(ih);
        double s = vm.fitProperty().get() ? fitScale() : vm.zoomProperty().get();
        content.getTransforms().setAll(
                new Translate(getWidth() / 2 + vm.panXProperty().get(), getHeight() / 2 + vm.panYProperty().get()),
                new Rotate(vm.rotationProperty().get()),
                new Scale(s * (vm.flipHProperty().get() ? -1 : 1), s * (vm.flipVProperty().get() ? -1 : 1)),
                new Translate(-iw / 2, -ih / 2));
        updateOverlays();
    }

    private void updateOverlays() {
        Patient p = vm.patientProperty().get();
        Study s = vm.studyProperty().get();
        Series se = vm.seriesProperty().get();
        Instance i = vm.instanceProperty().get();
        Frame f = vm.frameProperty().get();
        topLeft.setText(p == null ? "" : join(p.name().replace('^', ' '), "ID " + p.id(),
                (p.birthDate().isEmpty() ? "" : "DOB " + fmtDate(p.birthDate())) + (p.sex().isEmpty() ? "" : "  " + p.sex())));
        topRight.setText(s == null ? "" : join(s.description(), fmtDate(s.date()) + " " + fmtTime(s.time()),
                s.accession().isEmpty() ? "" : "Acc " + s.accession()));
        bottomLeft.setText(se == null || i == null ? "" : join(
                se.modality() + (se.number() == null ? "" : "  Se " + se.number()) + (se.description().isEmpty() ? "" : "  " + se.description()),
                (i.number() == null ? "" : "Im " + i.number() + "  ") + i.columns() + "×" + i.rows()
                        + (i.viewPosition() == null || i.viewPosition().isEmpty() ? "" : "  " + i.viewPosition())));
        if (f == null) {
            bottomRight.setText("");
        } else {
            Window w = vm.windowProperty().get();
            double zoomPct = 100 * (vm.fitProperty().get() ? fitScale() : vm.zoomProperty().get());
            String flags = (vm.rotationProperty().get() != 0 ? "  R" + vm.rotationProperty().get() + "°" : "")
                    + (vm.flipHProperty().get() ? "  FlipH" : "") + (vm.flipVProperty().get() ? "  FlipV" : "")
                    + (vm.invertProperty().get() ? "  Inv" : "");
            bottomRight.setText(join(w == null ? "RGB" : String.format("W %.0f  L %.0f%s", w.width(), w.center(),
                            w.label() == null || w.label().isEmpty() ? "" : "  (" + w.label() + ")"),
                    String.format("Zoom %.0f%%%s", zoomPct, vm.fitProperty().get() ? " (fit)" : "") + flags,
                    vm.frameCountProperty().get() > 1 ? "Frame " + (vm.frameIndexProperty().get() + 1) + "/" + vm.frameCountProperty().get() : ""));
        }
        String err = vm.errorProperty().get();
        message.setText(!err.isEmpty() ? err : vm.loadingProperty().get() && f == null ? "Loading…"
                : f == null ? "Open a study: File ▸ Open, drag files here, or bin/rayscribe gui PATH" : "");
        message.setVisible(!message.getText().isEmpty());
    }

    private static String join(String... lines) {
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            if (l != null && !l.isBlank()) {
                if (b.length() > 0) {
                    b.append('\n');
                }
                b.append(l.strip());
            }
        }
        return b.toString();
    }

    private static String fmtDate(String da) {
        return da != null && da.matches("\\d{8}") ? da.substring(0, 4) + "-" + da.substring(4, 6) + "-" + da.substring(6) : da;
    }

    private static String fmtTime(String tm) {
        return tm != null && tm.length() >= 4 && tm.substring(0, 4).matches("\\d{4}") ? tm.substring(0, 2) + ":" + tm.substring(2, 4) : "";
    }

    // ---- attention layers ----

    /** Shows a heatmap over the whole image (null hides it). */
    public void setHeatmap(Heatmap h, double opacity) {
        if (h == null || h.rows() <= 0 || h.cols() <= 0) {
            heat.setVisible(false);
            return;
        }
        heat.setImage(overlayImage(h));
        heat.setOpacity(opacity);
        heat.setVisible(true);
    }

    /**
     * The heatmap's overlay as an image. The worker already produced premultiplied pixels: wrapping them in a
     * PixelBuffer costs the UI thread no per-pixel conversion (the renderer uploads them when it paints).
     */
    static WritableImage overlayImage(Heatmap h) {
        return new WritableImage(new PixelBuffer<>(h.overlayWidth(), h.overlayHeight(),
                IntBuffer.wrap(h.overlayPixels()), PixelFormat.getIntArgbPreInstance()));
    }

    public void setHeatmapOpacity(double opacity) {
        heat.setOpacity(opacity);
    }

    /** Outlines these prompt regions (normalised coordinates) over the image; empty clears. */
    public void setOutlines(List<PromptRegion> regions) {
        outlines.getChildren().clear();
        if (image.getImage() == null) {
            return;
        }
        double iw = image.getImage().getWidth();
        double ih = image.getImage().getHeight();
        for (PromptRegion r : regions) {
            Rectangle rect = new Rectangle(r.x0() * iw, r.y0() * ih, (r.x1() - r.x0()) * iw, (r.y1() - r.y0()) * ih);
            rect.getStyleClass().add("prompt-outline");
            rect.setStrokeWidth(Math.max(2, 2 / Math.max(0.05, fitScale())));
            outlines.getChildren().add(rect);
        }
    }

    public boolean heatmapVisible() {
        return heat.isVisible();
    }

    public WritableImage heatImage() {
        return (WritableImage) heat.getImage();
    }

    public ImageRenderer renderer() {
        return renderer;
    }

    public boolean hasImage() {
        return image.getImage() != null;
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
