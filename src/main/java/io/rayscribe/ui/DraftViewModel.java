package io.rayscribe.ui;

import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.model.DraftHandle;
import io.rayscribe.model.GenerationListener;
import io.rayscribe.model.GenerationResult;
import io.rayscribe.model.GenerationSettings;
import io.rayscribe.model.TokenAttention;
import io.rayscribe.model.TokenEvent;
import io.rayscribe.report.DraftRouter;
import io.rayscribe.report.Report;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Drafting: starts the model on the current image, streams its tokens into the report (batched per
 * frame by a {@link FrameBatcher}), keeps each token's attention for the overlay, and exposes
 * progress, tokens/s, Stop and Regenerate. A failure keeps the partial draft and names the error.
 */
public final class DraftViewModel {
    /** What the worker thread hands to the FX thread. */
    private sealed interface Event permits Token, Done, Failed {
    }

    private record Token(TokenEvent event, long nanos) implements Event {
    }

    private record Done(GenerationResult result) implements Event {
    }

    private record Failed(Throwable error) implements Event {
    }

    private final ReportViewModel reports;
    private final ObjectProperty<DraftEngine> engine = new SimpleObjectProperty<>();
    private final StringProperty modelStatus = new SimpleStringProperty("No model loaded");
    private final BooleanProperty running = new SimpleBooleanProperty();
    private final IntegerProperty tokens = new SimpleIntegerProperty();
    private final DoubleProperty tokensPerSecond = new SimpleDoubleProperty();
    private final StringProperty error = new SimpleStringProperty("");
    private final StringProperty lastStopReason = new SimpleStringProperty("");
    private final BooleanProperty greedy = new SimpleBooleanProperty(true);
    private final DoubleProperty temperature = new SimpleDoubleProperty(0.7);
    private final DoubleProperty topP = new SimpleDoubleProperty(0.9);
    private final IntegerProperty maxTokens = new SimpleIntegerProperty(160);
    /** Bumped once per streamed batch (the attention overlay listens). */
    private final IntegerProperty attentionVersion = new SimpleIntegerProperty();
    private final List<TokenAttention> attention = new ArrayList<>();
    /**
     * At most this many model events reach the report and the editor per frame (a burst spreads over
     * frames; -Drayscribe.ui.eventsPerFrame overrides). 16 kept the FX thread's work per frame at
     * ~15-23 ms and the longest stall at <= 50 ms in 11 of 12 drafts of the demo model (105 tokens,
     * arriving within ~3 frames) against 7 of 15 with 64; 8 was worse (more frames, each with its
     * fixed layout cost). The burst then takes ~7 frames (~0.1 s) to show: not visible.
     */
    static final int EVENTS_PER_FRAME = Integer.getInteger("rayscribe.ui.eventsPerFrame", 16);
    private final FrameBatcher<Event> batcher = new FrameBatcher<>(this::onBatch, EVENTS_PER_FRAME);

    private DraftHandle handle;
    /** The report being drafted: tokens go here even if another study's report is current by then. */
    private Report drafting;
    /** Bumped when a draft is abandoned early, so the model's late events for it are dropped. */
    private volatile long generation;
    private DraftRouter router;
    private long startNanos;
    private long firstTokenNanos;
    private long firstShownNanos;
    private boolean firstShowPending;

    public DraftViewModel(ReportViewModel reports) {
        this.reports = reports;
        engine.addListener((o, a, b) -> modelStatus.set(b == null ? "No model loaded" : b.modelName() + " on " + b.device()));
    }

    public boolean canDraft() {
        return engine.get() != null && !running.get() && reports.report() != null && reports.editableProperty().get();
    }

    /** Starts a draft of {@code image}; replaces the report's text (a regenerate is the same call). */
    public void draft(Supplier<DisplayImage> image) {
        DraftEngine e = engine.get();
        Report report = reports.report();
        if (e == null || report == null || running.get()) {
            return;
        }
        DisplayImage img = image.get();
        if (img == null) {
            error.set("No image to draft from: open a study first");
            return;
        }
        report.startGeneration(e.modelName(), e.device());
        attention.clear();
        attentionVersion.set(attentionVersion.get() + 1);
        router = new DraftRouter();
        error.set("");
        lastStopReason.set("");
        tokens.set(0);
        tokensPerSecond.set(0);
        startNanos = System.nanoTime();
        firstTokenNanos = 0;
        firstShownNanos = 0;
        firstShowPending = true;
        running.set(true);
        reports.generatingProperty().set(true);
        drafting = report;
        long mine = ++generation;
        batcher.start();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onToken(TokenEvent event) {
                if (mine == generation) {
                    batcher.add(new Token(event, System.nanoTime()));
                }
            }

            @Override
            public void onFinished(GenerationResult result) {
                if (mine == generation) {
                    batcher.add(new Done(result));
                }
            }

            @Override
            public void onError(Throwable t) {
                if (mine == generation) {
                    batcher.add(new Failed(t));
                }
            }
        };
        try {
            handle = e.draft(img, settings(), listener);
        } catch (RuntimeException ex) {
            finish();
            error.set("Drafting failed to start: " + ex.getMessage());
        }
    }

    public GenerationSettings settings() {
        GenerationSettings base = GenerationSettings.greedy(maxTokens.get());
        if (greedy.get()) {
            return base;
        }
        return new GenerationSettings(false, (float) temperature.get(), 0, (float) topP.get(), System.nanoTime(),
                base.repetitionPenalty(), maxTokens.get(), base.stopStrings(), base.stopAtEos(), true);
    }

    public void stop() {
        if (handle != null && running.get()) {
            handle.cancel();
        }
    }

    /**
     * FX thread: stops a running draft at once (another study is opened, the window closes), hands what the
     * model has written so far to the report it was drafted for (so it is saved with that study) and drops the
     * model's later events. A draft never writes into another patient's report. {@code why}, if not null, is
     * shown in the editor.
     */
    public void stopAndKeep(String why) {
        if (!running.get()) {
            return;
        }
        stop();
        batcher.drain();
        if (running.get()) {
            flushRouter(drafting);
            lastStopReason.set("cancelled");
            finish();
        }
        generation++;
        if (why != null) {
            error.set(why);
        }
    }

    private void onBatch(List<Event> batch) {
        Report report = drafting;
        int added = 0;
        for (Event ev : batch) {
            if (ev instanceof Token t) {
                if (firstTokenNanos == 0) {
                    firstTokenNanos = t.nanos();
                }
                TokenEvent te = t.event();
                while (attention.size() <= te.index()) {
                    attention.add(null);
                }
                attention.set(te.index(), te.attention());
                for (DraftRouter.Piece p : router.feed(te.index(), te.textPiece())) {
                    report.appendGenerated(p.section(), p.text(), p.token());
                }
                added++;
            } else if (ev instanceof Done d) {
                tokens.set(tokens.get() + added); // listeners hear of a batch once, not once per token
                added = 0;
                flushRouter(report);
                lastStopReason.set(d.result().stopReason());
                if (d.result().decodeTokensPerSecond() > 0) {
                    tokensPerSecond.set(d.result().decodeTokensPerSecond());
                }
                finish();
            } else if (ev instanceof Failed f) {
                tokens.set(tokens.get() + added);
                added = 0;
                flushRouter(report);
                error.set("Generation stopped with an error; the partial draft is kept. " + message(f.error()));
                lastStopReason.set("error");
                finish();
            }
        }
        if (added > 0) {
            tokens.set(tokens.get() + added);
        }
        if (running.get() && firstTokenNanos > 0 && tokens.get() > 1) {
            double secs = (System.nanoTime() - firstTokenNanos) / 1e9;
            tokensPerSecond.set(secs > 0 ? (tokens.get() - 1) / secs : 0);
        }
        attentionVersion.set(attentionVersion.get() + 1);
    }

    private void flushRouter(Report report) {
        if (router != null) {
            for (DraftRouter.Piece p : router.finish()) {
                report.appendGenerated(p.section(), p.text(), p.token());
            }
        }
    }

    private void finish() {
        running.set(false);
        reports.generatingProperty().set(false);
        batcher.stop();
        handle = null;
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    // ---- for the overlay, benchmarks and tests ----

    /** Per generated token (index = token index); entries may be null when capture was off. */
    public List<TokenAttention> attention() {
        return attention;
    }

    /** Nanoseconds from the Draft action to the first token shown in the editor, or 0. */
    public long firstTokenShownNanos() {
        return firstShownNanos == 0 ? 0 : firstShownNanos - startNanos;
    }

    /** Called by the editor after it displayed generated text (the first call sets the time-to-first-token). */
    public void textShown() {
        if (firstShowPending && tokens.get() > 0) {
            firstShowPending = false;
            firstShownNanos = System.nanoTime();
        }
    }

    /** True from Draft until the editor first shows this draft's text (even if generation already ended). */
    public boolean firstShowPending() {
        return firstShowPending;
    }

    /** System.nanoTime() when the model produced this draft's first token (on its worker thread), or 0. */
    public long firstTokenProducedAtNanos() {
        return firstTokenNanos;
    }

    /** System.nanoTime() when the first token reached the editor, or 0. */
    public long firstTokenShownAtNanos() {
        return firstShownNanos;
    }

    public ObjectProperty<DraftEngine> engineProperty() {
        return engine;
    }

    public StringProperty modelStatusProperty() {
        return modelStatus;
    }

    public BooleanProperty runningProperty() {
        return running;
    }

    public IntegerProperty tokensProperty() {
        return tokens;
    }

    public DoubleProperty tokensPerSecondProperty() {
        return tokensPerSecond;
    }

    public StringProperty errorProperty() {
        return error;
    }

    public StringProperty lastStopReasonProperty() {
        return lastStopReason;
    }

    public BooleanProperty greedyProperty() {
        return greedy;
    }

    public DoubleProperty temperatureProperty() {
        return temperature;
    }

    public DoubleProperty topPProperty() {
        return topP;
    }

    public IntegerProperty maxTokensProperty() {
        return maxTokens;
    }

    public IntegerProperty attentionVersionProperty() {
        return attentionVersion;
    }
}
