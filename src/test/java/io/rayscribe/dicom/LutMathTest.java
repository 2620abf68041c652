package io.rayscribe.dicom;

import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Modality and VOI arithmetic checked against the raw bytes of real files. */
class LutMathTest {
    private static Frame frame(String rel, int index) {
        return FrameDecoder.shared().decode(SharedData.resolve("dicom/" + rel), index);
    }

    /** Raw little-endian 16-bit samples of an uncompressed file (last Pixel Data element, OW). */
    private static short[] rawSamples(String rel, int count) throws IOException {
        byte[] b = Files.readAllBytes(SharedData.resolve("dicom/" + rel));
        for (int i = b.length - 12; i >= 0; i--) {
            if (b[i] == (byte) 0xE0 && b[i + 1] == 0x7F && b[i + 2] == 0x10 && b[i + 3] == 0x00) {
                int value = (b[i + 4] == 'O' && b[i + 5] == 'W') ? i + 12 : i + 8; // explicit or implicit VR
                short[] s = new short[count];
                ByteBuffer.wrap(b, value, count * 2).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
                return s;
            }
        }
        throw new IllegalStateException("no pixel data in " + rel);
    }

    @Test
    void signedCtStoredValuesPlusInterceptGiveHounsfieldUnitsWithAirAtMinus1024() throws IOException {
        String rel = "ct/CT_small_explicitLE_signed_rescale.dcm";
        Frame f = frame(rel, 0);
        short[] raw = rawSamples(rel, 128 * 128);
        for (int i = 0; i < raw.length; i += 7) {
            assertEquals(raw[i] - 1024.0, f.modalityValue(i % 128, i / 128), 1e-6, "pixel " + i);
        }
        // Stored 0 is air: -1024 HU.
        assertEquals(-1024.0, f.modality(0), 1e-9);
    }

    @Test
    void negativeSignedStoredValuesAreSignExtended() throws IOException {
        String rel = "radiography/OT_chest_signed16.dcm";
        Frame f = frame(rel, 0);
        short[] raw = rawSamples(rel, 512 * 512);
        int negatives = 0;
        for (int i = 0; i < raw.length; i += 3) {
            assertEquals(raw[i], f.modalityValue(i % 512, i / 512), 1e-6, "pixel " + i);
            negatives += raw[i] < 0 ? 1 : 0;
        }
        assertTrue(negatives > 1000, "the file really holds negative stored values");
    }

    @Test
    void paddingIsExcludedFromTheAutomaticWindow() {
        Frame ct = frame("ct/CT1_implicitLE.dcm", 0);
        assertEquals(-3024.0, ct.modalityValue(0, 0), 1e-9, "padding -2000 stored, rescaled by -1024");
        Window w = ct.autoWindow();
        assertTrue(w.center() - w.width() / 2 > -1200, "auto window starts near air, not at the padding: " + w);
    }

    @Test
    void ctWindowPresetsMapHounsfieldUnitsLinearly() {
        Frame f = frame("ct/CT_small_explicitLE_signed_rescale.dcm", 0);
        Window lung = new Window(-600, 1500, "Lung");
        Window bone = new Window(300, 1500, "Bone");
        Window soft = new Window(40, 400, "Soft tissue");
        byte[] l = f.lut(lung);
        byte[] s = f.lut(soft);
        int airIndex = f.indexOf(0);      // stored 0 = -1024 HU
        int waterIndex = f.indexOf(1024); // stored 1024 = 0 HU
        // -1024 HU in the lung window [-1350, 150]: about (−1024+1350)/1500 of full scale.
        assertEquals(Math.round((-1024 - (-600 - 0.5)) / 1499.0 * 255 + 127.5), l[airIndex] & 0xff, 1);
        assertEquals(0, s[airIndex] & 0xff, "air is black in a soft-tissue window");
        assertEquals(Math.round((0 - 39.5) / 399.0 * 255 + 127.5), s[waterIndex] & 0xff, 1);
        assertTrue((f.lut(bone)[waterIndex] & 0xff) < (l[waterIndex] & 0xff), "water darker in bone window than lung window");
    }

    @Test
    void modalityLutSequenceReplacesRescale() {
        Frame f = frame("sc_ot/OT_modality_lut_sequence_signed12.dcm", 0);
        // Descriptor 4096\\-2048\\16, data a ramp 0,16,32,...: stored s maps to about (s + 2048) * 16.
        for (int stored = -2048; stored < 2048; stored += 97) {
            assertEquals((stored + 2048) * 16.0, f.modality(stored), 16.0, "stored " + stored);
        }
        assertTrue(f.modality(-3000) == f.modality(-2048), "values below the table clamp to its first entry");
    }

    @Test
    void mammogramOffersEveryWindowAndItsVoiLut() {
        Frame f = frame("radiography/MG_breast_jpeg_lossless_voi_lut_seq.dcm", 0);
        List<Window> ws = f.windows();
        assertEquals(6, ws.size(), () -> "three window pairs and three VOI LUTs: " + ws);
        assertEquals(2653, ws.get(0).center(), 1e-9);
        assertEquals(750, ws.get(1).width(), 1e-9);
        assertEquals("NORMAL", ws.get(0).label());
        assertFalse(f.isLut(ws.get(2)));
        assertTrue(f.isLut(ws.get(3)) && f.isLut(ws.get(5)));
        assertNotEquals(f.render(ws.get(0)).grey()[3062 / 2 * 2394 + 1000], (byte) -1);
        for (Window w : ws) {
            assertEquals(2394 * 3062, f.render(w).grey().length);
        }
    }

    @Test
    void enhancedMultiFrameTakesWindowsFromFunctionalGroups() {
        Frame f0 = frame("ct/eCT_2frame_jpeg_lossless_70.dcm", 0);
        Frame f1 = frame("ct/eCT_2frame_jpeg_lossless_70.dcm", 1);
        assertFalse(f0.windows().isEmpty(), "Frame VOI LUT functional group read");
        assertNotEquals(f0.modalityValue(256, 256) + f0.modalityValue(100, 300),
                f1.modalityValue(256, 256) + f1.modalityValue(100, 300), "two different slices");
    }

    @Test
    void multiFrameCineDecodesEveryFrameOnDemand() {
        Frame first = frame("radiography/XA_multiframe96_jpeg_baseline.dcm", 0);
        Frame last = frame("radiography/XA_multiframe96_jpeg_baseline.dcm", 95);
        assertEquals(512, last.width());
        int differ = 0;
        byte[] a = first.render().grey();
        byte[] b = last.render().grey();
        for (int i = 0; i < a.length; i++) {
            if (Math.abs((a[i] & 0xff) - (b[i] & 0xff)) > 8) {
                differ++;
            }
        }
        assertTrue(differ > a.length / 100, "frame 96 is not frame 1");
    }

    @Test
    void ybrAndRgbEncodingsOfTheSameColourBarsAgree() {
        for (String rel : List.of("sc_ot/SC_rgb_explicitLE.dcm", "sc_ot/SC_ybr_full_uncompressed.dcm",
                "sc_ot/SC_rgb_jpeg_baseline_ybr_full_422.dcm", "sc_ot/SC_rgb_jpeg_baseline_dcmtk_ybr_full.dcm",
                "sc_ot/SC_rgb_rle_2frame.dcm", "sc_ot/SC_rgb_16bit_2frame_explicitBE.dcm", "sc_ot/SC_rgb_jpeg_lossless_70.dcm")) {
            int[] rgb = frame(rel, 0).render().rgb();
            assertColour(rel, rgb[5 * 100 + 50], 255, 0, 0);
            assertColour(rel, rgb[25 * 100 + 50], 0, 255, 0);
            assertColour(rel, rgb[45 * 100 + 50], 0, 0, 255);
            assertColour(rel, rgb[95 * 100 + 50], 255, 255, 255);
        }
    }

    private static void assertColour(String rel, int c, int r, int g, int b) {
        int tol = 8;
        boolean ok = Math.abs(((c >> 16) & 0xff) - r) <= tol && Math.abs(((c >> 8) & 0xff) - g) <= tol
                && Math.abs((c & 0xff) - b) <= tol;
        assertTrue(ok, rel + ": expected " + r + "," + g + "," + b + " got " + ((c >> 16) & 0xff) + ","
                + ((c >> 8) & 0xff) + "," + (c & 0xff));
    }

    @Test
    void windowFunctionFollowsTheStandard() {
        // PS3.3 C.11.2.1.2.1 example: c=2048, w=4096 maps 0 to 0 and 4095 to 255.
        assertEquals(0, Frame.linear("LINEAR", 0, 2048, 4096), 0.5);
        assertEquals(255, Frame.linear("LINEAR", 4095, 2048, 4096), 0.5);
        assertEquals(127.5, Frame.linear("LINEAR", 2047.5, 2048, 4096), 0.1);
        assertEquals(255, Frame.linear("LINEAR_EXACT", 100, 50, 100), 0.5);
        assertEquals(127.5, Frame.linear("SIGMOID", 50, 50, 100), 1e-9);
    }

    @Test
    void corruptJpeg2000FailsWithinItsDeadline() {
        // The trailing-COM-marker chest decodes; the truncated J2K in an NM file is refused cleanly.
        Path p = SharedData.resolve("dicom/malformed/NM_j2k_embedded_sequence_delimiter.dcm");
        long t0 = System.nanoTime();
        io.rayscribe.core.RayScribeException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.rayscribe.core.RayScribeException.class, () -> new FrameDecoder(1 << 20).decode(p, 0));
        assertTrue((System.nanoTime() - t0) / 1e9 < 5, "fails fast");
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    }
}
