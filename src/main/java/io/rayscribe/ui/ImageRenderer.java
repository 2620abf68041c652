package io.rayscribe.ui;

import io.rayscribe.dicom.Frame;
import io.rayscribe.dicom.Window;
import javafx.application.Platform;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * Renders the image viewport off the JavaFX thread: the newest request wins; windowing the frame, resampling
 * it to the viewport's pixels and blending the attention overlay ({@link ViewportCompositor}) run on this
 * renderer's own thread into the back one of two {@link PixelBuffer}s, and the FX thread only swaps which
 * image is shown. A window/level drag or an overlay update therefore never waits for pixels on the UI thread,
 * and the repaint it causes draws one unscaled image.
 */
public final class ImageRenderer implements AutoCloseable {
    /**
     * What to show: the frame through this window with the heatmap (or null) at this opacity on top, as a
     * {@code width x height} image whose top-left corner sits at device pixel ({@code x}, {@code y}) of the
     * viewport; {@code view} maps frame pixels to the image's pixels.
     */
    record Request(Frame frame, Window window, boolean invert, ViewTransform view, int x, int y, int width, int height,
                   Heatmap heat, double heatOpacity) {
        /** Frame pixels to the viewport's device pixels. */
        ViewTransform frameToViewport() {
            return view.then(ViewTransform.translation(x, y));
        }
    }

    /** A finished render: the image and the request it shows. */
    record Composite(WritableImage image, Request request) {
    }

    private final Consumer<Composite> onImage;
    private final Thread thread;
    private final Object lock = new Object();
    private final ViewportCompositor compositor = new ViewportCompositor();
    private Request pending;
    private boolean closed;
    private Buffers buffers;
    private Frame sourceFrame;
    private Window sourceWindow;
    private ViewportCompositor.Source source;
    private Heatmap heat;
    private double heatOpacity = -1;
    private ViewportCompositor.HeatLayer heatLayer;
    private volatile long lastRenderNanos;
    private volatile long rendered;
    private volatile long totalRenderNanos;

    /** Two same-size buffers; {@code back} is the one not on screen. */
    private static final class Buffers {
        final int width;
        final int height;
        final PixelBuffer<IntBuffer>[] pb;
        final WritableImage[] images;
        int back;

        @SuppressWarnings("unchecked")
        Buffers(int width, int height) {
            this.width = width;
            this.height = height;
            pb = new PixelBuffer[2];
            images = new WritableImage[2];
            for (int i = 0; i < 2; i++) {
                IntBuffer buf = ByteBuffer.allocateDirect(width * height * 4).order(ByteOrder.nativeOrder()).asIntBuffer();
                pb[i] = new PixelBuffer<>(width, height, buf, PixelFormat.getIntArgbPreInstance());
                images[i] = new WritableImage(pb[i]);
            }
        }
    }

    public ImageRenderer(Consumer<Composite> onImage) {
        this.onImage = onImage;
        // Not niced like the other workers: under other processes' load a niced renderer got ~10 % of a core
        // and a window/level drag fell to 6 frames/s; during a draft it composes only a few images.
        thread = new Thread(this::loop, "image-renderer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Any thread: asks for a render (null: none); an older request not yet started is dropped. */
    void request(Request r) {
        synchronized (lock) {
            pending = r;
            lock.notifyAll();
        }
    }

    private void loop() {
        while (true) {
            Request r;
            synchronized (lock) {
                while (pending == null && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                r = pending;
                pending = null;
            }
            try {
                render(r);
            } catch (RuntimeException e) {
                // a frame that cannot be rendered leaves the previous image on screen
            }
        }
    }

    private void render(Request r) {
        long t0 = System.nanoTime();
        if (r.frame() != sourceFrame || !Objects.equals(r.window(), sourceWindow)) { // colour frames have no window
            window(r);
        }
        int[] pixels = compositor.compose(source, r.invert(), r.view(), r.width(), r.height(), heatLayer(r));
        Buffers b = buffers;
        if (b == null || b.width != r.width() || b.height != r.height()) {
            b = new Buffers(r.width(), r.height());
            buffers = b;
        }
        int slot = b.back;
        IntBuffer out = b.pb[slot].getBuffer();
        out.clear();
        out.put(pixels, 0, r.width() * r.height());
        out.clear();
        lastRenderNanos = System.nanoTime() - t0;
        totalRenderNanos += lastRenderNanos;
        rendered++;
        Buffers shown = b;
        CountDownLatch swapped = new CountDownLatch(1);
        Platform.runLater(() -> {
            shown.pb[slot].updateBuffer(p -> null);
            onImage.accept(new Composite(shown.images[slot], r));
            shown.back = 1 - slot;
            swapped.countDown();
        });
        try {
            swapped.await(); // the other buffer is free only once this one is on screen
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Points {@link #source} at the request's frame and window. A new window on the same grey frame re-windows
     * the source in place (it rebuilds only the level the view samples, into its own arrays): a W/L drag on a
     * 4-megapixel radiograph would otherwise allocate ~6 MB per change, and the collector's pauses for those
     * stop the UI thread too.
     */
    private void window(Request r) {
        if (r.frame() == sourceFrame && source != null && source.rewindowable()) {
            source.rewindow(r.window());
        } else {
            source = r.frame().isColor() ? new ViewportCompositor.Source(r.frame().render(null))
                    : new ViewportCompositor.Source(r.frame(), r.window());
        }
        sourceFrame = r.frame();
        sourceWindow = r.window();
    }

    /** The overlay layer for this request, rebuilt only when the map or the opacity changed. */
    private ViewportCompositor.HeatLayer heatLayer(Request r) {
        if (r.heat() == null) {
            return null;
        }
        if (r.heat() != heat || r.heatOpacity() != heatOpacity) {
            heatLayer = ViewportCompositor.HeatLayer.of(r.heat(), r.heatOpacity());
            heat = r.heat();
            heatOpacity = r.heatOpacity();
        }
        return heatLayer;
    }

    /** Milliseconds the last render took on the renderer thread (windowing, resampling, overlay, copy). */
    public double lastRenderMillis() {
        return lastRenderNanos / 1e6;
    }

    public double totalRenderMillis() {
        return totalRenderNanos / 1e6;
    }

    public long renderedCount() {
        return rendered;
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }
}
