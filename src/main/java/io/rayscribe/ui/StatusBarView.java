package io.rayscribe.ui;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
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
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        getChildren().addAll(message, spring, model, speed, memory);
        updateMemory();
        Timeline t = new Timeline(new KeyFrame(Duration.seconds(1), e -> updateMemory()));
        t.setCycleCount(Timeline.INDEFINITE);
        t.play();
    }

    private void updateMemory() {
        Runtime rt = Runtime.getRuntime();
        long used = (rt.totalMemory() - rt.freeMemory()) >> 20;
        memory.setText("Memory " + used + " / " + (rt.maxMemory() >> 20) + " MB");
    }
}
