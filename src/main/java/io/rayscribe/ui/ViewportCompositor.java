package io.rayscribe.ui;

import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.dicom.Frame;
import io.rayscribe.dicom.Window;

import java.util.ArrayList;
import java.util.List;

/**
 * Composes what the image viewport shows at the viewport's own pixel size: the windowed frame resampled
 * through the view transform (zoom, pan, rotation, flips) with the attention heatmap blended on top. The
 * software renderer then draws one unscaled image per repaint of the viewport (≈ 2-3 ms) instead of
 * scaling a full-size frame and a translucent heatmap over it (≈ 11-24 ms), and the renderer thread's
 * repaint is what the UI thread's next frame waits for. Bilinear sampling; when the view shrinks the
 * frame to less than half size it samples a box-filtered halving instead, so fine texture does not alias.
 * Runs on the renderer thread; not thread-safe.
 */
final class ViewportCompositor {
    private static final int ONE = 1 << 16; // 16.16 fixed point
    private static final int HALF = ONE >> 1;

    private Source baseSource;
    private int baseVersion;
    private boolean baseInvert;
    private ViewTransform baseView;
    private int[] base = new int[0];
    private int[] composed = new int[0];
    private int outWidth;
    private int outHeight;

    /** The attention overlay: colour-map levels stretched over the whole frame, and each level's colour. */
    record HeatLayer(byte[] levels, int width, int height, int[] colours) {
        static HeatLayer of(Heatmap h, double opacity) {
            return new HeatLayer(h.levels(), h.overlayWidth(), h.overlayHeight(), Heatmap.colours(opacity));
        }
    }

    /** One level of a frame: {@code width x height}, one byte plane for grey or three (red, green, blue) for colour. */
    record Level(int width, int height, byte[][] planes) {
        static Level of(DisplayImage img) {
            if (!img.isColor()) {
                return new Level(img.width(), img.height(), new byte[][] {img.grey()});
            }
            int[] rgb = img.rgb();
            byte[][] planes = new byte[3][rgb.length];
            for (int i = 0; i < rgb.length; i++) {
                planes[0][i] = (byte) (rgb[i] >> 16);
                planes[1][i] = (byte) (rgb[i] >> 8);
                planes[2][i] = (byte) rgb[i];
            }
            return new Level(img.width(), img.height(), planes);
        }
    }

    /**
     * One frame's display pixels at full resolution and the box-filtered halvings a view asks for. A grey
     * frame's source is windowed lazily: after {@link #rewindow} only the level that a view samples is rebuilt,
     * into the arrays this source already has, and a shrunken view windows straight into the half-size level
     * ({@link Frame#renderHalved}) without writing the full-size image. A window/level drag on a 4-megapixel
     * radiograph therefore allocates nothing and does a quarter of the writes.
     */
    static final class Source {
        private final Frame frame; // null: fixed pixels (a colour frame or a given image)
        private Window window;
        private final int width;
        private final int height;
        private final List<Level> levels = new ArrayList<>();
        private final List<Integer> builtAt = new ArrayList<>(); // the version each level was built for
        private int version;

        /** Fixed pixels (colour, or already windowed): never re-windowed. */
        Source(DisplayImage image) {
            frame = null;
            width = image.width();
            height = image.height();
            put(0, Level.of(image));
        }

        /** A grey frame under {@code window} (null: the frame's default), windowed when a view first needs it. */
        Source(Frame frame, Window window) {
            if (frame.isColor()) {
                throw new IllegalArgumentException("a colour frame has no window: use Source(DisplayImage)");
            }
            this.frame = frame;
            this.window = window;
            width = frame.width();
            height = frame.height();
        }

        int width() {
            return width;
        }

        int height() {
            return height;
        }

        boolean rewindowable() {
            return frame != null;
        }

        /** The same grey frame under another window; levels are rebuilt as views ask for them. */
        void rewindow(Window w) {
            if (frame == null) {
                throw new IllegalStateException("fixed pixels cannot be re-windowed");
            }
            window = w;
            version++;
        }

        /** Level {@code k} is the frame halved {@code k} times (or the smallest level there is), current. */
        Level level(int k) {
            int level = Math.min(k, deepest());
            build(level);
            return levels.get(level);
        }

        /** Halvings until 1 x 1. */
        private int deepest() {
            int k = 0;
            for (int w = width, h = height; w > 1 || h > 1; w = (w + 1) / 2, h = (h + 1) / 2) {
                k++;
            }
            return k;
        }

        private boolean current(int k) {
            return k < levels.size() && levels.get(k) != null && builtAt.get(k) == version;
        }

        private void build(int k) {
            if (current(k)) {
                return;
            }
            if (frame != null && k == 0) {
                put(0, Level.of(frame.render(window, greyOf(0))));
            } else if (frame != null && k == 1 && !current(0)) {
                put(1, Level.of(frame.renderHalved(window, greyOf(1))));
            } else {
                build(k - 1);
                put(k, halve(levels.get(k - 1), k < levels.size() ? levels.get(k) : null));
            }
        }

        /** Level k's grey array to write into again, or null. */
        private byte[] greyOf(int k) {
            Level l = k < levels.size() ? levels.get(k) : null;
            return l != null && l.planes().length == 1 ? l.planes()[0] : null;
        }

        private void put(int k, Level level) {
            while (levels.size() <= k) {
                levels.add(null);
                builtAt.add(-1);
            }
            levels.set(k, level);
            builtAt.set(k, version);
        }
    }

    /**
     * The viewport's pixels (premultiplied ARGB, row-major, {@code width x height}; transparent outside the
     * frame). {@code view} maps frame pixels to viewport pixels; {@code heat} may be null. The array is this
     * compositor's own and is overwritten by the next call.
     */
    int[] compose(Source src, boolean invert, ViewTransform view, int width, int height, HeatLayer heat) {
        if (width != outWidth || height != outHeight) {
            base = new int[width * height];
            composed = new int[width * height];
            outWidth = width;
            outHeight = height;
            baseSource = null;
        }
        ViewTransform inverse = view.inverse();
        if (src != baseSource || src.version != baseVersion || invert != baseInvert || !view.equals(baseView)) {
            resample(src, invert, inverse, width, height, base);
            baseSource = src;
            baseVersion = src.version;
            baseInvert = invert;
            baseView = view;
        }
        if (heat == null) {
            return base;
        }
        blendHeat(src.width(), src.height(), inverse, width, height, heat);
        return composed;
    }

    /** The halving to sample for a view of this scale: each output pixel then spans at most about two samples. */
    static int levelFor(double scale) {
        return scale >= 0.5 ? 0 : (int) Math.floor(Math.log(1 / scale) / Math.log(2));
    }

    private static void resample(Source src, boolean invert, ViewTransform inv, int width, int height, int[] out) {
        int level = levelFor(1 / inv.scaleFactor());
        Level img = src.level(level);
        byte[][] planes = img.planes();
        int w = img.width();
        int h = img.height();
        // the level's own size may round up: map frame coordinates to it by its exact ratio
        double kx = img.width() / (double) src.width();
        double ky = img.height() / (double) src.height();
        long limitU = (long) src.width() << 16;
        long limitV = (long) src.height() << 16;
        int[] lut = invert ? GREY_INV : GREY;
        for (int oy = 0; oy < height; oy++) {
            double cy = oy + 0.5;
            long u = fixed(inv.x(0.5, cy));
            long v = fixed(inv.y(0.5, cy));
            long du = fixed(inv.mxx());
            long dv = fixed(inv.myx());
            // the same walk in the level's coordinates, minus half a sample (samples sit at pixel centres)
            long su = fixed(inv.x(0.5, cy) * kx) - HALF;
            long sv = fixed(inv.y(0.5, cy) * ky) - HALF;
            long dsu = fixed(inv.mxx() * kx);
            long dsv = fixed(inv.myx() * ky);
            int row = oy * width;
            for (int ox = 0; ox < width; ox++, u += du, v += dv, su += dsu, sv += dsv) {
                if (u < 0 || v < 0 || u >= limitU || v >= limitV) {
                    out[row + ox] = 0;
                } else if (planes.length == 1) {
                    out[row + ox] = lut[bilinearByte(planes[0], w, h, su, sv)];
                } else {
                    int c = bilinearByte(planes[0], w, h, su, sv) << 16 | bilinearByte(planes[1], w, h, su, sv) << 8
                            | bilinearByte(planes[2], w, h, su, sv);
                    out[row + ox] = 0xff000000 | (invert ? ~c : c);
                }
            }
        }
    }

    /** {@code composed} = the heatmap (stretched over the frame) over {@code base}. */
    private void blendHeat(int frameWidth, int frameHeight, ViewTransform inv, int width, int height, HeatLayer heat) {
        double kx = heat.width() / (double) frameWidth;
        double ky = heat.height() / (double) frameHeight;
        int[] colours = heat.colours();
        byte[] levels = heat.levels();
        for (int oy = 0; oy < height; oy++) {
            double cy = oy + 0.5;
            long su = fixed(inv.x(0.5, cy) * kx) - HALF;
            long sv = fixed(inv.y(0.5, cy) * ky) - HALF;
            long dsu = fixed(inv.mxx() * kx);
            long dsv = fixed(inv.myx() * ky);
            int row = oy * width;
            for (int ox = 0; ox < width; ox++, su += dsu, sv += dsv) {
                int p = base[row + ox];
                if (p == 0) {
                    composed[row + ox] = 0; // outside the frame: no overlay either
                    continue;
                }
                int c = colours[bilinearByte(levels, heat.width(), heat.height(), su, sv)];
                composed[row + ox] = over(c, p);
            }
        }
    }

    /** One byte per sample (grey, one colour channel, colour-map levels), {@code w x h}, at 16.16 fixed point. */
    private static int bilinearByte(byte[] g, int w, int h, long su, long sv) {
        int x0 = (int) (su >> 16);
        int y0 = (int) (sv >> 16);
        int fx = (int) (su >> 8) & 0xff;
        int fy = (int) (sv >> 8) & 0xff;
        int xa = clamp(x0, w);
        int xb = clamp(x0 + 1, w);
        int ra = clamp(y0, h) * w;
        int rb = clamp(y0 + 1, h) * w;
        int top = (g[ra + xa] & 0xff) * (256 - fx) + (g[ra + xb] & 0xff) * fx;
        int bottom = (g[rb + xa] & 0xff) * (256 - fx) + (g[rb + xb] & 0xff) * fx;
        return (top * (256 - fy) + bottom * fy + (1 << 15)) >>> 16;
    }

    /** Premultiplied source-over: {@code top + bottom * (1 - top alpha)}, per channel. */
    static int over(int top, int bottom) {
        int keep = 255 - (top >>> 24);
        int a = (top >>> 24) + div255((bottom >>> 24) * keep);
        int r = ((top >> 16) & 0xff) + div255(((bottom >> 16) & 0xff) * keep);
        int g = ((top >> 8) & 0xff) + div255(((bottom >> 8) & 0xff) * keep);
        int b = (top & 0xff) + div255((bottom & 0xff) * keep);
        return a << 24 | r << 16 | g << 8 | b;
    }

    /** x / 255, rounded, for 0 <= x <= 255 * 255. */
    private static int div255(int x) {
        int t = x + 128;
        return (t + (t >> 8)) >> 8;
    }

    private static int clamp(int i, int n) {
        return i < 0 ? 0 : i >= n ? n - 1 : i;
    }

    private static long fixed(double v) {
        return Math.round(v * ONE);
    }

    /** A 2 x 2 box filter on every plane; an odd last row or column averages with itself. */
    static Level halve(Level l) {
        return halve(l, null);
    }

    /** As {@link #halve(Level)}, into {@code into}'s arrays when they have the halved size. */
    private static Level halve(Level l, Level into) {
        int hw = (l.width() + 1) / 2;
        int hh = (l.height() + 1) / 2;
        boolean reuse = into != null && into.width() == hw && into.height() == hh && into.planes().length == l.planes().length;
        byte[][] out = reuse ? into.planes() : new byte[l.planes().length][hw * hh];
        for (int p = 0; p < out.length; p++) {
            halve(l.planes()[p], l.width(), l.height(), out[p]);
        }
        return reuse ? into : new Level(hw, hh, out);
    }

    private static void halve(byte[] g, int w, int h, byte[] out) {
        int hw = (w + 1) / 2;
        int hh = (h + 1) / 2;
        for (int y = 0; y < hh; y++) {
            int r0 = 2 * y * w;
            int r1 = Math.min(2 * y + 1, h - 1) * w;
            for (int x = 0; x < hw; x++) {
                int x0 = 2 * x;
                int x1 = Math.min(x0 + 1, w - 1);
                out[y * hw + x] = (byte) (((g[r0 + x0] & 0xff) + (g[r0 + x1] & 0xff) + (g[r1 + x0] & 0xff) + (g[r1 + x1] & 0xff) + 2) >> 2);
            }
        }
    }

    private static final int[] GREY = new int[256];
    private static final int[] GREY_INV = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            GREY[i] = 0xff000000 | i << 16 | i << 8 | i;
            int j = 255 - i;
            GREY_INV[i] = 0xff000000 | j << 16 | j << 8 | j;
        }
    }
}
