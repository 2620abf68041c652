package io.rayscribe.ui;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.util.Duration;

/** Model, device, tokens/s, memory and the latest message. */
public final class StatusBarView extends HBox {
    private final Label memory = new Label();

    public StatusBarView(MainViewModel main, DraftViewModel draft) {
        getStyleClass().add("status-bar");
        setId("status-bar");
        Label message = new Label();
        message.setId("status-message");
        message.textProperty().bind(main.statusProperty());
        Label model = new Label();
        model.setId("status-model");
        model.textProperty().bind(Bindings.concat("Model: ", draft.modelStatusProperty()));
        Label speed = new Label();
        speed.setId("status-speed");
        speed.textProperty().bind(Bindings.createStringBinding(() -> draft.tokensPerSecondProperty().get() <= 0 ? "— tok/s"
                : Format.fixed(draft.tokensPerSecondProperty().get(), 1) + " tok/s", draft.tokensPerSecondProperty()));
        memory.setId("status-memory");
        // Fixed widths: these two change while a draft streams (and every second), and a width change moved the
        // labels beside them in every frame.
        fixedWidth(speed, 13);
        fixedWidth(memory, 22);
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        getChildren().addAll(message, spring, model, speed, memory);
        updateMemory();
        Timeline t = new Timeline(new KeyFrame(Duration.seconds(1), e -> updateMemory()));
        t.setCycleCount(Timeline.INDEFINITE);
        t.play();
    }

    /** A label as wide as {@code chars} digits, whatever its text. */
    private static void fixedWidth(Label l, int chars) {
        l.setMinWidth(Region.USE_PREF_SIZE);
        l.setMaxWidth(Region.USE_PREF_SIZE);
        l.prefWidthProperty().bind(Bindings.createDoubleBinding(() -> chars * 0.62 * l.getFont().getSize() + 4, l.fontProperty()));
        l.setAlignment(Pos.CENTER_RIGHT);
    }

    private void updateMemory() {
        Runtime rt = Runtime.getRuntime();
        long used = (rt.totalMemory() - rt.freeMemory()) >> 20;
        memory.setText("Memory " + used + " / " + (rt.maxMemory() >> 20) + " MB");
    }
}
