package io.rayscribe.dicom;

import io.rayscribe.core.RayScribeException;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Walks every file of ../shared/dicom as MANIFEST.tsv describes it: each one loads with the
 * manifest's dimensions and decodes and renders (or fails naming its transfer syntax when there is no
 * decoder here); malformed files give a one-line error or a consistent partial result within 5 s.
 */
class DicomCorpusTest {
    private static final Duration PER_FILE = Duration.ofSeconds(5);

    record Row(String file, String ts, String photometric, String frames, String rowsCols, String bits,
               String decodeCheck) {
    }

    static List<Row> manifest() throws IOException {
        List<String> lines = Files.readAllLines(SharedData.resolve("dicom/MANIFEST.tsv"));
        String[] head = lines.get(0).split("\t", -1);
        List<String> cols = List.of(head);
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] c = line.split("\t", -1);
            rows.add(new Row(c[cols.indexOf("local_file")], c[cols.indexOf("transfer_syntax_uid")],
                    c[cols.indexOf("photometric")], c[cols.indexOf("frames")], c[cols.indexOf("rows_x_cols")],
                    c[cols.indexOf("bits_alloc_stored_signed_spp")], c[cols.indexOf("decode_check")]));
        }
        return rows;
    }

    @TestFactory
    Stream<DynamicTest> everyFileOfTheCorpus() throws IOException {
        List<Row> rows = manifest();
        assertTrue(rows.size() >= 100, "the manifest lists the whole corpus");
        return rows.stream().map(r -> DynamicTest.dynamicTest(r.file(),
                () -> assertTimeoutPreemptively(PER_FILE, () -> check(r))));
    }

    private static void check(Row r) {
        Path file = SharedData.resolve("dicom/" + r.file());
        FrameDecoder decoder = new FrameDecoder(64L << 20);
        if (r.file().endsWith("README.txt")) {
            LoadResult res = StudyLoader.open(List.of(file));
            assertEquals(1, res.errors().size());
            assertTrue(res.errors().get(0).message().contains("not a DICOM file"));
            return;
        }
        if (r.file().endsWith("DICOMDIR")) {
            LoadResult res = StudyLoader.open(List.of(file));
            assertTrue(res.errors().isEmpty(), () -> res.errors().toString());
            assertEquals(31, instances(res).size());
            return;
        }
        LoadResult res = StudyLoader.open(List.of(file));
        boolean malformed = r.file().startsWith("malformed/");
        if (!res.errors().isEmpty()) {
            assertTrue(malformed, () -> "a valid file failed to load: " + res.errors());
            String m = res.errors().get(0).message();
            assertFalse(m.isBlank() || m.contains("\n"), "one-line reason: " + m);
            return;
        }
        List<Instance> all = instances(res);
        assertEquals(1, all.size());
        Instance in = all.get(0);
        if (r.decodeCheck().startsWith("n/a")) {
            assertFalse(in.hasPixels(), "no PixelData according to the manifest");
            return;
        }
        if (!malformed) {
            String[] rc = r.rowsCols().split("x");
            assertEquals(Integer.parseInt(rc[0]), in.rows(), "rows");
            assertEquals(Integer.parseInt(rc[1]), in.columns(), "columns");
            assertEquals(Integer.parseInt(r.frames()), in.frames(), "frames");
            assertEquals(r.ts().startsWith("1.2") ? r.ts() : in.transferSyntaxUid(), in.transferSyntaxUid());
        }
        if (!in.hasPixels()) {
            assertTrue(malformed, "a valid image must have pixels");
            return;
        }
        boolean decodable = TransferSyntaxes.isDecodable(in.transferSyntaxUid()) && !twelveBitJpeg(r);
        if (!malformed && !decodable) {
            RayScribeException e = assertThrows(RayScribeException.class, () -> decoder.decode(file, 0));
            assertTrue(e.getMessage().contains(in.transferSyntaxUid()), "names the syntax: " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
            return;
        }
        for (int index : new int[] {0, in.frames() - 1}) {
            Frame f;
            try {
                f = decoder.decode(file, index);
            } catch (RayScribeException e) {
                assertTrue(malformed, () -> "valid file failed to decode: " + e.getMessage());
                assertFalse(e.getMessage().contains("\n"));
                return;
            }
            assertEquals(in.columns(), f.width());
            assertEquals(in.rows(), f.height());
            boolean colour = r.bits().endsWith("/3") || "PALETTE COLOR".equals(r.photometric());
            if (!malformed) {
                assertEquals(colour, f.isColor(), "colour");
            }
            DisplayImage d = f.render();
            assertEquals(f.width() * f.height(), f.isColor() ? d.rgb().length : d.grey().length);
            if (!f.isColor()) {
                assertNotNull(f.defaultWindow());
                assertTrue(f.defaultWindow().width() > 0);
                // 16x16 thumbnails may legitimately fall entirely outside their window.
                assertFalse(uniform(d.grey()) && !malformed && f.width() >= 64,
                        "a real image does not render as one flat grey: frame " + index + " window " + f.defaultWindow());
            }
        }
    }

    /** JPEG Extended with more than 8 bits: no 12-bit JPEG decoder here. */
    private static boolean twelveBitJpeg(Row r) {
        return r.ts().equals(TransferSyntaxes.JPEG_EXTENDED) && !r.bits().startsWith("8/");
    }

    private static boolean uniform(byte[] g) {
        for (byte b : g) {
            if (b != g[0]) {
                return false;
            }
        }
        return true;
    }

    static List<Instance> instances(LoadResult r) {
        List<Instance> out = new ArrayList<>();
        r.patients().forEach(p -> p.studies().forEach(s -> s.series().forEach(se -> out.addAll(se.instances()))));
        return out;
    }
}
