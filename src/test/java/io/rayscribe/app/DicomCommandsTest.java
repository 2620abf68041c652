package io.rayscribe.app;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code info}, {@code render} and {@code bench dicom} through the real command-line dispatcher. */
class DicomCommandsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        out.reset();
        err.reset();
        return Cli.run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8).strip();
    }

    private static String shared(String rel) {
        return SharedData.resolve("dicom/" + rel).toString();
    }

    @Test
    void infoJsonHasExactlyTheIssueShape() {
        assertEquals(0, run("info", shared("dicomdir"), shared("malformed/RTPLAN_truncated.dcm"), "--json"));
        JsonObject root = JsonParser.parseString(stdout()).getAsJsonObject();
        assertEquals(Set.of("patients", "errors"), root.keySet());
        JsonArray patients = root.getAsJsonArray("patients");
        assertEquals(2, patients.size());
        JsonObject p = patients.get(0).getAsJsonObject();
        assertEquals(Set.of("id", "name", "studies"), p.keySet());
        JsonObject study = p.getAsJsonArray("studies").get(0).getAsJsonObject();
        assertEquals(Set.of("uid", "date", "description", "series"), study.keySet());
        JsonObject series = study.getAsJsonArray("series").get(0).getAsJsonObject();
        assertEquals(Set.of("uid", "modality", "number", "description", "instances"), series.keySet());
        JsonObject inst = series.getAsJsonArray("instances").get(0).getAsJsonObject();
        assertEquals(Set.of("sop_instance_uid", "file", "frames", "rows", "columns", "transfer_syntax"), inst.keySet());
        assertEquals(16, inst.get("rows").getAsInt());
        assertEquals("1.2.840.10008.1.2.1", inst.get("transfer_syntax").getAsString());
        List<String> errorFiles = new ArrayList<>();
        root.getAsJsonArray("errors").forEach(e -> {
            assertEquals(Set.of("file", "message"), e.getAsJsonObject().keySet());
            errorFiles.add(Path.of(e.getAsJsonObject().get("file").getAsString()).getFileName().toString());
        });
        assertTrue(errorFiles.contains("RTPLAN_truncated.dcm") && errorFiles.contains("README.txt"), errorFiles.toString());
    }

    @Test
    void infoJsonKeepsEveryKeyEvenWhenValuesAreMissing() {
        assertEquals(0, run("info", shared("malformed/UN_private_sequence.dcm"), "--json"));
        JsonObject series = JsonParser.parseString(stdout()).getAsJsonObject().getAsJsonArray("patients").get(0)
                .getAsJsonObject().getAsJsonArray("studies").get(0).getAsJsonObject().getAsJsonArray("series").get(0)
                .getAsJsonObject();
        assertTrue(series.has("number") && series.get("number").isJsonNull(), series.toString());
    }

    @Test
    void infoWithoutJsonPrintsAReadableTree() {
        assertEquals(0, run("info", shared("radiography/DX_chest_PA_canon_j2k_lossless.dcm")));
        String text = stdout();
        assertTrue(text.startsWith("Patient "), text);
        assertTrue(text.contains("Series") && text.contains("DX") && text.contains("2000x2128"), text);
    }

    @Test
    void renderWritesGreyPngAtNativeSize(@TempDir Path tmp) throws IOException {
        Path png = tmp.resolve("chest.png");
        assertEquals(0, run("render", shared("radiography/CR_chest_MONO1_10bit_explicitLE.dcm"), "--out", png.toString()));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(440, img.getWidth());
        assertEquals(440, img.getHeight());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType());
        // MONOCHROME1 chest shown the usual way: both lungs darker than the spine between them.
        int rightLung = img.getRaster().getSample(130, 180, 0);
        int leftLung = img.getRaster().getSample(310, 180, 0);
        int spine = img.getRaster().getSample(220, 180, 0);
        assertTrue(rightLung + 50 < spine && leftLung + 50 < spine, rightLung + " " + leftLung + " " + spine);
    }

    @Test
    void renderColourFrameAndWindowOption(@TempDir Path tmp) throws IOException {
        Path png = tmp.resolve("us.png");
        assertEquals(0, run("render", shared("us/US_ybr_full_422_30frame_jpeg_baseline.dcm"), "--out", png.toString(),
                "--frame", "29"));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(320, img.getWidth());
        assertEquals(3, img.getColorModel().getNumColorComponents());
        Path narrow = tmp.resolve("narrow.png");
        Path wide = tmp.resolve("wide.png");
        assertEquals(0, run("render", shared("ct/CT1_implicitLE.dcm"), "--out", narrow.toString(), "--window", "40,80"));
        assertEquals(0, run("render", shared("ct/CT1_implicitLE.dcm"), "--out", wide.toString(), "--window", "40,2000"));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(narrow), Files.readAllBytes(wide)));
    }

    @Test
    void renderBadInputIsOneLineExit2NamingTheFile(@TempDir Path tmp) {
        String[][] cases = {
            {shared("ct/CT1_jpegls_lossless_fragmented_bot.dcm"), "1.2.840.10008.1.2.4.80"},
            {shared("malformed/MR_3gb_bulkdata_truncated.dcm"), "MR_3gb_bulkdata_truncated.dcm"},
            {shared("sr/SR_deflated.dcm"), "no pixel data"},
            {shared("malformed/RTPLAN_truncated.dcm"), "declares"},
            {shared("radiography/XA_multiframe96_jpeg_baseline.dcm"), "frame 96 does not exist"},
            {tmp.resolve("missing.dcm").toString(), "no such file"},
        };
        for (String[] c : cases) {
            List<String> argv = new ArrayList<>(List.of("render", c[0], "--out", tmp.resolve("x.png").toString()));
            if (c[0].contains("XA_multiframe")) {
                argv.addAll(List.of("--frame", "96"));
            }
            assertEquals(2, run(argv.toArray(new String[0])), c[0]);
            String e = stderr();
            assertEquals(1, e.lines().count(), e);
            assertTrue(e.contains(Path.of(c[0]).getFileName().toString()) && e.contains(c[1]), e);
            assertFalse(e.contains("Exception") || e.contains("\tat "), e);
        }
        assertEquals(2, run("render", shared("ct/CT1_implicitLE.dcm"), "--out", tmp.resolve("y.png").toString(), "--window", "40"));
        assertTrue(stderr().contains("CENTER,WIDTH"));
    }

    @Test
    void benchDicomReportsTimingsPerFile() {
        assertEquals(0, run("bench", "dicom", shared("mr/MR_small_explicitLE.dcm"), shared("mr/MR_small_jpegls_lossless.dcm"),
                "--json", "--runs", "2", "--warmup", "1"));
        JsonObject root = JsonParser.parseString(stdout()).getAsJsonObject();
        JsonArray files = root.getAsJsonArray("files");
        assertEquals(2, files.size());
        for (var f : files) {
            JsonObject o = f.getAsJsonObject();
            assertTrue(o.has("bytes"));
            if (o.get("transfer_syntax").getAsString().endsWith(".80")) {
                assertTrue(o.get("error").getAsString().contains("JPEG-LS"));
            } else {
                assertTrue(o.get("decode_ms").getAsDouble() >= 0);
                assertTrue(o.get("render_ms").getAsDouble() >= 0);
                assertTrue(o.get("window_change_ms").getAsDouble() >= 0);
            }
        }
    }
}
