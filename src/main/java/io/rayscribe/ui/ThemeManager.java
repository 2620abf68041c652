package io.rayscribe.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;

/**
 * Light and dark themes: AtlantaFX Primer as the user-agent stylesheet; our own stylesheet only
 * uses its looked-up colours (-color-bg-default, -color-accent-fg, ...), so it follows either theme.
 */
public final class ThemeManager {
    public static final String APP_CSS = ThemeManager.class.getResource("rayscribe.css").toExternalForm();
    private final BooleanProperty dark = new SimpleBooleanProperty(true);

    public ThemeManager(boolean startDark) {
        dark.set(startDark);
        apply();
        dark.addListener((o, a, b) -> apply());
    }

    public BooleanProperty darkProperty() {
        return dark;
    }

    public boolean isDark() {
        return dark.get();
    }

    public void toggle() {
        dark.set(!dark.get());
    }

    private void apply() {
        Application.setUserAgentStylesheet(dark.get() ? new PrimerDark().getUserAgentStylesheet()
                : new PrimerLight().getUserAgentStylesheet());
    }
}
