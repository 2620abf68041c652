package io.rayscribe.ui;

import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.dicom.Frame;
import io.rayscribe.dicom.Window;
import javafx.application.Platform;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.function.Consumer;

/**
 * Renders frames off the JavaFX thread: the newest (frame, window, invert) request wins; the LUT pass
 * and the grey-to-ARGB conversion run on this renderer's own thread into the back one of two
 * {@link PixelBuffer}s, and the FX thread only swaps which image is shown. A window/level drag
 * therefore never waits for pixels on the UI thread.
 */
public final class ImageRenderer implements AutoCloseable {
    private record Request(Frame frame, Window window, boolean invert) {
    }

    private final Consumer<WritableImage> onImage;
    private final Thread thread;
    private final Object lock = new Object();
    private Request pending;
    private boolean closed;
    private Buffers buffers;
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

    public ImageRenderer(Consumer<WritableImage> onImage) {
        this.onImage = onImage;
        thread = new Thread(this::loop, "image-renderer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Any thread: asks for a render; an older request not yet started is dropped. */
    public void request(Frame frame, Window window, boolean invert) {
        synchronized (lock) {
            pending = frame == null ? null : new Request(frame, window, invert);
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
        DisplayImage img = r.frame().render(r.window());
        Buffers b = buffers;
        if (b == null || b.width != img.width() || b.height != img.height()) {
            b = new Buffers(img.width(), img.height());
            buffers = b;
        }
        int slot = b.back;
        IntBuffer out = b.pb[slot].getBuffer();
        fill(img, r.invert(), out);
        lastRenderNanos = System.nanoTime() - t0;
        totalRenderNanos += lastRenderNanos;
        rendered++;
        Buffers shown = b;
        java.util.concurrent.CountDownLatch swapped = new java.util.concurrent.CountDownLatch(1);
        Platform.runLater(() -> {
            shown.pb[slot].updateBuffer(p -> null);
            onImage.accept(shown.images[slot]);
            shown.back = 1 - slot;
            swapped.countDown();
        });
        try {
            swapped.await(); // the other buffer is free only once this one is on screen
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final int[] GREY = new int[256];
    private static final int[] GREY_INV = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            GREY[i] = 0xff000000 | i << 16 | i << 8 | i;
            int j = 255 - i;
            GREY_INV[i] = 0xff000000 | j << 16 | j << 8 | j;
        }
    }

    private static void fill(DisplayImage img, boolean invert, IntBuffer out) {
        int n = img.width() * img.height();
        int[] row = new int[Math.min(n, 1 << 16)];
        out.clear();
        if (!img.isColor()) {
            int[] lut = invert ? GREY_INV : GREY;
            byte[] g = img.grey();
            for (int off = 0; off < n; off += row.length) {
                int len = Math.min(row.length, n - off);
                for (int i = 0; i < len; i++) {
                    row[i] = lut[g[off + i] & 0xff];
                }
                out.put(row, 0, len);
            }
        } else {
            int[] rgb = img.rgb();
            for (int off = 0; off < n; off += row.length) {
                int len = Math.min(row.length, n - off);
                for (int i = 0; i < len; i++) {
                    int c = rgb[off + i];
                    row[i] = 0xff000000 | (invert ? ~c : c);
                }
                out.put(row, 0, len);
            }
        }
        out.clear();
    }

    /** Milliseconds the last render took on the renderer thread (LUT + conversion). */
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
