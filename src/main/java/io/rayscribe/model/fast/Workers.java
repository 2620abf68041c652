package io.rayscribe.model.fast;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A tiny parallel-for for the decode loop. A range is cut into chunks that the calling thread and
 * persistent helper threads claim from a shared counter, so when a helper has lost its core to
 * another process the caller simply does the remaining chunks itself instead of waiting for it
 * (the machine is shared; a static half/half split collapsed to a few tokens/s under load).
 * Idle helpers spin for a short while before parking, because a decode step issues ~50 short
 * ranges back to back and waking a parked thread costs tens of microseconds each time.
 * Not re-entrant; one caller thread at a time.
 */
public final class Workers implements AutoCloseable {
    /** Work over [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** How long an idle helper spins before parking (override with -Drayscribe.spinMicros). */
    private static final long SPIN_NANOS = Long.getLong("rayscribe.spinMicros", 2000) * 1000;
    /** Chunks per thread: enough to rebalance when a thread stalls, few enough to keep claims cheap. */
    private static final int CHUNKS_PER_PART = 8;

    private final int parts;
    private final Thread[] helpers;
    private final Slot[] slots;
    private volatile Job job;
    private volatile long generation;
    private volatile boolean closed;

    /** One parallel range: chunks are claimed through {@code next}, counted in {@code done}. */
    private static final class Job {
        final Range range;
        final int n;
        final int chunk;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(Range range, int n, int chunk) {
            this.range = range;
            this.n = n;
            this.chunk = chunk;
            this.chunks = (n + chunk - 1) / chunk;
        }

        void work() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                try {
                    range.run(c * chunk, Math.min(n, (c + 1) * chunk));
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    done.incrementAndGet();
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
        int blocks = (n + align - 1) / align;
        int chunkBlocks = Math.max(1, blocks / (parts * CHUNKS_PER_PART));
        if (parts == 1 || chunkBlocks >= blocks) {
            r.run(0, n);
            return;
        }
        if (closed) {
            throw new IllegalStateException("workers closed");
        }
        Job j = new Job(r, n, chunkBlocks * align);
        job = j;
        generation = generation + 1;
        for (int i = 0; i < helpers.length; i++) {
            if (slots[i].sleeping) {
                LockSupport.unpark(helpers[i]);
            }
        }
        j.work();
        int spins = 0;
        while (j.done.get() < j.chunks) {
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
