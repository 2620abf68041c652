package io.rayscribe.ui;

import javafx.application.Platform;
import javafx.css.PseudoClass;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

import static io.rayscribe.ui.UiTestSupport.fx;
import static io.rayscribe.ui.UiTestSupport.onFx;
import static io.rayscribe.ui.UiTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The guard against whole-window repaints, on the real pulse (Monocle): a control that invalidates CSS
 * during layout (as virtual flows do with their cells) leaves the next pulse with nothing to change but
 * the scene root queued, which JavaFX would render as a whole-window repaint; the guard drops that empty
 * synchronisation, so the pulse ends without a frame, and leaves pulses with real changes alone.
 */
@ExtendWith(ApplicationExtension.class)
class RepaintGuardTest {
    private static final PseudoClass FLIPPED = PseudoClass.getPseudoClass("flipped");
    // A rule that uses the pseudo-class, so toggling it invalidates CSS, but changes nothing on screen.
    private static final String CSS = "data:text/css;base64," + Base64.getEncoder().encodeToString(
            ".flipper .label:flipped { -fx-opacity: 1; }".getBytes(StandardCharsets.UTF_8));

    private final AtomicInteger pulses = new AtomicInteger();
    private final AtomicInteger emptySyncs = new AtomicInteger();
    private Flipper flipper;
    private Label plain;
    private RepaintGuard guard;

    /** Toggles a pseudo-class on its label in every layout pass, like a virtual flow re-indexing a cell. */
    private static final class Flipper extends Region {
        private final Label label = new Label("cell");
        private boolean flipped;

        Flipper() {
            getStyleClass().add("flipper");
            getChildren().add(label);
        }

        @Override
        protected void layoutChildren() {
            flipped = !flipped;
            label.pseudoClassStateChanged(FLIPPED, flipped);
            label.resizeRelocate(0, 0, 80, 20);
        }
    }

    @Start
    void start(Stage stage) {
        flipper = new Flipper();
        plain = new Label("plain");
        VBox root = new VBox(flipper, plain);
        Scene scene = new Scene(root, 200, 120);
        scene.getStylesheets().add(CSS);
        guard = RepaintGuard.install(scene);
        // runs after the guard's listener: no pulse may go on to synchronise a queue without changes
        scene.addPostLayoutPulseListener(() -> {
            pulses.incrementAndGet();
            try {
                if (guard.queueHoldsNoChange()) {
                    emptySyncs.incrementAndGet();
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
        stage.setScene(scene);
        stage.show();
    }

    @Test
    void aPulseWithNothingToChangeEndsWithoutAFrameAndRealChangesAreLeftAlone() throws Exception {
        assertNotNull(guard, "this JavaFX exposes the scene's synchronisation queue");
        settle();

        long before = onFx(guard::skippedRepaints);
        fx(flipper::requestLayout);
        waitFor(5, "the pulse after a layout-time CSS invalidation", () -> guard.skippedRepaints() > before);

        settle();
        long afterFlip = onFx(guard::skippedRepaints);
        fx(() -> plain.setText("changed"));
        awaitPulses(2);
        assertEquals(afterFlip, onFx(guard::skippedRepaints), "a pulse that changes a label is not dropped");
        assertEquals(0, emptySyncs.get(), "no pulse went on to synchronise a queue without changes");
    }

    /** Lets queued work finish: two more pulses. */
    private void settle() throws Exception {
        awaitPulses(2);
    }

    private void awaitPulses(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            int seen = pulses.get();
            fx(Platform::requestNextPulse);
            waitFor(5, "a pulse", () -> pulses.get() > seen);
        }
    }
}
