package io.rayscribe.ui;

import io.rayscribe.core.ThreadPriorities;
import javafx.application.Platform;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs {@link BackgroundTask}s on a small pool of daemon threads and hands results back to the
 * JavaFX thread. The FX thread only lays out and paints; decoding, rendering and model work happen here.
 */
public final class UiTaskExecutor implements AutoCloseable {
    private final ExecutorService pool;
    private final AtomicInteger running = new AtomicInteger();

    public UiTaskExecutor(int threads) {
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(ThreadPriorities.background(r), "ui-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setPriority(Thread.NORM_PRIORITY - 1);
            return t;
        });
    }

    public <V> Future<?> execute(BackgroundTask<V> task) {
        running.incrementAndGet();
        return pool.submit(() -> {
            try {
                V v = task.work().call();
                Platform.runLater(() -> task.successHandler().accept(v));
            } catch (Throwable e) {
                Platform.runLater(() -> task.failureHandler().accept(e));
            } finally {
                running.decrementAndGet();
                Platform.runLater(task.finishedHandler());
            }
        });
    }

    /** Tasks submitted and not yet finished (tests wait for this to reach 0). */
    public int running() {
        return running.get();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
