package io.rayscribe.ui;

import javafx.scene.Node;
import javafx.scene.Scene;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Collection;

/**
 * Keeps JavaFX from repainting the whole window when nothing changed.
 *
 * <p>Virtualised controls (the report editor's paragraphs, the prompt list, the study tree) create and
 * re-index their cells during the layout pass, and that invalidates CSS. JavaFX then queues the scene root
 * for synchronisation at the end of the pulse. In the next pulse the CSS pass finds nothing to change, but
 * the root is still queued, so the pulse copies nothing to the render graph and asks for a frame anyway.
 * That frame has an empty dirty-region list, which the renderer takes to mean "paint everything". With
 * software rendering that took 40-190 ms after each streamed attention update. The UI thread also waited
 * for the previous frame to finish before the copy, and that wait was itself a stall
 * ({@code docs/performance.md}).
 *
 * <p>After each layout pass this guard looks at the scene's synchronisation queue (by reflection: JavaFX has
 * no API for it). When nodes are queued but none of them, nor the scene, carries a change, it empties the
 * queue. That is exactly what the synchronisation would have done to those nodes. The pulse then ends
 * without a frame, as pulses with nothing queued do. If a future JavaFX renames those fields, the guard
 * switches itself off and the window paints as JavaFX does.
 */
final class RepaintGuard {
    private final Scene scene;
    private final Field queuedNodes;
    private final Field queuedCount;
    private final Field nodeChanges;
    private final Field sceneChanges;
    private final Runnable listener = this::afterLayout;
    private long skipped;

    private RepaintGuard(Scene scene, Field queuedNodes, Field queuedCount, Field nodeChanges, Field sceneChanges) {
        this.scene = scene;
        this.queuedNodes = queuedNodes;
        this.queuedCount = queuedCount;
        this.nodeChanges = nodeChanges;
        this.sceneChanges = sceneChanges;
    }

    /**
     * Installs the guard on {@code scene}. Returns null, and changes nothing, where this JavaFX does not
     * expose the fields it reads or where {@code -Drayscribe.ui.repaintGuard=false} turns the guard off
     * (to measure what it saves).
     */
    static RepaintGuard install(Scene scene) {
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
        scene.addPostLayoutPulseListener(guard.listener);
        return guard;
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    /** How many pulses ended without a frame because their queue carried no change. */
    long skippedRepaints() {
        return skipped;
    }

    private void afterLayout() {
        try {
            if (queueHoldsNoChange()) {
                Node[] queued = (Node[]) queuedNodes.get(scene);
                Arrays.fill(queued, 0, queuedCount.getInt(scene), null);
                queuedCount.setInt(scene, 0);
                skipped++;
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
