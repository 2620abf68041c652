package io.rayscribe.report;

import io.rayscribe.core.RayScribeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class ReportStoreTest {
    @TempDir
    Path dir;

    @Test
    void savesAtomicallyAndRestores() throws Exception {
        ReportStore store = new ReportStore(dir.resolve("reports"));
        Report r = ReportTest.drafted("Lungs", " clear", ".");
        store.save(r);
        r.setText(Section.IMPRESSION, "No acute disease.");
        store.save(r);
        try (Stream<Path> files = Files.list(store.dir())) {
            assertEquals(List.of("1.2.3.4.json"), files.map(p -> p.getFileName().toString()).toList());
        }
        Report back = store.load("1.2.3.4").orElseThrow();
        assertEquals("No acute disease.", back.text(Section.IMPRESSION));
        assertEquals(1, back.aiSpans().size());
        assertTrue(store.load("9.9.9").isEmpty());
    }

    @Test
    void damagedFileIsReportedByNameAndCanBeMovedAside() throws Exception {
        ReportStore store = new ReportStore(dir);
        Files.writeString(store.fileFor("1.2.3.4"), "{ truncated");
        RayScribeException e = assertThrows(RayScribeException.class, () -> store.load("1.2.3.4"));
        assertTrue(e.getMessage().startsWith(store.fileFor("1.2.3.4").toString()), e.getMessage());
        Path aside = store.quarantine("1.2.3.4");
        assertTrue(Files.exists(aside));
        assertTrue(store.load("1.2.3.4").isEmpty());
    }

    @Test
    void autosaverCoalescesABurstIntoFewWritesAndFlushesTheLatest() throws Exception {
        ReportStore store = new ReportStore(dir);
        List<Throwable> errors = new ArrayList<>();
        Report r = new Report(ReportTest.study());
        try (Autosaver saver = new Autosaver(store, 200, errors::add)) {
            r.addChangeListener(() -> saver.changed(r));
            r.startGeneration("m", "cpu");
            for (int i = 0; i < 100; i++) {
                r.appendGenerated(Section.FINDINGS, " w" + i, i);
            }
            saver.flush();
            assertTrue(saver.writes() >= 1 && saver.writes() < 10, "writes: " + saver.writes());
            assertEquals(r.text(Section.FINDINGS), store.load("1.2.3.4").orElseThrow().text(Section.FINDINGS));
            r.setText(Section.IMPRESSION, "Normal.");
        }
        assertEquals("Normal.", store.load("1.2.3.4").orElseThrow().text(Section.IMPRESSION));
        assertTrue(errors.isEmpty(), errors.toString());
    }

    @Test
    void survivesTheWriterProcessBeingKilled() throws Exception {
        // A separate JVM rewrites the report in a tight loop and is killed mid-way: the file left
        // behind must always be a complete report (never a half-written one).
        ReportStore store = new ReportStore(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ReportStoreTest.class.getName() + "$Writer", dir.toString()).redirectErrorStream(true).start();
        Path file = store.fileFor("1.2.3.4");
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.exists(file) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        p.destroyForcibly().waitFor();
        Report back = store.load("1.2.3.4").orElseThrow();
        assertTrue(back.text(Section.FINDINGS).startsWith(" w0 w1"), back.text(Section.FINDINGS));
    }

    /** Child process for {@link #survivesTheWriterProcessBeingKilled()}. */
    public static final class Writer {
        public static void main(String[] args) {
            ReportStore store = new ReportStore(Path.of(args[0]));
            Report r = new Report(ReportTest.study());
            r.startGeneration("m", "cpu");
            for (int i = 0; ; i++) {
                r.appendGenerated(Section.FINDINGS, " w" + i, i);
                store.save(r);
            }
        }
    }
}
