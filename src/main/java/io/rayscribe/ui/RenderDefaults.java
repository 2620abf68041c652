package io.rayscribe.ui;

/**
 * JavaFX rendering settings the workstation starts with, unless the user set them with {@code -D}.
 *
 * <p>{@code prism.dirtyregioncount}: JavaFX repaints at most this many separate dirty rectangles per frame
 * (default 6) and merges the rest into their neighbours. When a streamed draft's frame changes the prompt
 * list (left), the token counters and the editor (right) and the overlay (centre), the merged rectangle can
 * span the whole window: one such frame painted 1478 × 700 px in 146 ms with software rendering, where the
 * separate rectangles cover a fraction of that. 15 is the most JavaFX accepts. Measured in
 * {@code docs/performance.md} ("Whole-window repaints").
 */
public final class RenderDefaults {
    static final String DIRTY_REGIONS = "prism.dirtyregioncount";

    private RenderDefaults() {
    }

    /** Sets the defaults; must run before the JavaFX toolkit starts. */
    public static void apply() {
        if (System.getProperty(DIRTY_REGIONS) == null) {
            System.setProperty(DIRTY_REGIONS, "15");
        }
    }
}
