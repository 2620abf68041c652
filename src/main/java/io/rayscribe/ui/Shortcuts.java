package io.rayscribe.ui;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import org.fxmisc.richtext.GenericStyledArea;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every keyboard shortcut of the window in one place: the scene dispatches them, the help dialog
 * lists them. Shortcuts without Ctrl/Alt (single keys for the viewer) are ignored while the focus is
 * in a text field, so typing a report never rotates the image.
 */
public final class Shortcuts {
    /** One shortcut: its keys, the group and what it does. */
    public record Shortcut(KeyCombination keys, String group, String description, Runnable action) {
        boolean plainKey() {
            return keys.getControl() != KeyCombination.ModifierValue.DOWN && keys.getShortcut() != KeyCombination.ModifierValue.DOWN
                    && keys.getAlt() != KeyCombination.ModifierValue.DOWN && keys.getMeta() != KeyCombination.ModifierValue.DOWN;
        }
    }

    private final List<Shortcut> all = new ArrayList<>();

    public void add(String keys, String group, String description, Runnable action) {
        all.add(new Shortcut(KeyCombination.keyCombination(keys), group, description, action));
    }

    public List<Shortcut> all() {
        return Collections.unmodifiableList(all);
    }

    /** Installs the dispatcher on the scene (bubbling phase: focused controls see keys first). */
    public void install(Scene scene) {
        scene.addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            if (e.isConsumed()) {
                return;
            }
            boolean typing = isTextInput(scene.getFocusOwner());
            for (Shortcut s : all) {
                if (s.keys().match(e) && !(typing && s.plainKey())) {
                    s.action().run();
                    e.consume();
                    return;
                }
            }
        });
    }

    static boolean isTextInput(Node n) {
        return n instanceof TextInputControl || n instanceof GenericStyledArea;
    }

    /** Runs the action bound to {@code keys} (tests, menus). */
    public boolean fire(String keys) {
        KeyCombination k = KeyCombination.keyCombination(keys);
        for (Shortcut s : all) {
            if (s.keys().equals(k)) {
                s.action().run();
                return true;
            }
        }
        return false;
    }
}
