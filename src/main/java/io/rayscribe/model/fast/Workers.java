package io.rayscribe.model.fast;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A tiny parallel-for for the decode loop. A range is cut into chunks that the calling thread and
 * persistent helper threads claim from a shared counter, so when a helper has lost its core to
 * another process the caller simply does the remaining chunks itself instead of waiting for it
 * (the machine is shared; a static half/half split collapsed to a few tokens/s under load).
 * Idle helpers spin for a short while before parking, because a decode step issues ~50 short
 * ranges back to back and waking a parked thread costs tens of microseconds.
 * Not re-entrant; one caller thread at a time.
 */
public final class Workers implements AutoCloseable {
    /** Work over [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /**
     * How long an idle helper spins before parking (override with -Drayscribe.spinMicros). Long
     * enough to bridge the gaps between the products of a decode step and between tokens; short
     * because on a loaded machine a spinning helper burns the CPU time its own caller needs, and a
     * parked helper costs little here: the caller does not wait for it, it just does more chunks.
     */
    private static final long SPIN_NANOS = Long.getLong("rayscribe.spinMicros", 200) * 1000;
    /** The smallest chunk is 1/(parts × this) of a range: small enough to balance the tail. */
    private static final int MIN_CHUNKS_PER_PART = Integer.getInteger("rayscribe.chunks", 16);
    private static final boolean GUIDED = Boolean.parseBoolean(System.getProperty("rayscribe.guided", "true"));

    private final int parts;
    private final Thread[] helpers;
    private final Slot[] slots;
    private volatile Job job;
    private volatile long generation;
    private volatile boolean closed;

    /**
     * One parallel range in units of {@code align}-sized blocks, handed out by guided
     * self-scheduling: each claim takes 1/(2·parts) of what is left (at least {@code minBlocks}), so
     * chunks start large (few claims) and shrink towards the end (a thread that finds the range
     * exhausted waits at most for one small chunk of its peer).
     */
    private static final class Job {
        final Range range;
        final int n;
        final int align;
        final int blocks;
        final int minBlocks;
        final int divisor;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(Range range, int n, int align, int parts) {
            this.range = range;
            this.n = n;
            this.align = align;
            this.blocks = (n + align - 1) / align;
            this.minBlocks = Math.max(1, blocks / (parts * MIN_CHUNKS_PER_PART));
            this.divisor = 2 * parts;
        }

        void work() {
            while (true) {
                int cur = next.get();
                if (cur >= blocks) {
                    return;
                }
                int size = Math.min(blocks - cur, GUIDED ? Math.max(minBlocks, (blocks - cur) / divisor) : minBlocks);
                if (!next.compareAndSet(cur, cur + size)) {
                    continue;
                }
                try {
                    range.run(cur * align, Math.min(n, (cur + size) * align));
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    done.addAndGet(size);
                }
            }
        }
    }

    /** Per-helper parking flag, padded so helpers do not share a cache line. */
    private static final class Slot {
        long p0, p1, p2, p3, p4, p5, p6;
        volatile boolean sleeping;
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
            Slot slot = new Slot();
            slots[i] = slot;
            helpers[i] = new Thread(() -> loop(slot), name + "-" + (i + 1));
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

    /**
     * Runs {@code r} over [0, n) in chunks whose starts are multiples of {@code align}, and returns
     * when all of it is done. Exceptions from any chunk are rethrown here.
     */
    public void forRange(int n, int align, Range r) {
        if (n <= 0) {
            return;
        }
        if (parts == 1 || n <= align) {
            r.run(0, n);
            return;
        }
        if (closed) {
            throw new IllegalStateException("workers closed");
        }
        Job j = new Job(r, n, align, parts);
        job = j;
        generation = generation + 1;
        for (int i = 0; i < helpers.length; i++) {
            if (slots[i].sleeping) {
                LockSupport.unpark(helpers[i]);
            }
        }
        j.work();
        int spins = 0;
        while (j.done.get() < j.blocks) {
            // A helper is inside a chunk it claimed; if it was descheduled, let it run.
            if (++spins < 10_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        Throwable f = j.failure;
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error er) {
            throw er;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    private void loop(Slot s) {
        long seen = 0;
        while (true) {
            seen = awaitNext(s, seen);
            if (closed) {
                return;
            }
            job.work();
        }
    }

    private long awaitNext(Slot s, long seen) {
        long start = System.nanoTime();
        int spins = 0;
        long g;
        while ((g = generation) == seen && !closed) {
            if ((++spins & 255) == 0 && System.nanoTime() - start > SPIN_NANOS) {
                s.sleeping = true;
                if (generation == seen && !closed) {
                    LockSupport.park(this);
                }
                s.sleeping = false;
                start = System.nanoTime();
            } else {
                Thread.onSpinWait();
            }
        }
        return g;
    }

    @Override
    public void close() {
        closed = true;
        for (Thread h : helpers) {
            LockSupport.unpark(h);
        }
    }
}
