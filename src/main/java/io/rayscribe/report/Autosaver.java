package io.rayscribe.report;

import io.rayscribe.core.ThreadPriorities;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Saves reports in the background shortly after they change. The caller's thread only takes a
 * JSON snapshot (cheap); a single daemon thread writes the latest snapshot once changes pause for
 * {@code delayMillis}, so a burst of streamed tokens costs one write, not hundreds.
 */
public final class Autosaver implements AutoCloseable {
    private final ReportStore store;
    private final long delayMillis;
    private final Consumer<Throwable> onError;
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(ThreadPriorities.background(r), "report-autosave");
        t.setDaemon(true);
        return t;
    });
    private final Object lock = new Object();
    private String pendingUid;
    private String pendingJson;
    private ScheduledFuture<?> scheduled;
    private volatile long writes;

    public Autosaver(ReportStore store, long delayMillis, Consumer<Throwable> onError) {
        this.store = store;
        this.delayMillis = delayMillis;
        this.onError = onError;
        writer.execute(() -> { }); // start the thread now, not in the UI frame of the first change (a draft's start)
    }

    /** Snapshots {@code report} now and writes it after the quiet period. */
    public void changed(Report report) {
        String json = report.toJson();
        synchronized (lock) {
            if (pendingUid != null && !pendingUid.equals(report.study().studyUid())) {
                writeNow(pendingUid, pendingJson);
            }
            pendingUid = report.study().studyUid();
            pendingJson = json;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            scheduled = writer.schedule(this::writePending, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes whatever is pending right now (on the calling thread). */
    public void flush() {
        synchronized (lock) {
            if (scheduled != null) {
                scheduled.cancel(false);
                scheduled = null;
            }
            writePending();
        }
    }

    public long writes() {
        return writes;
    }

    private void writePending() {
        String uid;
        String json;
        synchronized (lock) {
            uid = pendingUid;
            json = pendingJson;
            pendingUid = null;
            pendingJson = null;
        }
        if (uid != null) {
            writeNow(uid, json);
        }
    }

    private void writeNow(String uid, String json) {
        try {
            store.saveJson(uid, json);
            writes++;
        } catch (RuntimeException e) {
            onError.accept(e);
        }
    }

    @Override
    public void close() {
        flush();
        writer.shutdownNow();
    }
}
