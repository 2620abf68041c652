package io.rayscribe.ui;

import io.rayscribe.core.RayScribeException;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Drives the JavaFX toolkit from a plain thread, for the screenshot and benchmark commands: start it
 * (headless through Monocle unless a real window is asked for), run code on the FX thread, wait for
 * conditions, snapshot scenes to PNG.
 */
public final class FxDriver {
    private FxDriver() {
    }

    /** Starts JavaFX; {@code headless} selects Monocle's headless screen (no display needed). */
    public static void start(boolean headless, int screenWidth, int screenHeight) {
        RenderDefaults.apply();
        if (headless) {
            System.setProperty("glass.platform", "Monocle");
            System.setProperty("monocle.platform", "Headless");
            System.setProperty("prism.order", "sw");
            System.setProperty("prism.text", "t2k");
            System.setProperty("headless.geometry", screenWidth + "x" + screenHeight + "-32");
        }
        CountDownLatch up = new CountDownLatch(1);
        try {
            Platform.startup(up::countDown);
            if (!up.await(60, TimeUnit.SECONDS)) {
                throw new RayScribeException("JavaFX did not start within 60 s");
            }
        } catch (IllegalStateException alreadyRunning) {
            // toolkit already up (e.g. inside tests)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (UnsupportedOperationException | Error e) {
            throw new RayScribeException("cannot start JavaFX (" + e.getMessage() + ")"
                    + (headless ? "" : "; without a display use xvfb-run or drop --window"));
        }
        Platform.setImplicitExit(false);
    }

    public static <T> T call(Callable<T> c) {
        FutureTask<T> t = new FutureTask<>(c);
        Platform.runLater(t);
        try {
            return t.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new RayScribeException("UI step failed: " + cause, cause);
        }
    }

    public static void run(Runnable r) {
        call(() -> {
            r.run();
            return null;
        });
    }

    /** Waits (checking on the FX thread) until {@code condition} holds. */
    public static void waitFor(double seconds, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (!call(condition::getAsBoolean)) {
            if (System.nanoTime() > deadline) {
                throw new RayScribeException("timed out after " + seconds + " s waiting for " + what);
            }
            sleep(20);
        }
    }

    /** Lets a few pulses pass so layout and CSS settle. */
    public static void settle(int millis) {
        sleep(millis);
        run(() -> { });
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes a snapshot of {@code scene} as PNG (taken on the FX thread, encoded here). */
    public static Path snapshot(Scene scene, Path out) {
        WritableImage img = call(() -> scene.snapshot(null));
        try {
            Files.createDirectories(out.toAbsolutePath().getParent());
            ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", out.toFile());
        } catch (IOException e) {
            throw RayScribeException.forFile(out, "cannot write the screenshot (" + e.getMessage() + ")", e);
        }
        return out;
    }
}
