package io.rayscribe.ui;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static io.rayscribe.ui.UiTestSupport.fx;
import static io.rayscribe.ui.UiTestSupport.onFx;
import static io.rayscribe.ui.UiTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.*;

/** The per-frame hand-over from a producer thread to the JavaFX thread, on the real pulse (Monocle). */
@ExtendWith(ApplicationExtension.class)
class FrameBatcherTest {
    @Test
    void aBurstIsSpreadOverFramesInOrderAndStopDeliversTheRest() throws Exception {
        List<List<Integer>> batches = new ArrayList<>();
        List<Boolean> onFxThread = new ArrayList<>();
        FrameBatcher<Integer> batcher = new FrameBatcher<>(b -> {
            onFxThread.add(javafx.application.Platform.isFxApplicationThread());
            batches.add(List.copyOf(b));
        }, 16);
        Thread producer = new Thread(() -> IntStream.range(0, 100).forEach(batcher::add));
        producer.start();
        producer.join();
        fx(batcher::start);
        waitFor(10, "the burst to be delivered", () -> batches.stream().mapToInt(List::size).sum() == 100);
        List<List<Integer>> delivered = onFx(() -> List.copyOf(batches));
        assertTrue(delivered.size() >= 7, "100 items at most 16 per frame take at least 7 frames: " + delivered.size());
        assertTrue(delivered.stream().allMatch(b -> !b.isEmpty() && b.size() <= 16), delivered.toString());
        assertEquals(IntStream.range(0, 100).boxed().toList(), delivered.stream().flatMap(List::stream).toList());
        assertTrue(onFx(() -> onFxThread.stream().allMatch(x -> x)));

        // stop() hands over everything still queued at once, whatever the per-frame limit.
        fx(() -> {
            batches.clear();
            IntStream.range(100, 150).forEach(batcher::add);
            batcher.stop();
        });
        List<List<Integer>> atStop = onFx(() -> List.copyOf(batches));
        assertEquals(1, atStop.size());
        assertEquals(IntStream.range(100, 150).boxed().toList(), atStop.get(0));
    }
}
