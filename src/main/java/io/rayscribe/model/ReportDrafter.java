package io.rayscribe.model;

import io.rayscribe.core.RayScribeException;
import io.rayscribe.core.ThreadPriorities;
import io.rayscribe.dicom.DisplayImage;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Drafts reports from images with one bundle on ONE worker thread (DJL managers and decoder
 * sessions are not thread-safe): requests queue and run one at a time, never on the caller's thread.
 * The listener is called on the worker thread. The bundle stays owned by the caller.
 */
public final class ReportDrafter implements AutoCloseable {
    private final ModelBundle bundle;
    private final ExecutorService worker;
    private final Decoders.Choice choice;
    private final CompletableFuture<Void> ready;
    private DecoderSession session;
    private final java.util.Set<AtomicBoolean> running = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A drafter that warms up at once (the workstation: the model is ready before the user asks). */
    public ReportDrafter(ModelBundle bundle) {
        this(bundle, true);
    }

    /**
     * {@code warmUp} false skips the start-up warm-up draft: right for one-shot use such as the
     * {@code draft} command, where it would only delay the one real request.
     */
    public ReportDrafter(ModelBundle bundle, boolean warmUp) {
        this.bundle = bundle;
        this.choice = Decoders.choose(bundle);
        this.worker = Executors.newSingleThreadExecutor(r -> {
            // Below the UI thread's priority: the decoder's helper threads and libtorch's threads, created
            // from this one, inherit it.
            Thread t = new Thread(ThreadPriorities.background(r), "rayscribe-generation-" + bundle.name());
            t.setDaemon(true);
            return t;
        });
        this.ready = warmUp ? CompletableFuture.runAsync(this::warmUp, worker) : CompletableFuture.completedFuture(null);
    }

    /** Blocks until the start-up warm-up has run (drafts submitted earlier simply queue behind it). */
    public void awaitReady() throws InterruptedException {
        try {
            ready.get();
        } catch (ExecutionException e) {
            // warmUp swallows model errors; nothing to report here
        }
    }

    /**
     * Runs the whole path once on a blank image (vision, prefill, a few decode steps) as soon as the
     * drafter exists, so JIT compilation and native initialisation are paid before the first real
     * request: the first draft's time to first token is then the steady one.
     */
    private void warmUp() {
        try {
            DecoderSession s = session();
            // Radiograph-sized, so the preprocessing loops are compiled too.
            DisplayImage blank = new DisplayImage(1024, 1024, new byte[1024 * 1024], null);
            ModelBundle.Prompt prompt = bundle.prompt(bundle.hasVision() ? blank : null, s);
            int steps = Math.min(16, Math.max(0, bundle.llmConfig().maxPositionEmbeddings() - prompt.embeddings().length));
            GenerationSettings quick = new GenerationSettings(true, 1f, 0, 1f, 0, 1f, steps, List.of(), false, true);
            new Generator(s, bundle.tokenizer(), bundle.llmConfig().maxPositionEmbeddings())
                    .generate(prompt, bundle.regions(), quick, e -> { }, () -> false);
        } catch (RuntimeException e) {
            // A broken model fails again, with its message, on the first real request.
        }
    }

    public ModelBundle bundle() {
        return bundle;
    }

    public List<PromptRegion> regions() {
        return bundle.regions();
    }

    public String modelName() {
        return bundle.name();
    }

    /** Where the decoder runs, e.g. "cpu (pure Java)" or "gpu(0) (DJL/PyTorch)". */
    public String device() {
        return choice.description();
    }

    /** Starts drafting a report for {@code image} (null = text-only prompt) and returns at once. */
    public DraftHandle draft(DisplayImage image, GenerationSettings settings, GenerationListener listener) {
        AtomicBoolean cancelled = new AtomicBoolean();
        running.add(cancelled);
        CompletableFuture<GenerationResult> future = new CompletableFuture<>();
        long requested = System.nanoTime();
        worker.submit(() -> {
            try {
                if (cancelled.get()) {
                    GenerationResult none = new GenerationResult(new int[0], new int[0], "", "cancelled", List.of(),
                            bundle.regions(), 0, 0, 0);
                    future.complete(none);
                    listener.onFinished(none);
                    return;
                }
                DecoderSession s = session();
                ModelBundle.Prompt prompt = bundle.prompt(image, s);
                double before = (System.nanoTime() - requested) / 1e9;
                Generator g = new Generator(s, bundle.tokenizer(), bundle.llmConfig().maxPositionEmbeddings());
                GenerationResult r = g.generate(prompt, bundle.regions(), settings, listener, cancelled::get);
                // Time to first token counts from the request (vision and queueing included).
                GenerationResult result = new GenerationResult(r.promptIds(), r.generatedIds(), r.text(), r.stopReason(),
                        r.attention(), r.regions(), r.prefillSeconds(), r.decodeSeconds(),
                        r.generatedIds().length == 0 ? 0 : r.timeToFirstTokenSeconds() + before);
                future.complete(result);
                listener.onFinished(result);
            } catch (Throwable t) {
                future.completeExceptionally(t);
                try {
                    listener.onError(t);
                } catch (RuntimeException ignored) {
                    // a failing listener must not hide the generation error
                }
            } finally {
                running.remove(cancelled);
            }
        });
        return new Handle(future, cancelled);
    }

    private DecoderSession session() {
        if (session == null) {
            session = choice.open();
        }
        return session;
    }

    /** Cancels running and queued drafts, then frees the decoder (the bundle stays open). */
    @Override
    public void close() {
        running.forEach(flag -> flag.set(true));
        worker.submit(() -> {
            if (session != null) {
                session.close();
                session = null;
            }
        });
        worker.shutdown();
        try {
            worker.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        choice.close();
    }

    private record Handle(CompletableFuture<GenerationResult> future, AtomicBoolean cancelled) implements DraftHandle {
        @Override
        public void cancel() {
            cancelled.set(true);
        }

        @Override
        public boolean isDone() {
            return future.isDone();
        }

        @Override
        public GenerationResult await() throws InterruptedException {
            try {
                return future.get();
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RayScribeException re) {
                    throw re;
                }
                throw new RayScribeException("report generation failed: " + c, c);
            }
        }
    }
}
