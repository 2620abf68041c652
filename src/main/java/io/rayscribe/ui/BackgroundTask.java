package io.rayscribe.ui;

import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * A piece of work for a background thread with callbacks that run on the JavaFX thread
 * (in the spirit of JabRef's BackgroundTask: a fluent wrapper, so view-models stay testable).
 */
public final class BackgroundTask<V> {
    private final String name;
    private final Callable<V> work;
    private Consumer<V> onSuccess = v -> { };
    private Consumer<Throwable> onFailure = e -> { };
    private Runnable onFinished = () -> { };

    private BackgroundTask(String name, Callable<V> work) {
        this.name = name;
        this.work = work;
    }

    public static <V> BackgroundTask<V> of(String name, Callable<V> work) {
        return new BackgroundTask<>(name, work);
    }

    public BackgroundTask<V> onSuccess(Consumer<V> c) {
        this.onSuccess = c;
        return this;
    }

    public BackgroundTask<V> onFailure(Consumer<Throwable> c) {
        this.onFailure = c;
        return this;
    }

    public BackgroundTask<V> onFinished(Runnable r) {
        this.onFinished = r;
        return this;
    }

    String name() {
        return name;
    }

    Callable<V> work() {
        return work;
    }

    Consumer<V> successHandler() {
        return onSuccess;
    }

    Consumer<Throwable> failureHandler() {
        return onFailure;
    }

    Runnable finishedHandler() {
        return onFinished;
    }
}
