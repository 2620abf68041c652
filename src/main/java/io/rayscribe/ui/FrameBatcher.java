package io.rayscribe.ui;

import javafx.animation.AnimationTimer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * Hands items produced on any thread to the JavaFX thread at most once per pulse (frame), and at most
 * {@code maxPerPulse} of them per pulse: a producer that emits 200 tokens/s costs ~60 small UI updates/s,
 * never a backlog of runLater calls, and a burst (a fast model, or a UI thread that was held up) is spread
 * over the next frames instead of being absorbed by one.
 */
public final class FrameBatcher<T> {
    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    private final Consumer<List<T>> consumer;
    private final int maxPerPulse;
    private final AnimationTimer timer;
    private boolean running;

    public FrameBatcher(Consumer<List<T>> consumer) {
        this(consumer, Integer.MAX_VALUE);
    }

    public FrameBatcher(Consumer<List<T>> consumer, int maxPerPulse) {
        if (maxPerPulse < 1) {
            throw new IllegalArgumentException("maxPerPulse must be at least 1: " + maxPerPulse);
        }
        this.consumer = consumer;
        this.maxPerPulse = maxPerPulse;
        this.timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                deliver(FrameBatcher.this.maxPerPulse);
            }
        };
    }

    /** Any thread. */
    public void add(T item) {
        queue.add(item);
    }

    /** FX thread: starts draining every frame. */
    public void start() {
        if (!running) {
            running = true;
            timer.start();
        }
    }

    /** FX thread: drains what is left (all of it, whatever the per-pulse limit) and stops. */
    public void stop() {
        drain();
        if (running) {
            running = false;
            timer.stop();
        }
    }

    /** FX thread: delivers everything queued so far as one batch. */
    public void drain() {
        deliver(Integer.MAX_VALUE);
    }

    private void deliver(int max) {
        if (queue.isEmpty()) {
            return;
        }
        List<T> batch = new ArrayList<>();
        T t;
        while (batch.size() < max && (t = queue.poll()) != null) {
            batch.add(t);
        }
        consumer.accept(batch);
    }
}
