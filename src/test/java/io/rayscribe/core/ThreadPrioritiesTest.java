package io.rayscribe.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lowers real threads' priority and reads the kernel's view back (ps, /proc), not the helper's own. */
class ThreadPrioritiesTest {

    /** The nice value the kernel reports for one thread of this JVM, read by ps. */
    private static int niceByPs(int tid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ps", "-L", "-o", "tid=,ni=", "-p", Long.toString(ProcessHandle.current().pid()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        for (String line : out.strip().split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (Integer.parseInt(f[0]) == tid) {
                return Integer.parseInt(f[1]);
            }
        }
        throw new AssertionError("thread " + tid + " not listed by ps: " + out);
    }

    private static int processNice() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }

    /** Runs body on a fresh thread and returns what it produced (rethrowing its failure). */
    private static <T> T onNewThread(ThrowingSupplier<T> body) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(body.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "priority-test");
        t.start();
        t.join();
        if (failure.get() instanceof Exception e) {
            throw e;
        }
        if (failure.get() instanceof Error e) {
            throw e;
        }
        return result.get();
    }

    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    @Test
    void lowersOnlyTheCallingThreadAndTheKernelSeesIt() throws Exception {
        int base = processNice();
        int expected = Math.min(19, base + 5);
        int callerTid = ThreadPriorities.currentThreadId().orElseThrow();
        int callerNiceBefore = niceByPs(callerTid);
        int[] seen = onNewThread(() -> {
            int tid = ThreadPriorities.currentThreadId().orElseThrow();
            int before = niceByPs(tid);
            OptionalInt after = ThreadPriorities.lowerCurrentThread(5);
            return new int[] {tid, before, after.orElseThrow(), niceByPs(tid), ThreadPriorities.currentThreadNice().orElseThrow()};
        });
        assertNotEquals(callerTid, seen[0], "a thread of its own");
        assertEquals(base, seen[1], "a new thread starts at the process's nice value");
        assertEquals(expected, seen[2], "returned nice value");
        assertEquals(expected, seen[3], "nice value the kernel reports (ps)");
        assertEquals(expected, seen[4], "nice value read back from /proc/thread-self/stat");
        assertEquals(callerNiceBefore, niceByPs(callerTid), "the calling test thread keeps its priority");
    }

    @Test
    void aThreadStartedByALoweredThreadInheritsAndIsNotLoweredTwice() throws Exception {
        int expected = Math.min(19, processNice() + 3);
        int[] seen = onNewThread(() -> {
            int first = ThreadPriorities.lowerCurrentThread(3).orElseThrow();
            int again = ThreadPriorities.lowerCurrentThread(3).orElseThrow();
            int[] child = onNewThread(() -> new int[] {
                ThreadPriorities.currentThreadNice().orElseThrow(),
                ThreadPriorities.lowerCurrentThread(3).orElseThrow()});
            return new int[] {first, again, child[0], child[1]};
        });
        assertEquals(expected, seen[0]);
        assertEquals(expected, seen[1], "a second call changes nothing");
        assertEquals(expected, seen[2], "a child thread inherits its creator's nice value");
        assertEquals(expected, seen[3], "and lowering it again keeps it there, not base + 6");
    }

    @Test
    void backgroundWrapperLowersTheThreadBeforeTheBodyRuns() throws Exception {
        assertTrue(ThreadPriorities.enabled(), "on by default (the tests run without -Drayscribe.niceWorkers)");
        int expected = Math.min(19, processNice() + ThreadPriorities.BACKGROUND_NICE);
        AtomicReference<Integer> seen = new AtomicReference<>();
        Thread t = new Thread(ThreadPriorities.background(() -> seen.set(ThreadPriorities.currentThreadNice().orElseThrow())));
        t.start();
        t.join();
        assertEquals(expected, seen.get());
    }
}
