package io.rayscribe.dicom;

import io.rayscribe.core.RayScribeException;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded byte-mutation fuzzing of the reader over corpus files of every decodable syntax. Each
 * mutant is opened, and up to two frames are decoded and rendered, with a per-file timeout. The only
 * acceptable failure is a {@link RayScribeException} (or a {@link LoadError}); a hang, an
 * OutOfMemoryError or any other exception fails the test and keeps the mutant for reproduction.
 */
class DicomFuzzTest {
    private static final long SEED = Long.getLong("rayscribe.fuzz.seed", 20261129L);
    private static final long BUDGET_MS = Long.getLong("rayscribe.fuzz.ms", 45_000);
    private static final int MAX_ITERATIONS = Integer.getInteger("rayscribe.fuzz.iterations", 4000);
    /**
     * A hang is a mutant that never finishes; the slowest legitimate one here decodes in ~1.3 s alone,
     * but on a machine loaded 3-4x over its cores (shared CI) that stretched past 5 s, so the bound is
     * generous rather than tight.
     */
    private static final long PER_FILE_MS = Long.getLong("rayscribe.fuzz.fileMs", 20_000);

    private static final List<String> SEEDS = List.of(
            "mr/MR_small_explicitLE.dcm", "mr/MR_small_implicitLE.dcm", "mr/MR_small_explicitBE.dcm",
            "mr/MR_small_j2k_lossless.dcm", "ct/CT_small_explicitLE_signed_rescale.dcm", "ct/CT1_rle_fragments.dcm",
            "ct/eCT_2frame_jpeg_lossless_70.dcm", "nm_pt/PT_jpeg_lossless_rescale.dcm", "nm_pt/NM_heart_13frame_explicitLE.dcm",
            "sc_ot/SC_rgb_jpeg_baseline_ybr_full_422.dcm", "sc_ot/SC_rgb_jpeg_lossless_70.dcm", "sc_ot/SC_rgb_rle_2frame.dcm",
            "sc_ot/OT_mono8_jpeg_baseline.dcm", "sc_ot/SC_rgb_jpeg_baseline_dcmtk_ybr_full.dcm",
            "us/US_rgb_small_explicitBE.dcm", "sr/SR_deflated.dcm", "sr/SR_comprehensive_nested.dcm",
            "dicomdir/77654033/CT2/17106", "dicomdir/DICOMDIR", "malformed/SC_j2k_with_jp2_header_ybr_rct.dcm");

    @Test
    void mutatedFilesFailCleanlyOrDecode(@TempDir Path tmp) throws Exception {
        Random rnd = new Random(SEED);
        byte[][] seeds = new byte[SEEDS.size()][];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = Files.readAllBytes(SharedData.resolve("dicom/" + SEEDS.get(i)));
        }
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-worker");
            t.setDaemon(true);
            return t;
        });
        long start = System.currentTimeMillis();
        int iterations = 0;
        int decoded = 0;
        try {
            while (iterations < MAX_ITERATIONS && System.currentTimeMillis() - start < BUDGET_MS) {
                int s = rnd.nextInt(seeds.length);
                byte[] mutant = mutate(seeds[s], rnd);
                Path file = tmp.resolve("mutant-" + iterations + ".dcm");
                Files.write(file, mutant);
                Future<Boolean> f = pool.submit(() -> exercise(file));
                try {
                    if (f.get(PER_FILE_MS, TimeUnit.MILLISECONDS)) {
                        decoded++;
                    }
                } catch (TimeoutException e) {
                    f.cancel(true);
                    fail("hang (> " + PER_FILE_MS + " ms) on a mutant of " + SEEDS.get(s) + ": " + keep(file));
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    fail("mutant of " + SEEDS.get(s) + " threw " + c + " (kept as " + keep(file) + ")", c);
                }
                Files.deleteIfExists(file);
                iterations++;
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(iterations >= 50, "the fuzz budget allowed only " + iterations + " iterations");
        assertTrue(decoded > 0, "some mutants still decode (mutations are not all fatal)");
        System.out.printf("fuzz: %d mutants in %d ms, %d decoded%n", iterations, System.currentTimeMillis() - start, decoded);
    }

    /** Opens a mutant like the application does; true when at least one frame decoded. */
    private static boolean exercise(Path file) {
        FrameDecoder decoder = new FrameDecoder(32L << 20);
        LoadResult r = StudyLoader.open(List.of(file));
        boolean any = false;
        for (Instance in : DicomCorpusTest.instances(r)) {
            if (!in.hasPixels()) {
                continue;
            }
            for (int k : new int[] {0, in.frames() - 1}) {
                try {
                    Frame f = decoder.decode(in.file(), k);
                    DisplayImage d = f.render();
                    if (!f.isColor()) {
                        f.render(f.autoWindow());
                        for (Window w : f.windows()) {
                            f.render(w);
                        }
                    }
                    any |= d.width() == f.width();
                } catch (RayScribeException expected) {
                    // the reader's own error: acceptable
                }
            }
        }
        try {
            DicomTags.list(file);
        } catch (RayScribeException expected) {
            // acceptable
        }
        return any;
    }

    static byte[] mutate(byte[] in, Random rnd) {
        byte[] b = in.clone();
        int kind = rnd.nextInt(6);
        int n = 1 + rnd.nextInt(8);
        switch (kind) {
            case 0: // flip random bytes anywhere
                for (int i = 0; i < n; i++) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
                }
                return b;
            case 1: { // write a hostile 32-bit length somewhere in the first 2 kB (where headers live)
                int[] evil = {0xFFFFFFFF, 0x7FFFFFFF, 0xC0000000, 0x00100000, 0, 1, 0xFFFFFFFE};
                for (int i = 0; i < n; i++) {
                    int at = rnd.nextInt(Math.max(1, Math.min(b.length - 4, 2048)));
                    int v = evil[rnd.nextInt(evil.length)];
                    b[at] = (byte) v;
                    b[at + 1] = (byte) (v >> 8);
                    b[at + 2] = (byte) (v >> 16);
                    b[at + 3] = (byte) (v >> 24);
                }
                return b;
            }
            case 2: // truncate
                return java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            case 3: { // 16-bit values (rows, columns, bits) in the header set to extremes
                int[] evil = {0, 1, 0xFFFF, 0x8000, 12, 32, 3};
                for (int i = 0; i < n; i++) {
                    int at = rnd.nextInt(Math.max(1, Math.min(b.length - 2, 2048)));
                    int v = evil[rnd.nextInt(evil.length)];
                    b[at] = (byte) v;
                    b[at + 1] = (byte) (v >> 8);
                }
                return b;
            }
            case 4: { // damage the compressed/pixel tail
                int from = b.length / 2;
                for (int i = 0; i < n * 4; i++) {
                    b[from + rnd.nextInt(b.length - from)] = (byte) rnd.nextInt(256);
                }
                return b;
            }
            default: { // duplicate or remove a chunk
                int at = rnd.nextInt(b.length);
                int len = rnd.nextInt(Math.min(64, b.length - at) + 1);
                byte[] out = new byte[b.length + (rnd.nextBoolean() ? len : -len)];
                if (out.length > b.length) {
                    System.arraycopy(b, 0, out, 0, at + len);
                    System.arraycopy(b, at, out, at + len, b.length - at);
                } else {
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + len, out, at, b.length - at - len);
                }
                return out;
            }
        }
    }

    private static String keep(Path file) {
        try {
            Path dir = Path.of("target", "fuzz-failures");
            Files.createDirectories(dir);
            Path kept = dir.resolve(file.getFileName());
            Files.copy(file, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return kept.toAbsolutePath().toString();
        } catch (java.io.IOException e) {
            return file + " (could not keep: " + e.getMessage() + ")";
        }
    }
}
