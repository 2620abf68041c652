package io.rayscribe.model;

import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.function.Function;

/**
 * A {@link Flow.Publisher} view of one generation, for callers that prefer reactive streams to a
 * {@link GenerationListener}. The generation starts when the first subscriber subscribes; tokens are
 * buffered per subscriber and delivered on {@code executor} as they are requested (a slow subscriber
 * holds up the generation once its buffer is full, it never loses tokens); the stream completes after
 * the last token, or fails with the generation's error. Cancelling the (last) subscription stops the
 * generation at the next token.
 */
public final class TokenPublisher implements Flow.Publisher<TokenEvent> {
    private final Function<GenerationListener, DraftHandle> start;
    private final SubmissionPublisher<TokenEvent> publisher;
    private DraftHandle handle;
    private int active; // subscriptions not cancelled (SubmissionPublisher drops cancelled ones lazily)

    /**
     * {@code start} launches the generation with the given listener, e.g.
     * {@code l -> drafter.draft(image, settings, l)}.
     */
    public TokenPublisher(Function<GenerationListener, DraftHandle> start, Executor executor, int bufferSize) {
        this.start = start;
        this.publisher = new SubmissionPublisher<>(executor, bufferSize);
    }

    @Override
    public synchronized void subscribe(Flow.Subscriber<? super TokenEvent> subscriber) {
        active++;
        publisher.subscribe(new Flow.Subscriber<TokenEvent>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                        s.request(n);
                    }

                    private boolean cancelled;

                    @Override
                    public void cancel() {
                        s.cancel();
                        if (!cancelled) {
                            cancelled = true;
                            subscriptionCancelled();
                        }
                    }
                });
            }

            @Override
            public void onNext(TokenEvent item) {
                subscriber.onNext(item);
            }

            @Override
            public void onError(Throwable t) {
                subscriber.onError(t);
            }

            @Override
            public void onComplete() {
                subscriber.onComplete();
            }
        });
        if (handle == null) {
            handle = start.apply(new GenerationListener() {
                @Override
                public void onToken(TokenEvent event) {
                    publisher.submit(event);
                }

                @Override
                public void onFinished(GenerationResult result) {
                    publisher.close();
                }

                @Override
                public void onError(Throwable error) {
                    publisher.closeExceptionally(error);
                }
            });
        }
    }

    /** The running generation (to await its result), or null before the first subscription. */
    public synchronized DraftHandle handle() {
        return handle;
    }

    private synchronized void subscriptionCancelled() {
        if (--active == 0 && handle != null) {
            handle.cancel();
        }
    }
}
