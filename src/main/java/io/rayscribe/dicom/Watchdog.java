package io.rayscribe.dicom;

import io.rayscribe.core.RayScribeException;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a third-party decoder (ImageIO: JDK JPEG, jai JPEG 2000, PixelMed JPEG lossless) on its own
 * thread with a deadline. Fuzzing showed corrupt JPEG 2000 packet headers can keep JJ2000 looping
 * forever; such a thread is stopped (Java 17 still honours Thread.stop, and the decoder's objects
 * are private to it) and the user gets a one-line error instead of a hung viewer.
 */
final class Watchdog {
    private static final String THREAD_NAME = "rayscribe-decoder";

    static {
        // JJ2000 prints stack traces to System.err on corrupt data (then stops its own thread);
        // drop what our decoder threads print so users only see our one-line error.
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                if (!Thread.currentThread().getName().equals(THREAD_NAME)) {
                    original.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (!Thread.currentThread().getName().equals(THREAD_NAME)) {
                    original.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                original.flush();
            }
        }, true));
    }

    private Watchdog() {
    }

    /** Deadline for decoding {@code pixels}: 2 s plus 1 s per megapixel. */
    static long deadlineMs(long pixels) {
        return 2_000 + pixels / 1_000;
    }

    @SuppressWarnings({"deprecation", "removal"})
    static <T> T run(Callable<T> task, long timeoutMs, Path file, String what) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(task.call());
            } catch (ThreadDeath e) {
                // JJ2000's exception handler stops its own thread on corrupt input
                failure.set(RayScribeException.forFile(file, what + ": the compressed data is corrupt"));
            } catch (OutOfMemoryError e) {
                failure.set(RayScribeException.forFile(file, what + ": the compressed data asks for more memory than is available"));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, THREAD_NAME);
        t.setDaemon(true);
        t.start();
        t.join(timeoutMs);
        if (t.isAlive()) {
            try {
                t.stop();
            } catch (UnsupportedOperationException e) {
                // Java 20+: the runaway daemon thread cannot be stopped; the user still gets the error
            }
            throw RayScribeException.forFile(file, what + " did not finish within " + (timeoutMs / 1000.0)
                    + " s (the compressed data is probably corrupt)");
        }
        Throwable f = failure.get();
        if (f instanceof Exception e) {
            throw e;
        }
        if (f instanceof Error e) {
            throw e;
        }
        return result.get();
    }
}
