package io.rayscribe.model.fast;

import java.util.concurrent.locks.LockSupport;

/**
 * A tiny fork-join for the decode loop: the calling thread runs part 0 of a task and persistent
 * helper threads run the other parts. Helpers spin for a short while after each task before
 * parking, because a decode step issues ~50 short tasks back to back and waking a parked thread
 * costs tens of microseconds each time. Not re-entrant; one caller thread at a time.
 */
public final class Workers implements AutoCloseable {
    /** One parallel piece of work; {@code part} runs in [0, parts). */
    @FunctionalInterface
    public interface Task {
        void run(int part, int parts);
    }

    /** How long an idle helper spins before parking. */
    private static final long SPIN_NANOS = Long.getLong("rayscribe.spinMicros", 2000) * 1000;

    private final int parts;
    private final Thread[] helpers;
    private final Slot[] slots;
    private volatile Task task;
    private volatile long generation;
    private volatile boolean closed;

    /** Per-helper state, padded so helpers do not share a cache line. */
    private static final class Slot {
        long p0, p1, p2, p3, p4, p5, p6;
        volatile long done;
        volatile boolean sleeping;
        volatile Throwable failure;
        long q0, q1, q2, q3, q4, q5, q6;
    }

    /** {@code parts} threads in all, counting the caller; 1 means everything runs inline. */
    public Workers(int parts, String name) {
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be >= 1");
        }
        this.parts = parts;
        this.helpers = new Thread[parts - 1];
        this.slots = new Slot[parts - 1];
        for (int i = 0; i < helpers.length; i++) {
            slots[i] = new Slot();
            int part = i + 1;
            helpers[i] = new Thread(() -> loop(part), name + "-" + part);
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    /** Default thread count: the machine's cores, at most {@code max}; overridable with -Drayscribe.threads. */
    public static int defaultParts(int max) {
        int n = Integer.getInteger("rayscribe.threads", Runtime.getRuntime().availableProcessors());
        return Math.max(1, Math.min(max, n));
    }

    public int parts() {
        return parts;
    }

    /** Runs {@code t} on all parts and returns when every part has finished. */
    public void run(Task t) {
        if (parts == 1) {
            t.run(0, 1);
            return;
        }
        if (closed) {
            throw new IllegalStateException("workers closed");
        }
        task = t;
        long g = generation + 1;
        generation = g;
        for (int i = 0; i < helpers.length; i++) {
            if (slots[i].sleeping) {
                LockSupport.unpark(helpers[i]);
            }
        }
        Throwable mine = null;
        try {
            t.run(0, parts);
        } catch (Throwable e) {
            mine = e;
        }
        for (int i = 0; i < helpers.length; i++) {
            Slot s = slots[i];
            int spins = 0;
            while (s.done != g) {
                if (++spins < 20_000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield(); // the helper lost its core to another process
                }
            }
            Throwable f = s.failure;
            if (f != null) {
                s.failure = null;
                mine = mine == null ? f : mine;
            }
        }
        if (mine instanceof RuntimeException re) {
            throw re;
        }
        if (mine instanceof Error er) {
            throw er;
        }
        if (mine != null) {
            throw new IllegalStateException(mine);
        }
    }

    private void loop(int part) {
        Slot s = slots[part - 1];
        long seen = 0;
        while (true) {
            long g = awaitNext(s, seen);
            if (closed) {
                return;
            }
            seen = g;
            try {
                task.run(part, parts);
            } catch (Throwable e) {
                s.failure = e;
            }
            s.done = g;
        }
    }

    private long awaitNext(Slot s, long seen) {
        long start = System.nanoTime();
        int spins = 0;
        long g;
        while ((g = generation) == seen && !closed) {
            if ((++spins & 1023) == 0 && System.nanoTime() - start > SPIN_NANOS) {
                s.sleeping = true;
                if ((g = generation) == seen && !closed) {
                    LockSupport.park(this);
                }
                s.sleeping = false;
                start = System.nanoTime();
            } else {
                Thread.onSpinWait();
            }
        }
        return generation;
    }

    /** Splits [0, n) into {@code parts} ranges aligned to {@code align}; returns the start of {@code part}. */
    public static int split(int n, int part, int parts, int align) {
        if (part >= parts) {
            return n;
        }
        long blocks = (n + align - 1) / align;
        long b = blocks * part / parts;
        return (int) Math.min(n, b * align);
    }

    @Override
    public void close() {
        closed = true;
        for (Thread h : helpers) {
            LockSupport.unpark(h);
        }
    }
}
