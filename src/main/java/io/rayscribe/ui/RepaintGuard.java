package io.rayscribe.ui;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;

import java.lang.reflect.Field;
import java.util.Collection;

/**
 * Keeps JavaFX from repainting the whole window when nothing changed.
 *
 * <p>Virtualised controls (the report editor's paragraphs, the prompt list, the study tree) create and
 * re-index their cells during the layout pass, and that invalidates CSS. JavaFX then marks the scene root
 * dirty at the end of the pulse. In the next pulse the CSS pass finds nothing to change, but the root is
 * still queued for synchronisation. The frame is rendered with an empty dirty-region list, and the
 * renderer takes an empty list to mean "paint everything". With software rendering that whole-window repaint
 * took 40-190 ms after each streamed attention update, and the next frame waited for it
 * ({@code docs/performance.md}).
 *
 * <p>After each layout pass this guard looks (read-only, by reflection: JavaFX has no public API for it) at
 * the scene's queue of nodes to synchronise. When nothing in it carries a change, it changes the fill of a
 * one-pixel transparent rectangle instead, so the renderer repaints that pixel rather than the window. If a
 * future JavaFX renames those fields, the guard switches itself off and the window paints as JavaFX does.
 */
final class RepaintGuard {
    private static final Color FILL_A = Color.TRANSPARENT;
    private static final Color FILL_B = Color.rgb(255, 255, 255, 0);

    private final Scene scene;
    private final Rectangle pixel = new Rectangle(0, 0, 1, 1);
    private final Field queuedNodes;
    private final Field queuedCount;
    private final Field nodeChanges;
    private final Field sceneChanges;
    private final Runnable listener = this::afterLayout;
    private long nudges;

    private RepaintGuard(Scene scene, Field queuedNodes, Field queuedCount, Field nodeChanges, Field sceneChanges) {
        this.scene = scene;
        this.queuedNodes = queuedNodes;
        this.queuedCount = queuedCount;
        this.nodeChanges = nodeChanges;
        this.sceneChanges = sceneChanges;
        pixel.setFill(FILL_A);
        pixel.setManaged(false);
        pixel.setMouseTransparent(true);
        pixel.setFocusTraversable(false);
        pixel.getStyleClass().add("repaint-guard");
    }

    /**
     * Installs the guard on {@code scene}; its one-pixel rectangle goes into {@code host} (top-left corner).
     * Returns null, and changes nothing, where this JavaFX does not expose the fields it reads or where
     * {@code -Drayscribe.ui.repaintGuard=false} turns the guard off (to measure what it saves).
     */
    static RepaintGuard install(Scene scene, Pane host) {
        if (!Boolean.parseBoolean(System.getProperty("rayscribe.ui.repaintGuard", "true"))) {
            return null;
        }
        RepaintGuard guard;
        try {
            guard = new RepaintGuard(scene, field(Scene.class, "dirtyNodes"), field(Scene.class, "dirtyNodesSize"),
                    field(Node.class, "dirtyBits"), field(Scene.class, "dirtyBits"));
            guard.queueHoldsNoChange(); // fails here, not in a pulse, if the fields' types changed
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
        host.getChildren().add(guard.pixel);
        scene.addPostLayoutPulseListener(guard.listener);
        return guard;
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    /** How many frames repainted one pixel instead of the whole window. */
    long nudges() {
        return nudges;
    }

    private void afterLayout() {
        try {
            if (queueHoldsNoChange()) {
                pixel.setFill(pixel.getFill() == FILL_A ? FILL_B : FILL_A);
                nudges++;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            scene.removePostLayoutPulseListener(listener);
        }
    }

    /** True when nodes are queued for synchronisation but none of them, nor the scene, carries a change. */
    boolean queueHoldsNoChange() throws ReflectiveOperationException {
        Node[] queued = (Node[]) queuedNodes.get(scene);
        int count = queuedCount.getInt(scene);
        if (queued == null || count == 0 || !isEmpty(sceneChanges.get(scene))) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (!isEmpty(nodeChanges.get(queued[i]))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isEmpty(Object changes) {
        if (changes instanceof Collection<?> c) {
            return c.isEmpty();
        }
        if (changes instanceof Number n) {
            return n.longValue() == 0;
        }
        throw new IllegalStateException("unexpected dirty-bits type " + changes);
    }
}
