package io.rayscribe.model;

/**
 * Chooses the decoder for a bundle: the DJL one on a GPU (or when asked with
 * {@code -Drayscribe.decoder=djl}); otherwise the pure-Java one when available.
 */
public final class Decoders {
    private Decoders() {
    }

    /** An opened decoder choice: makes sessions, and frees its model when closed. */
    public interface Choice extends AutoCloseable {
        DecoderSession open();

        String description();

        @Override
        void close();
    }

    public static Choice choose(ModelBundle bundle) {
        return djl(bundle);
    }

    static Choice djl(ModelBundle bundle) {
        if (!bundle.device().isGpu()) {
            io.rayscribe.model.djl.DjlLlama.setTorchThreads(1);
        }
        return new Choice() {
            @Override
            public DecoderSession open() {
                return bundle.llm().newSession();
            }

            @Override
            public String description() {
                return bundle.device() + " (DJL/PyTorch)";
            }

            @Override
            public void close() {
                // the DJL model belongs to the bundle
            }
        };
    }
}
