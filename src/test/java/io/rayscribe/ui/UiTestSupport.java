package io.rayscribe.ui;

import io.rayscribe.model.LlamaConfig;
import io.rayscribe.model.ModelBundle;
import io.rayscribe.testing.SharedData;
import javafx.application.Platform;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/** Shared helpers for the TestFX tests: a small random model bundle and FX-thread waits. */
final class UiTestSupport {
    /** A real chest radiograph (CR, MONOCHROME1, 440x440) that opens fast. */
    static final String CHEST = "dicom/radiography/CR_chest_MONO1_10bit_explicitLE.dcm";
    private static Path bundle;

    private UiTestSupport() {
    }

    /** A tiny random multimodal bundle built with the model layer's builder (once per JVM). */
    static synchronized Path randomBundle() throws Exception {
        if (bundle == null) {
            Path dir = Files.createTempDirectory("rayscribe-ui-bundle");
            // Big enough (~7M parameters, a 4x4 prompt grid) that a draft spans several frames even on a
            // fast machine, so streaming is observable; small enough to build in seconds.
            ModelBundle.RandomSpec tiny = ModelBundle.RandomSpec.tiny(SharedData.resolve("models/stories260K-hf"), 512);
            ModelBundle.RandomSpec spec = new ModelBundle.RandomSpec("random-ui-test",
                    LlamaConfig.of(384, 1024, 4, 6, 6, 512, 512, true), tiny.encoder(), tiny.projectorType(), 4, 4,
                    tiny.mean(), tiny.std(), tiny.promptPrefix(), tiny.promptInstruction(), tiny.tokenizerDir(), tiny.generation());
            ModelBundle.createRandom(dir, spec, 42);
            bundle = dir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        }
        return bundle;
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // best effort: a leftover temp folder is harmless
        }
    }

    static void waitFor(int seconds, String what, Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> onFx(condition));
        } catch (Exception e) {
            throw new AssertionError("timed out after " + seconds + " s waiting for " + what, e);
        }
    }

    static <T> T onFx(Callable<T> c) throws Exception {
        if (Platform.isFxApplicationThread()) {
            return c.call();
        }
        FutureTask<T> t = new FutureTask<>(c);
        Platform.runLater(t);
        return t.get(30, TimeUnit.SECONDS);
    }

    static void fx(Runnable r) {
        try {
            onFx(() -> {
                r.run();
                return null;
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
