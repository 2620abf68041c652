package io.rayscribe.ui;

import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.dicom.Frame;
import io.rayscribe.dicom.FrameDecoder;
import io.rayscribe.dicom.Window;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The viewport's own resampling and overlay blending, on real DICOM frames. */
class ViewportCompositorTest {
    private static DisplayImage windowed(String rel) {
        Frame f = FrameDecoder.shared().decode(SharedData.resolve("dicom/" + rel), 0);
        return f.render(f.defaultWindow());
    }

    /**
     * {@code img} composed into a {@code viewWidth x viewHeight} viewport the way the viewer places it (centred,
     * scaled, panned right by {@code panX}, turned, flipped), with {@code heat} (or null) on top.
     */
    private static int[] compose(DisplayImage img, boolean invert, int viewWidth, int viewHeight, double scale,
                                 double panX, int rotation, boolean flipH, ViewportCompositor.HeatLayer heat) {
        ViewTransform view = ViewTransform.place(viewWidth, viewHeight, img.width(), img.height(), scale, panX, 0,
                rotation, flipH, false);
        return new ViewportCompositor().compose(new ViewportCompositor.Source(img), invert, view, viewWidth, viewHeight, heat);
    }

    private static int grey(int argb) {
        return argb & 0xff;
    }

    @Test
    void oneToOneViewShowsTheWindowedPixelsExactly() {
        DisplayImage img = windowed("radiography/DX_chest_NIH_cxr14_implicitLE_8bit.dcm");
        int w = img.width();
        int h = img.height();
        int[] out = compose(img, false, w, h, 1, 0, 0, false, null);
        for (int i = 0; i < w * h; i += 97) {
            assertEquals(0xff000000 | (img.grey()[i] & 0xff) * 0x010101, out[i], "pixel " + i);
        }
    }

    @Test
    void quarterTurnAndFlipMovePixelsWhereTheViewerPutsThem() {
        DisplayImage img = windowed("mr/MR_small_explicitLE.dcm");
        int w = img.width();
        int h = img.height();
        // 90° clockwise: frame (x, y) lands at viewport (h - 1 - y, x)
        int[] turned = compose(img, false, h, w, 1, 0, 90, false, null);
        for (int y = 0; y < h; y += 7) {
            for (int x = 0; x < w; x += 5) {
                assertEquals(img.grey()[y * w + x] & 0xff, grey(turned[x * h + (h - 1 - y)]), "turned " + x + "," + y);
            }
        }
        // horizontal flip and invert
        int[] flipped = compose(img, true, w, h, 1, 0, 0, true, null);
        for (int y = 0; y < h; y += 7) {
            for (int x = 0; x < w; x += 5) {
                assertEquals(255 - (img.grey()[y * w + x] & 0xff), grey(flipped[y * w + (w - 1 - x)]), "flipped " + x + "," + y);
            }
        }
    }

    @Test
    void outsideTheFrameIsTransparentAndPanMovesTheFrame() {
        DisplayImage img = windowed("mr/MR_small_explicitLE.dcm");
        int w = img.width();
        int h = img.height();
        // a viewport twice the frame's size, the frame panned 10 px right of centre
        int[] out = compose(img, false, 2 * w, 2 * h, 1, 10, 0, false, null);
        int left = w / 2 + 10;
        int top = h / 2;
        assertEquals(0, out[0], "corner outside the frame");
        assertEquals(0, out[top * 2 * w + left - 1], "just left of the frame");
        assertEquals(0xff000000 | (img.grey()[0] & 0xff) * 0x010101, out[top * 2 * w + left], "the frame's first pixel");
        assertEquals(img.grey()[(h - 1) * w + w - 1] & 0xff, grey(out[(top + h - 1) * 2 * w + left + w - 1]), "its last");
        assertEquals(0, out[(top + h) * 2 * w + left], "just below the frame");
    }

    @Test
    void shrinkingSamplesABoxFilteredHalvingSoFineDetailDoesNotAlias() {
        // a one-pixel checkerboard: plain bilinear sampling at 1/4 scale would land on single pixels (0 or 255)
        int n = 256;
        byte[] board = new byte[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                board[y * n + x] = (byte) (((x + y) & 1) == 0 ? 0 : 255);
            }
        }
        DisplayImage img = new DisplayImage(n, n, board, null);
        assertEquals(2, ViewportCompositor.levelFor(0.25));
        assertEquals(0, ViewportCompositor.levelFor(0.6));
        int[] out = compose(img, false, n / 4, n / 4, 0.25, 0, 0, false, null);
        for (int p : out) {
            assertEquals(128, grey(p), 2);
        }
    }

    @Test
    void halvingOfARealRadiographAveragesBlocks() {
        DisplayImage img = windowed("radiography/DX_chest_NIH_cxr14_implicitLE_8bit.dcm");
        ViewportCompositor.Level half = ViewportCompositor.halve(ViewportCompositor.Level.of(img));
        assertEquals((img.width() + 1) / 2, half.width());
        int w = img.width();
        for (int y = 0; y < half.height() - 1; y += 13) {
            for (int x = 0; x < half.width() - 1; x += 11) {
                int sum = (img.grey()[2 * y * w + 2 * x] & 0xff) + (img.grey()[2 * y * w + 2 * x + 1] & 0xff)
                        + (img.grey()[(2 * y + 1) * w + 2 * x] & 0xff) + (img.grey()[(2 * y + 1) * w + 2 * x + 1] & 0xff);
                assertEquals((sum + 2) / 4, half.planes()[0][y * half.width() + x] & 0xff);
            }
        }
    }

    @Test
    void colourFramesKeepTheirColours() {
        DisplayImage img = windowed("us/US_rgb_explicitLE.dcm");
        assertTrue(img.isColor());
        int w = img.width();
        int h = img.height();
        int[] out = compose(img, false, w, h, 1, 0, 0, false, null);
        for (int i = 0; i < w * h; i += 101) {
            assertEquals(0xff000000 | img.rgb()[i], out[i], "pixel " + i);
        }
    }

    @Test
    void overlayIsBlendedOverTheFrameAndOnlyThere() {
        DisplayImage img = windowed("mr/MR_small_explicitLE.dcm");
        int w = img.width();
        int h = img.height();
        // a uniform map: every level is the same, so every frame pixel gets the same colour over it
        Heatmap uniform = new Heatmap(new float[] {0.3f, 0.3f, 0.3f, 0.3f}, 2, 2);
        ViewTransform view = ViewTransform.place(2 * w, 2 * h, w, h, 1, 0, 0, 0, false, false);
        ViewportCompositor c = new ViewportCompositor();
        ViewportCompositor.Source src = new ViewportCompositor.Source(img);
        int[] plain = c.compose(src, false, view, 2 * w, 2 * h, null).clone();
        int[] over = c.compose(src, false, view, 2 * w, 2 * h, ViewportCompositor.HeatLayer.of(uniform, 0.7)).clone();
        int colour = Heatmap.colours(0.7)[uniform.levels()[0] & 0xff];
        for (int i = 0; i < plain.length; i += 37) {
            assertEquals(plain[i] == 0 ? 0 : ViewportCompositor.over(colour, plain[i]), over[i], "pixel " + i);
        }
        // opacity 0 leaves the frame as it was; the frame pixels under a visible overlay change
        assertArrayEquals(plain, c.compose(src, false, view, 2 * w, 2 * h, ViewportCompositor.HeatLayer.of(uniform, 0)));
        int centre = h * 2 * w + w;
        assertNotEquals(plain[centre], over[centre]);
    }

    @Test
    void aReWindowedFrameShowsWhatAFreshlyWindowedImageShowsAtEveryLevel() {
        Frame f = FrameDecoder.shared().decode(SharedData.resolve("dicom/radiography/DX_chest_PA_canon_j2k_lossless.dcm"), 0);
        Window first = f.defaultWindow();
        Window second = new Window(first.center() - first.width() / 4, first.width() / 3, "test");
        ViewportCompositor c = new ViewportCompositor();
        ViewportCompositor.Source src = new ViewportCompositor.Source(f, first);
        // ~1/7 (the view samples a halving, windowed straight from the frame), ~0.35 (level 1) and 1:1 (level 0)
        for (double scale : new double[] {300.0 / f.height(), 0.35, 1}) {
            int side = 300;
            ViewTransform view = ViewTransform.place(side, side, f.width(), f.height(), scale, 0, 0, 0, false, false);
            int[] before = c.compose(src, false, view, side, side, null).clone();
            src.rewindow(second);
            int[] after = c.compose(src, false, view, side, side, null).clone();
            int[] fresh = new ViewportCompositor().compose(new ViewportCompositor.Source(f.render(second)), false, view, side, side, null);
            assertArrayEquals(fresh, after, "scale " + scale);
            assertNotEquals(java.util.Arrays.hashCode(before), java.util.Arrays.hashCode(after), "re-sampled after the rewindow");
            src.rewindow(first);
            assertArrayEquals(before, c.compose(src, false, view, side, side, null), "back to the first window, scale " + scale);
        }
    }

    @Test
    void theWindowLevelWarmUpLeavesTheFrameOnScreenAsItWas() {
        Frame f = FrameDecoder.shared().decode(SharedData.resolve("dicom/radiography/DX_chest_PA_canon_j2k_lossless.dcm"), 0);
        byte[] before = f.render(f.defaultWindow()).grey().clone();
        UiWarmUp.windowLevel(f); // the viewer shares this frame: the warm-up works on its own arrays only
        assertArrayEquals(before, f.render(f.defaultWindow()).grey());
        UiWarmUp.windowLevel(null); // no study on screen, or a colour one: nothing to window
        Frame colour = FrameDecoder.shared().decode(SharedData.resolve("dicom/sc_ot/SC_rgb_explicitLE.dcm"), 0);
        assertTrue(colour.isColor());
        UiWarmUp.windowLevel(colour);
    }

    @Test
    void windowingStraightToHalfSizeEqualsHalvingTheWindowedImage() {
        // a MONOCHROME1 radiograph (the inversion is part of the window's table) and a 12-bit one
        // (odd sizes: FrameRenderTest)
        for (String rel : new String[] {"radiography/CR_extremity_RG3_j2k_lossless_MONO1.dcm", "radiography/DX_chest_PA_canon_j2k_lossless.dcm"}) {
            Frame f = FrameDecoder.shared().decode(SharedData.resolve("dicom/" + rel), 0);
            Window w = f.defaultWindow();
            ViewportCompositor.Level halved = ViewportCompositor.halve(ViewportCompositor.Level.of(f.render(w)));
            DisplayImage direct = f.renderHalved(w, null);
            assertEquals(halved.width(), direct.width(), rel);
            assertEquals(halved.height(), direct.height(), rel);
            assertArrayEquals(halved.planes()[0], direct.grey(), rel);
            assertTrue(direct.grey() == f.renderHalved(w, direct.grey()).grey(), "written into the given array");
        }
    }

    @Test
    void overlayPeakLandsOnItsPromptCell() {
        int n = 64;
        DisplayImage flat = new DisplayImage(n, n, new byte[n * n], null);
        float[] map = new float[16];
        map[4 * 1 + 2] = 1; // row 1, column 2 of a 4 x 4 grid
        Heatmap h = new Heatmap(map, 4, 4);
        int[] out = compose(flat, false, n, n, 1, 0, 0, false, ViewportCompositor.HeatLayer.of(h, 1));
        int brightest = 0; // the colour map's high end is the reddest (over black)
        for (int i = 1; i < out.length; i++) {
            if (((out[i] >> 16) & 0xff) > ((out[brightest] >> 16) & 0xff)) {
                brightest = i;
            }
        }
        int x = brightest % n;
        int y = brightest / n;
        assertTrue(x >= 32 && x < 48 && y >= 16 && y < 32, "peak at " + x + "," + y);
    }

    @Test
    void viewTransformInverseAndQuarterTurnsAreExact() {
        ViewTransform t = ViewTransform.place(800, 600, 512, 400, 1.37, 12, -30, 270, true, false);
        ViewTransform back = t.then(t.inverse());
        assertTrue(back.isIdentity(1e-9), back.toString());
        ViewTransform q = ViewTransform.place(100, 100, 100, 100, 1, 0, 0, 90, false, false);
        assertEquals(0, q.mxx());
        assertEquals(-1, q.mxy());
        assertEquals(1, q.myx());
        assertEquals(1.37, t.scaleFactor(), 1e-12);
        // the frame's centre stays at the viewport's centre plus the pan, whatever the rotation
        assertEquals(412, t.x(256, 200), 1e-9);
        assertEquals(270, t.y(256, 200), 1e-9);
    }
}
