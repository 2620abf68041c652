package io.rayscribe.dicom;

import io.rayscribe.core.RayScribeException;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameRenderTest {
    private static Frame frame(String rel, int index) {
        return FrameDecoder.shared().decode(SharedData.resolve("dicom/" + rel), index);
    }

    private static int mean(DisplayImage d) {
        long sum = 0;
        for (byte b : d.grey()) {
            sum += b & 0xff;
        }
        return (int) (sum / d.grey().length);
    }

    @Test
    void windowingToHalfSizeAveragesEachTwoByTwoBlockOfWindowedPixelsAndTheOddEdgeWithItself() {
        int w = 5;
        int h = 3;
        char[] index = new char[w * h];
        for (int i = 0; i < index.length; i++) {
            index[i] = (char) ((i * 37) % 100);
        }
        float[] modality = new float[100];
        for (int i = 0; i < modality.length; i++) {
            modality[i] = i * 10 - 200;
        }
        Window window = new Window(150, 400, "test");
        Frame f = new Frame(w, h, index, modality, false, java.util.List.of(window), java.util.Map.of(), "LINEAR", -1);
        byte[] full = f.render(window).grey();
        DisplayImage half = f.renderHalved(window, null);
        assertEquals(3, half.width());
        assertEquals(2, half.height());
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                int x1 = Math.min(2 * x + 1, w - 1);
                int y1 = Math.min(2 * y + 1, h - 1);
                int sum = (full[2 * y * w + 2 * x] & 0xff) + (full[2 * y * w + x1] & 0xff)
                        + (full[y1 * w + 2 * x] & 0xff) + (full[y1 * w + x1] & 0xff);
                assertEquals((sum + 2) / 4, half.grey()[y * 3 + x] & 0xff, "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void signedCtRescaleGivesAirAtMinus1024() {
        Frame f = frame("ct/CT1_implicitLE.dcm", 0);
        // The corner of a CT slice is outside the scanner's field: air or padding, well below -900 HU.
        assertTrue(f.modalityValue(0, 0) <= -1000, "corner HU " + f.modalityValue(0, 0));
        double center = f.modalityValue(256, 256);
        assertTrue(center > -200 && center < 200, "soft tissue near the centre, got " + center);
    }

    @Test
    void monochrome1InvertsAgainstTheSameDataReadAsMonochrome2() {
        Frame f = frame("radiography/CR_chest_MONO1_10bit_explicitLE.dcm", 0);
        assertTrue(f.inverted());
        Window w = f.defaultWindow();
        assertEquals(550, w.center(), 1e-9);
        DisplayImage d = f.render(w);
        // Under MONOCHROME1 each stored value displays as 255 minus its MONOCHROME2 grey.
        byte[] lut = f.lut(w);
        assertEquals(1 << 10, lut.length);
        for (int k = 0; k < lut.length; k += 31) {
            long mono2 = Math.round(Frame.linear("LINEAR", k, w.center(), w.width()));
            assertEquals(255 - mono2, lut[k] & 0xff, "stored value " + k);
        }
        assertEquals(255, lut[0] & 0xff);
        assertEquals(440 * 440, d.grey().length);
    }

    @Test
    void everyFileWindowIsSelectableAndChangesTheImage() {
        Frame f = frame("mr/MR_siemens_overlay_icon.dcm", 0);
        assertEquals(2, f.windows().size());
        assertEquals(450, f.windows().get(0).center(), 1e-9);
        assertEquals(200, f.windows().get(1).center(), 1e-9);
        assertTrue(mean(f.render(f.windows().get(1))) > mean(f.render(f.windows().get(0))),
                "a lower centre renders brighter");
    }

    @Test
    void voiLutSequenceIsOfferedAndApplied() {
        Frame f = frame("sc_ot/OT_voi_lut_sequence.dcm", 0);
        Window lut = f.defaultWindow();
        assertTrue(f.isLut(lut), "the default of a file with only a VOI LUT is that LUT: " + lut);
        byte[] table = f.lut(lut);
        // 256-entry LUT, 16-bit output 0..65535 in steps of 257: stored value k displays as k.
        for (int k = 0; k < 256; k += 17) {
            assertEquals(k, table[k] & 0xff);
        }
    }

    @Test
    void paletteColourBecomesRgb() {
        Frame f = frame("sc_ot/OT_palette_face_acrnema_nometa.dcm", 0);
        assertTrue(f.isColor());
        DisplayImage d = f.render();
        int coloured = 0;
        for (int c : d.rgb()) {
            if (((c >> 16) & 0xff) != (c & 0xff)) {
                coloured++;
            }
        }
        assertTrue(coloured > d.rgb().length / 10, "palette gives colour pixels");
    }

    @Test
    void autoWindowFromHistogramWhenTheFileHasNone() {
        Frame f = frame("radiography/DX_chest_NIH_cxr14_implicitLE_8bit.dcm", 0);
        assertTrue(f.windows().isEmpty());
        Window w = f.defaultWindow();
        assertTrue(w.label().startsWith("Auto"));
        assertTrue(w.width() > 50 && w.width() <= 256, "8-bit data gives an 8-bit wide window: " + w);
    }

    @Test
    void undecodableSyntaxFailsNamingIt() {
        Path p = SharedData.resolve("dicom/ct/CT1_jpegls_lossless_fragmented_bot.dcm");
        RayScribeException e = assertThrows(RayScribeException.class, () -> FrameDecoder.shared().decode(p, 0));
        assertTrue(e.getMessage().contains("1.2.840.10008.1.2.4.80"), e.getMessage());
        assertTrue(e.getMessage().contains("JPEG-LS"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void windowChangeDoesNotDecodeAgain() {
        Frame f = frame("ct/CT1_implicitLE.dcm", 0);
        Frame again = frame("ct/CT1_implicitLE.dcm", 0);
        assertTrue(f == again, "the second request is served from the cache");
        DisplayImage lung = f.render(new Window(-600, 1500, "Lung"));
        DisplayImage bone = f.render(new Window(300, 1500, "Bone"));
        assertTrue(mean(lung) > mean(bone));
    }
}
