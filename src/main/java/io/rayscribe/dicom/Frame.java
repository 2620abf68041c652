package io.rayscribe.dicom;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * One decoded frame. Monochrome frames keep, per pixel, an index into a table of modality values
 * (stored value after Bits Stored masking and sign handling); rendering with a window only
 * rebuilds a small lookup table over those indices and applies it, so window/level never decodes
 * again. Colour frames (RGB, YBR, palette) are already display RGB.
 */
public final class Frame {
    private static final int PARALLEL_CHUNK = 1 << 18;

    private final int width;
    private final int height;
    private final char[] index;
    private final float[] modality;
    private final int[] rgb;
    private final boolean invert;
    private final List<Window> windows;
    private final Map<Window, VoiLut> voiLuts;
    private final String voiFunction;
    private final int paddingIndex;
    private int storedOffset;
    private volatile Window auto;

    /** A VOI LUT from the file: output = data[clamp(value - first)] scaled from {@code maxOut}. */
    record VoiLut(int first, int[] data, int maxOut) {
    }

    Frame(int width, int height, char[] index, float[] modality, boolean invert, List<Window> windows,
          Map<Window, VoiLut> voiLuts, String voiFunction, int paddingIndex) {
        this.paddingIndex = paddingIndex;
        this.width = width;
        this.height = height;
        this.index = index;
        this.modality = modality;
        this.rgb = null;
        this.invert = invert;
        this.windows = List.copyOf(windows);
        this.voiLuts = Map.copyOf(voiLuts);
        this.voiFunction = voiFunction == null ? "LINEAR" : voiFunction;
    }

    /** Records that index = stored + offset (2^(bits-1) for signed data, 0 otherwise). */
    Frame withStoredOffset(int offset) {
        this.storedOffset = offset;
        return this;
    }

    Frame(int width, int height, int[] rgb) {
        this.width = width;
        this.height = height;
        this.index = null;
        this.modality = null;
        this.rgb = rgb;
        this.invert = false;
        this.windows = List.of();
        this.voiLuts = Map.of();
        this.voiFunction = "LINEAR";
        this.paddingIndex = -1;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public boolean isColor() {
        return rgb != null;
    }

    /** MONOCHROME1: low values display bright. */
    public boolean inverted() {
        return invert;
    }

    /** Every window the file defines (Window Center/Width pairs, then VOI LUTs); empty for colour. */
    public List<Window> windows() {
        return windows;
    }

    /** The file's first window (or VOI LUT); the histogram window when the file has none. */
    public Window defaultWindow() {
        if (isColor()) {
            return null;
        }
        return windows.isEmpty() ? autoWindow() : windows.get(0);
    }

    /** A window from the pixel histogram (0.5th to 99.5th percentile of modality values). */
    public Window autoWindow() {
        if (isColor()) {
            return null;
        }
        Window w = auto;
        if (w == null) {
            w = computeAuto();
            auto = w;
        }
        return w;
    }

    /** Whether {@code w} is one of the file's VOI LUTs (rendered through the table, not linearly). */
    public boolean isLut(Window w) {
        return voiLuts.containsKey(w);
    }

    /** Modality value (e.g. Hounsfield units) at (x, y); NaN for colour frames. */
    public double modalityValue(int x, int y) {
        if (isColor()) {
            return Double.NaN;
        }
        return modality[index[y * width + x]];
    }

    /** Modality value of a stored value (for tests and pixel probes). */
    double modality(int stored) {
        return modality[indexOf(stored)];
    }

    /** LUT index of a stored value: stored values are offset so that the smallest one is index 0. */
    int indexOf(int stored) {
        // index 0 holds the smallest stored value; find the offset from the table once
        int k = stored + storedOffset;
        return Math.max(0, Math.min(modality.length - 1, k));
    }

    /** Memory held by this frame, for the decoder's cache. */
    public long bytes() {
        return isColor() ? 4L * rgb.length : 2L * index.length + 4L * modality.length + 64;
    }

    public DisplayImage render() {
        return render(defaultWindow());
    }

    /** Display pixels for a window (null = default). Colour frames ignore the window. */
    public DisplayImage render(Window w) {
        return render(w, null);
    }

    /**
     * As {@link #render(Window)}, writing grey pixels into {@code into} when it has exactly one byte per pixel
     * (else into a new array). A window/level drag re-renders a multi-megapixel frame dozens of times a second:
     * reusing one array keeps those megabytes out of the collector, whose pauses stop the UI thread too.
     */
    public DisplayImage render(Window w, byte[] into) {
        if (isColor()) {
            return new DisplayImage(width, height, null, rgb);
        }
        byte[] lut = lut(w == null ? defaultWindow() : w);
        byte[] out = into != null && into.length == index.length ? into : new byte[index.length];
        int n = index.length;
        int chunks = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors() * 2, n / PARALLEL_CHUNK));
        if (chunks == 1) {
            apply(lut, out, 0, n);
        } else {
            IntStream.range(0, chunks).parallel().forEach(c -> apply(lut, out, (int) ((long) n * c / chunks),
                    (int) ((long) n * (c + 1) / chunks)));
        }
        return new DisplayImage(width, height, out, null);
    }

    /**
     * The grey display pixels under window {@code w}, box-filtered to half size in the same pass:
     * {@code ((width + 1) / 2) x ((height + 1) / 2)} bytes, each the rounded mean of a 2 x 2 block of windowed
     * pixels (an odd last row or column averages with itself), written into {@code into} when it has that
     * size. Equal to halving {@link #render(Window)}'s pixels, without writing the full-size image: a shrunken
     * view of a large radiograph re-windowed during a drag needs only this.
     */
    public DisplayImage renderHalved(Window w, byte[] into) {
        if (isColor()) {
            throw new IllegalStateException("colour frames have no window");
        }
        byte[] lut = lut(w == null ? defaultWindow() : w);
        int hw = (width + 1) / 2;
        int hh = (height + 1) / 2;
        byte[] out = into != null && into.length == hw * hh ? into : new byte[hw * hh];
        // One thread (~2.5 ms for 4 megapixels): the viewer's renderer calls this during a drag, and under
        // another program's load parallel chunks waited for a preempted pool thread (renders 18-40 ms against 10-24).
        applyHalved(lut, out);
        return new DisplayImage(hw, hh, out, null);
    }

    /** The viewer's 2 x 2 mean (ui.ViewportCompositor.halve) over windowed pixels; tests hold the two equal. */
    private void applyHalved(byte[] lut, byte[] out) {
        char[] idx = index;
        int hw = (width + 1) / 2;
        int hh = (height + 1) / 2;
        for (int y = 0; y < hh; y++) {
            int r0 = 2 * y * width;
            int r1 = Math.min(2 * y + 1, height - 1) * width;
            for (int x = 0; x < hw; x++) {
                int x0 = 2 * x;
                int x1 = Math.min(x0 + 1, width - 1);
                out[y * hw + x] = (byte) (((lut[idx[r0 + x0]] & 0xff) + (lut[idx[r0 + x1]] & 0xff)
                        + (lut[idx[r1 + x0]] & 0xff) + (lut[idx[r1 + x1]] & 0xff) + 2) >> 2);
            }
        }
    }

    private void apply(byte[] lut, byte[] out, int from, int to) {
        char[] idx = index;
        for (int i = from; i < to; i++) {
            out[i] = lut[idx[i]];
        }
    }

    /** The 8-bit output for every index under window {@code w}. */
    byte[] lut(Window w) {
        int n = modality.length;
        byte[] lut = new byte[n];
        VoiLut voi = voiLuts.get(w);
        if (voi != null) {
            int len = voi.data().length;
            double scale = 255.0 / Math.max(1, voi.maxOut());
            for (int i = 0; i < n; i++) {
                long k = Math.round(modality[i]) - voi.first();
                int j = (int) Math.max(0, Math.min(len - 1, k));
                lut[i] = out8(voi.data()[j] * scale);
            }
            return lut;
        }
        double c = w.center();
        double width = w.width();
        String fn = voiFunction;
        for (int i = 0; i < n; i++) {
            lut[i] = out8(linear(fn, modality[i], c, width));
        }
        return lut;
    }

    /** DICOM PS3.3 C.11.2.1.2: LINEAR, LINEAR_EXACT and SIGMOID VOI functions to 0..255. */
    static double linear(String fn, double x, double c, double w) {
        if ("SIGMOID".equals(fn)) {
            return 255.0 / (1 + Math.exp(-4 * (x - c) / Math.max(w, 1e-9)));
        }
        if ("LINEAR_EXACT".equals(fn)) {
            double ww = Math.max(w, 1e-9);
            if (x <= c - ww / 2) {
                return 0;
            }
            if (x > c + ww / 2) {
                return 255;
            }
            return ((x - c) / ww + 0.5) * 255;
        }
        double ww = Math.max(w, 1);
        if (x <= c - 0.5 - (ww - 1) / 2) {
            return 0;
        }
        if (x > c - 0.5 + (ww - 1) / 2) {
            return 255;
        }
        return ww == 1 ? 255 : ((x - (c - 0.5)) / (ww - 1) + 0.5) * 255;
    }

    private byte out8(double v) {
        int o = (int) Math.round(Math.max(0, Math.min(255, v)));
        return (byte) (invert ? 255 - o : o);
    }

    private Window computeAuto() {
        int[] hist = new int[modality.length];
        for (char c : index) {
            hist[c]++;
        }
        long total = index.length;
        if (paddingIndex >= 0 && paddingIndex < hist.length && hist[paddingIndex] < total) {
            total -= hist[paddingIndex]; // padding (outside the scan field) would stretch the window
            hist[paddingIndex] = 0;
        }
        // Order bins by modality value (a modality LUT may be non-monotonic).
        Integer[] order = null;
        boolean monotonic = true;
        for (int i = 1; i < modality.length && monotonic; i++) {
            if (hist[i] > 0 && modality[i] < modality[i - 1]) {
                monotonic = false;
            }
        }
        if (!monotonic) {
            order = new Integer[modality.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Float.compare(modality[a], modality[b]));
        }
        long lowCount = (long) Math.floor(total * 0.005);
        long highCount = (long) Math.ceil(total * 0.995);
        double lo = Double.NaN;
        double hi = Double.NaN;
        long cum = 0;
        for (int k = 0; k < modality.length; k++) {
            int i = order == null ? k : order[k];
            if (hist[i] == 0) {
                continue;
            }
            cum += hist[i];
            if (Double.isNaN(lo) && cum > lowCount) {
                lo = modality[i];
            }
            if (cum >= highCount) {
                hi = modality[i];
                break;
            }
        }
        if (Double.isNaN(lo)) {
            lo = 0;
        }
        if (Double.isNaN(hi)) {
            hi = lo;
        }
        double width = Math.max(1, hi - lo);
        return new Window(lo + width / 2, width, "Auto (histogram)");
    }
}
