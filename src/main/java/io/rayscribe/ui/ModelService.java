package io.rayscribe.ui;

import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.model.DraftHandle;
import io.rayscribe.model.GenerationListener;
import io.rayscribe.model.GenerationResult;
import io.rayscribe.model.GenerationSettings;
import io.rayscribe.model.ModelBundle;
import io.rayscribe.model.PromptRegion;
import io.rayscribe.model.ReportDrafter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Loads a model bundle into a {@link DraftEngine} and warms it up (call off the FX thread: this takes seconds);
 * the engine it returns drafts at once.
 */
public final class ModelService {
    /** The practice draft stops after this long (a large model on a CPU writes only a few tokens a second). */
    private static final long REHEARSAL_BUDGET_NANOS = 3_000_000_000L;

    private ModelService() {
    }

    /**
     * One short draft of a radiograph-sized image with attention capture, the way the workstation drafts:
     * the drafter's own warm-up is shorter and captures no attention, and without this the first real draft
     * still runs partly interpreted while the JIT compiles its decode loop, and the compiler threads take
     * the cores from the UI thread while that draft streams. A large model is cut short after
     * {@link #REHEARSAL_BUDGET_NANOS} so that Draft is not held back for long.
     */
    private static void rehearse(ReportDrafter drafter) throws InterruptedException {
        int side = 512;
        byte[] grey = new byte[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                grey[y * side + x] = (byte) ((x + 2 * y) * 255 / (3 * side));
            }
        }
        GenerationSettings s = new GenerationSettings(true, 1f, 0, 1f, 0, 1f, 32, List.of(), false, true);
        long start = System.nanoTime();
        AtomicReference<DraftHandle> handle = new AtomicReference<>();
        try {
            handle.set(drafter.draft(new DisplayImage(side, side, grey, null), s, new GenerationListener() {
                @Override
                public void onToken(io.rayscribe.model.TokenEvent event) {
                    DraftHandle h = handle.get();
                    if (h != null && System.nanoTime() - start > REHEARSAL_BUDGET_NANOS) {
                        h.cancel();
                    }
                }

                @Override
                public void onFinished(GenerationResult result) {
                }

                @Override
                public void onError(Throwable t) {
                }
            }));
            GenerationResult r = handle.get().await();
            UiWarmUp.attention(r.attention(), drafter.regions());
        } catch (RuntimeException e) {
            // a model that cannot draft says so, with its own message, when the user asks for a draft
        }
    }

    public static DraftEngine load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw RayScribeException.forFile(dir, "no model bundle here (folder missing)");
        }
        ModelBundle bundle = ModelBundle.load(dir);
        ReportDrafter drafter;
        try {
            drafter = new ReportDrafter(bundle);
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
        try {
            // The drafter warms up (JIT, native initialisation, one short generation) on its own worker as
            // soon as it exists. Waiting for that here, on the loading thread, means Draft is enabled only
            // when a draft starts at once instead of queueing behind the warm-up for a second or more.
            drafter.awaitReady();
            rehearse(drafter);
        } catch (InterruptedException e) {
            drafter.close();
            bundle.close();
            Thread.currentThread().interrupt();
            throw RayScribeException.forFile(dir, "model loading was interrupted");
        }
        return new DraftEngine() {
            @Override
            public DraftHandle draft(DisplayImage image, GenerationSettings settings, GenerationListener listener) {
                return drafter.draft(image, settings, listener);
            }

            @Override
            public List<PromptRegion> regions() {
                return drafter.regions();
            }

            @Override
            public String modelName() {
                return drafter.modelName();
            }

            @Override
            public String device() {
                return drafter.device();
            }

            @Override
            public void close() {
                drafter.close();
                bundle.close();
            }
        };
    }
}
