package io.rayscribe.dicom;

import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameDecoderTest {
    @Test
    void cacheStaysWithinItsByteBudgetAndKeepsTheMostRecentFrames() {
        Path xa = SharedData.resolve("dicom/radiography/XA_multiframe96_jpeg_baseline.dcm");
        FrameDecoder d = new FrameDecoder(4L << 20); // room for about three 512x512 frames
        Frame last = null;
        for (int i = 0; i < 20; i++) {
            last = d.decode(xa, i);
            assertTrue(d.cachedBytes() <= d.maxBytes(), "cache " + d.cachedBytes() + " within " + d.maxBytes());
        }
        assertSame(last, d.decode(xa, 19), "the most recent frame is still cached");
        assertTrue(d.cachedBytes() > 0);
        d.clear();
        assertEquals(0, d.cachedBytes());
    }

    @Test
    void concurrentRequestsForOneFrameShareOneDecode() throws Exception {
        Path mg = SharedData.resolve("dicom/radiography/MG_breast_overlay_out_of_bounds.dcm");
        FrameDecoder d = new FrameDecoder(256L << 20);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Frame>> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tasks.add(() -> d.decode(mg, 0));
            }
            List<Future<Frame>> results = pool.invokeAll(tasks);
            Frame first = results.get(0).get();
            for (Future<Frame> f : results) {
                assertSame(first, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void openingAFolderReadsHeadersOnly() {
        FrameDecoder.shared().clear();
        LoadResult r = StudyLoader.open(List.of(SharedData.resolve("dicom/radiography")));
        assertTrue(r.patients().size() >= 5);
        assertEquals(0, FrameDecoder.shared().cachedBytes(), "no frame was decoded while opening");
    }
}
