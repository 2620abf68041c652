package io.rayscribe.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lowers the OS scheduling priority of RayScribe's background work threads (decoder, attention maps,
 * UI workers) so that the UI thread wins a core whenever it is runnable: on a 2-core machine a draft
 * keeps both cores busy, and a UI thread that merely waits for a core stalls the window.
 * <p>
 * Java thread priorities are ignored on Linux, but each Linux thread has its own nice value, which an
 * unprivileged process may raise (never lower again). Java 17 has no call for setpriority(2), so the
 * thread runs {@code renice} on its own native thread id once, at thread start. Threads the worker
 * creates afterwards inherit its nice value (e.g. the decoder's helper threads).
 * <p>
 * Off with {@code -Drayscribe.niceWorkers=false}. Elsewhere than Linux nothing happens; on Linux without
 * a working {@code renice} nothing happens either, and that is reported once on stderr.
 */
public final class ThreadPriorities {
    /** The nice increment for background work: the UI thread (nice 0) then gets ~90 % of a shared core. */
    public static final int BACKGROUND_NICE = 10;
    private static final long RENICE_TIMEOUT_MS = 2_000;
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");

    private ThreadPriorities() {
    }

    /** Whether background threads are niced ({@code -Drayscribe.niceWorkers}, default true). */
    public static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty("rayscribe.niceWorkers", "true"));
    }

    /**
     * Call at the start of a background thread (never on the UI thread: it starts a process): lowers
     * this thread's priority by {@link #BACKGROUND_NICE} if {@link #enabled()}.
     */
    public static void backgroundThread() {
        if (enabled()) {
            lowerCurrentThread(BACKGROUND_NICE);
        }
    }

    /** Wraps a thread's body so that it starts with {@link #backgroundThread()} (for thread factories). */
    public static Runnable background(Runnable body) {
        return () -> {
            backgroundThread();
            body.run();
        };
    }

    /**
     * Sets the calling thread's nice value to the process's own nice value plus {@code niceIncrement}
     * (at most 19), unless it is already at least that (a thread inherits its creator's nice value:
     * a worker started by a worker must not be lowered twice). Returns the thread's nice value
     * afterwards; empty where thread nice values cannot be read (not Linux). If renice fails, a one-line
     * warning is printed once. Failures never throw: priority is an optimisation.
     */
    public static OptionalInt lowerCurrentThread(int niceIncrement) {
        if (niceIncrement < 0) {
            throw new IllegalArgumentException("niceIncrement must be >= 0 (only lowering is allowed)");
        }
        OptionalInt before = currentThreadNice();
        OptionalInt base = niceOf(Path.of("/proc/self/stat")); // the main thread's: the process's own
        OptionalInt tid = currentThreadId();
        if (before.isEmpty() || base.isEmpty() || tid.isEmpty()) {
            return OptionalInt.empty(); // not Linux: no per-thread nice values; nothing to warn about
        }
        int target = Math.min(19, base.getAsInt() + niceIncrement);
        if (before.getAsInt() >= target) {
            return before;
        }
        try {
            // util-linux renice: -n is the new nice value (absolute).
            Process p = new ProcessBuilder("renice", "-n", Integer.toString(target), "-p", Integer.toString(tid.getAsInt()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(RENICE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                warnOnce("renice did not finish within " + RENICE_TIMEOUT_MS + " ms");
                return currentThreadNice();
            }
        } catch (IOException e) {
            warnOnce("cannot run renice (" + e.getMessage() + ")");
            return before;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return currentThreadNice();
        }
        OptionalInt after = currentThreadNice();
        if (after.isEmpty() || after.getAsInt() != target) {
            warnOnce("renice left thread " + tid.getAsInt() + " at nice " + (after.isPresent() ? after.getAsInt() : "?")
                    + " instead of " + target);
        }
        return after;
    }

    /** The calling thread's nice value, from /proc/thread-self/stat (field 19); empty if unreadable. */
    public static OptionalInt currentThreadNice() {
        return niceOf(THREAD_SELF.resolve("stat"));
    }

    private static OptionalInt niceOf(Path stat) {
        try {
            String text = Files.readString(stat);
            // The command name (field 2) is in parentheses and may contain spaces: count from after it.
            String[] rest = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
            return OptionalInt.of(Integer.parseInt(rest[19 - 3]));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /** The calling thread's native (kernel) thread id; empty where /proc/thread-self is missing. */
    public static OptionalInt currentThreadId() {
        try {
            String link = Files.readSymbolicLink(THREAD_SELF).toString(); // "<pid>/task/<tid>"
            return OptionalInt.of(Integer.parseInt(link.substring(link.lastIndexOf('/') + 1)));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    private static void warnOnce(String why) {
        if (WARNED.compareAndSet(false, true)) {
            System.err.println("rayscribe: background threads keep their normal priority: " + why);
        }
    }
}
