package io.rayscribe.ui;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The workstation's JavaFX rendering defaults, and a user's -D setting wins over them. */
class RenderDefaultsTest {
    @Test
    void setsFifteenDirtyRegionsUnlessTheUserChoseANumber() {
        String before = System.getProperty(RenderDefaults.DIRTY_REGIONS);
        try {
            System.clearProperty(RenderDefaults.DIRTY_REGIONS);
            RenderDefaults.apply();
            assertEquals("15", System.getProperty(RenderDefaults.DIRTY_REGIONS));

            System.setProperty(RenderDefaults.DIRTY_REGIONS, "4");
            RenderDefaults.apply();
            assertEquals("4", System.getProperty(RenderDefaults.DIRTY_REGIONS));
        } finally {
            if (before == null) {
                System.clearProperty(RenderDefaults.DIRTY_REGIONS);
            } else {
                System.setProperty(RenderDefaults.DIRTY_REGIONS, before);
            }
        }
    }
}
