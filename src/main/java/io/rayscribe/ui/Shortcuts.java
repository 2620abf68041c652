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
        all.add(new Shortcut(parse(keys), group, description, action));
    }

    /**
     * "Ctrl+Shift+D", "Page_Down", "1", "Esc": modifiers, then a key code name (KeyCode enum name, a digit
     * or a short alias). Key codes, not characters, so shortcuts match on any keyboard layout.
     */
    static KeyCombination parse(String keys) {
        String[] parts = keys.split("\\+");
        java.util.List<KeyCombination.Modifier> mods = new java.util.ArrayList<>();
        for (int i = 0; i < parts.length - 1; i++) {
            switch (parts[i].toLowerCase(java.util.Locale.ROOT)) {
                case "ctrl" -> mods.add(KeyCombination.SHORTCUT_DOWN);
                case "shift" -> mods.add(KeyCombination.SHIFT_DOWN);
                case "alt" -> mods.add(KeyCombination.ALT_DOWN);
                default -> throw new IllegalArgumentException("unknown modifier in " + keys);
            }
        }
        String key = parts[parts.length - 1];
        javafx.scene.input.KeyCode code = switch (key.toLowerCase(java.util.Locale.ROOT)) {
            case "esc" -> javafx.scene.input.KeyCode.ESCAPE;
            default -> key.length() == 1 && Character.isDigit(key.charAt(0))
                    ? javafx.scene.input.KeyCode.valueOf("DIGIT" + key)
                    : javafx.scene.input.KeyCode.valueOf(key.toUpperCase(java.util.Locale.ROOT));
        };
        return new javafx.scene.input.KeyCodeCombination(code, mods.toArray(new KeyCombination.Modifier[0]));
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
        KeyCombination k = parse(keys);
        for (Shortcut s : all) {
            if (s.keys().equals(k)) {
                s.action().run();
                return true;
            }
        }
        return false;
    }
}
