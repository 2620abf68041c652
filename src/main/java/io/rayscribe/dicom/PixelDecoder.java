package io.rayscribe.dicom;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import io.rayscribe.core.RayScribeException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.DataBufferShort;
import java.awt.image.Raster;
import java.awt.image.ComponentSampleModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;

/**
 * Turns the pixel data of one frame into a {@link Frame}: uncompressed data is read straight from
 * the mapped file; RLE and JPEG lossless are decoded here ({@link Rle}, {@link JpegLossless}, with
 * PixelMed's ImageIO reader as the lossless fallback); JPEG and JPEG 2000 go through ImageIO (JDK and
 * jai-imageio readers) under a {@link Watchdog}. Syntaxes without a decoder fail naming the syntax.
 */
final class PixelDecoder {
    private static final AttributeTag RED_DESC = new AttributeTag(0x0028, 0x1101);
    private static final AttributeTag GREEN_DESC = new AttributeTag(0x0028, 0x1102);
    private static final AttributeTag BLUE_DESC = new AttributeTag(0x0028, 0x1103);
    private static final AttributeTag RED_DATA = new AttributeTag(0x0028, 0x1201);
    private static final AttributeTag GREEN_DATA = new AttributeTag(0x0028, 0x1202);
    private static final AttributeTag BLUE_DATA = new AttributeTag(0x0028, 0x1203);
    private static final AttributeTag RED_SEGMENTED = new AttributeTag(0x0028, 0x1221);

    private PixelDecoder() {
    }

    static Frame decode(DicomHeader h, int frameIndex) {
        if (!h.layout.hasPixelData()) {
            throw RayScribeException.forFile(h.file, "has no pixel data (not an image)");
        }
        long available = h.layout.data().limit() - (long) h.layout.pixelOffset();
        if (!h.layout.encapsulated() && h.layout.pixelLength() > available) {
            // Checked before the pixel module so a 3 GB declaration in a 100 kB file is named as such.
            throw RayScribeException.forFile(h.file, "Pixel Data declares " + h.layout.pixelLength()
                    + " bytes but only " + available + " remain in the file (truncated or corrupt)");
        }
        PixelModule pm = PixelModule.of(h);
        if (frameIndex < 0 || frameIndex >= pm.frames()) {
            throw RayScribeException.forFile(h.file, "frame " + frameIndex + " does not exist (the file has "
                    + pm.frames() + " frame" + (pm.frames() == 1 ? "" : "s") + ")");
        }
        String ts = h.layout.transferSyntaxUid();
        if (!TransferSyntaxes.isDecodable(ts)) {
            throw RayScribeException.forFile(h.file, "pixel data in " + TransferSyntaxes.describe(ts)
                    + " cannot be decoded here (no decoder for this transfer syntax)");
        }
        try {
            if (!h.layout.encapsulated()) {
                if (!TransferSyntaxes.isNative(ts)) {
                    throw RayScribeException.forFile(h.file, "pixel data should be encapsulated for "
                            + TransferSyntaxes.describe(ts) + " but has a defined length");
                }
                return fromNative(h, pm, frameIndex, h.layout.data(), h.layout.pixelOffset(), h.layout.pixelLength(),
                        h.layout.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            }
            if (TransferSyntaxes.isNative(ts)) {
                throw RayScribeException.forFile(h.file, "pixel data is encapsulated but the transfer syntax "
                        + TransferSyntaxes.describe(ts) + " is uncompressed");
            }
            byte[] data = Fragments.frame(h, pm.frames(), frameIndex);
            if (ts.equals(TransferSyntaxes.RLE)) {
                byte[] raw = Rle.decode(h.file, data, pm);
                return fromNative(h, pm.withPlanar(0), 0, ByteBuffer.wrap(raw), 0, raw.length, ByteOrder.LITTLE_ENDIAN);
            }
            return fromImageIo(h, pm, frameIndex, ts, data);
        } catch (RayScribeException e) {
            throw e;
        } catch (IOException e) {
            throw RayScribeException.forFile(h.file, "cannot decode frame " + frameIndex + " ("
                    + TransferSyntaxes.name(ts) + "): " + DicomHeader.oneLine(e));
        } catch (OutOfMemoryError e) {
            throw RayScribeException.forFile(h.file, "frame " + frameIndex + " needs more memory than is available");
        } catch (RuntimeException | StackOverflowError e) {
            throw RayScribeException.forFile(h.file, "corrupt pixel data in frame " + frameIndex + " ("
                    + TransferSyntaxes.name(ts) + "): " + DicomHeader.oneLine(e));
        }
    }

    // ---------------------------------------------------------------- uncompressed

    private static Frame fromNative(DicomHeader h, PixelModule pm, int frameIndex, ByteBuffer data, int offset,
                                    long length, ByteOrder order) {
        long frameBytes = pm.frameBytes();
        long start = offset + frameBytes * frameIndex;
        long available = Math.min(length, data.limit() - (long) offset);
        if (frameBytes * (frameIndex + 1) > available) {
            throw RayScribeException.forFile(h.file, "pixel data is truncated: frame " + frameIndex + " needs "
                    + frameBytes + " bytes at offset " + frameBytes * frameIndex + " but only " + Math.max(0, available)
                    + " bytes of pixel data are in the file");
        }
        ByteBuffer frame = data.duplicate().position((int) start).limit((int) (start + frameBytes)).slice().order(order);
        int n = pm.pixels();
        if (pm.photometric().startsWith("YBR_FULL_422") || pm.photometric().equals("YBR_PARTIAL_422")) {
            return colourFrame(pm, ycc422(frame, pm), h);
        }
        if (pm.samplesPerPixel() == 3) {
            int[][] planes = new int[3][n];
            int bytes = pm.bitsAllocated() / 8;
            for (int p = 0; p < n; p++) {
                for (int s = 0; s < 3; s++) {
                    int at = pm.planarConfiguration() == 1 ? (s * n + p) : (p * 3 + s);
                    planes[s][p] = sample(frame, at, bytes);
                }
            }
            return colourFrame(pm, planes, h);
        }
        int[] raw = null;
        short[] raw16 = null;
        byte[] raw8 = null;
        if (pm.bitsAllocated() == 16 && pm.bitsStored() <= 16 && !pm.photometric().equals("PALETTE COLOR")) {
            // Fast path: bulk-copy the mapped file into the index array, then mask in place.
            char[] index = new char[n];
            frame.asCharBuffer().get(index);
            return greyFromIndex(h, pm, frameIndex, index);
        } else if (pm.bitsAllocated() == 16) {
            raw16 = new short[n];
            frame.asShortBuffer().get(raw16);
        } else if (pm.bitsAllocated() == 8) {
            raw8 = new byte[n];
            frame.get(raw8);
        } else {
            raw = new int[n];
            frame.asIntBuffer().get(raw);
        }
        return greyFrame(h, pm, frameIndex, raw, raw16, raw8);
    }

    private static int sample(ByteBuffer b, int index, int bytes) {
        switch (bytes) {
            case 1:
                return b.get(index) & 0xff;
            case 2:
                return b.getShort(index * 2) & 0xffff;
            default:
                return b.getInt(index * 4);
        }
    }

    /** YBR_FULL_422 uncompressed: Y1 Y2 Cb Cr for each pair of pixels. */
    private static int[][] ycc422(ByteBuffer b, PixelModule pm) {
        int n = pm.pixels();
        int[][] planes = new int[3][n];
        int bytes = pm.bitsAllocated() / 8;
        int cols = pm.columns();
        int k = 0;
        for (int r = 0; r < pm.rows(); r++) {
            for (int c = 0; c < cols; c += 2) {
                int y1 = sample(b, k++, bytes);
                int y2 = sample(b, k++, bytes);
                int cb = sample(b, k++, bytes);
                int cr = sample(b, k++, bytes);
                int p = r * cols + c;
                planes[0][p] = y1;
                planes[1][p] = cb;
                planes[2][p] = cr;
                if (c + 1 < cols) {
                    planes[0][p + 1] = y2;
                    planes[1][p + 1] = cb;
                    planes[2][p + 1] = cr;
                }
            }
        }
        return planes;
    }

    // ---------------------------------------------------------------- grey and palette

    /** Builds a monochrome (or palette) frame from raw samples of one of three widths. */
    static Frame greyFrame(DicomHeader h, PixelModule pm, int frameIndex, int[] raw, short[] raw16, byte[] raw8) {
        int n = pm.pixels();
        int bs = pm.bitsStored();
        int shift = pm.highBit() + 1 - bs;
        if (pm.photometric().equals("PALETTE COLOR")) {
            return paletteFrame(h, pm, raw, raw16, raw8);
        }
        FrameParams fp = FrameParams.of(h, frameIndex, pm.signed());
        boolean invert = pm.photometric().equals("MONOCHROME1");
        char[] index = new char[n];
        float[] modality;
        if (bs <= 16) {
            int mask = (1 << bs) - 1;
            int signBit = pm.signed() ? 1 << (bs - 1) : 0;
            // index = stored value offset so that index 0 is the smallest representable value
            if (raw16 != null) {
                for (int i = 0; i < n; i++) {
                    index[i] = (char) ((((raw16[i] & 0xffff) >>> shift) & mask) ^ signBit);
                }
            } else if (raw8 != null) {
                for (int i = 0; i < n; i++) {
                    index[i] = (char) ((((raw8[i] & 0xff) >>> shift) & mask) ^ signBit);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    index[i] = (char) (((raw[i] >>> shift) & mask) ^ signBit);
                }
            }
            int size = 1 << bs;
            modality = new float[size];
            for (int k = 0; k < size; k++) {
                int stored = k - signBit;
                modality[k] = (float) fp.modality(stored);
            }
        } else {
            // 17..32 bits stored: quantise the actual value range onto 65536 indices (display only).
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                long s = bs == 32 ? (pm.signed() ? raw[i] : raw[i] & 0xffffffffL)
                        : storedWide(raw[i] >>> shift, bs, pm.signed());
                v[i] = s;
                min = Math.min(min, s);
                max = Math.max(max, s);
            }
            double range = Math.max(1, max - min);
            double step = range / 65535.0;
            for (int i = 0; i < n; i++) {
                index[i] = (char) Math.round((v[i] - min) / step);
            }
            modality = new float[65536];
            for (int k = 0; k < 65536; k++) {
                modality[k] = (float) fp.modality(min + k * step);
            }
        }
        return new Frame(pm.columns(), pm.rows(), index, modality, invert, fp.windows, fp.voiLuts, fp.voiFunction,
                bs <= 16 ? paddingIndex(fp, bs, pm.signed() ? 1 << (bs - 1) : 0) : -1)
                .withStoredOffset(bs <= 16 && pm.signed() ? 1 << (bs - 1) : 0);
    }

    /** {@code index} holds raw 16-bit words; turn them into LUT indices in place (in parallel when large). */
    static Frame greyFromIndex(DicomHeader h, PixelModule pm, int frameIndex, char[] index) {
        int bs = pm.bitsStored();
        int shift = pm.highBit() + 1 - bs;
        int mask = (1 << bs) - 1;
        int signBit = pm.signed() ? 1 << (bs - 1) : 0;
        if (shift != 0 || mask != 0xffff || signBit != 0) {
            int n = index.length;
            int chunks = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), n / (1 << 18)));
            java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
                int from = (int) ((long) n * c / chunks);
                int to = (int) ((long) n * (c + 1) / chunks);
                for (int i = from; i < to; i++) {
                    index[i] = (char) (((index[i] >>> shift) & mask) ^ signBit);
                }
            });
        }
        FrameParams fp = FrameParams.of(h, frameIndex, pm.signed());
        int size = 1 << bs;
        float[] modality = new float[size];
        for (int k = 0; k < size; k++) {
            modality[k] = (float) fp.modality(k - signBit);
        }
        return new Frame(pm.columns(), pm.rows(), index, modality, pm.photometric().equals("MONOCHROME1"),
                fp.windows, fp.voiLuts, fp.voiFunction, paddingIndex(fp, bs, signBit)).withStoredOffset(signBit);
    }

    /** The LUT index of the Pixel Padding Value, or -1. */
    private static int paddingIndex(FrameParams fp, int bs, int signBit) {
        if (fp.padding == null) {
            return -1;
        }
        int k = fp.padding + signBit;
        return k >= 0 && k < (1 << bs) ? k : -1;
    }

    private static long storedWide(int v, int bits, boolean signed) {
        long mask = (1L << bits) - 1;
        long s = v & mask;
        if (signed && (s & (1L << (bits - 1))) != 0) {
            s -= 1L << bits;
        }
        return s;
    }

    private static Frame paletteFrame(DicomHeader h, PixelModule pm, int[] raw, short[] raw16, byte[] raw8) {
        AttributeList l = h.list;
        if (l.get(RED_SEGMENTED) != null && l.get(RED_DATA) == null) {
            throw RayScribeException.forFile(h.file, "segmented palette colour lookup tables are not supported");
        }
        int[][] tables = new int[3][];
        int[] firsts = new int[3];
        AttributeTag[] descs = {RED_DESC, GREEN_DESC, BLUE_DESC};
        AttributeTag[] datas = {RED_DATA, GREEN_DATA, BLUE_DATA};
        for (int c = 0; c < 3; c++) {
            int[] d = FrameParams.descriptor(wrap(l, descs[c]), false);
            int[] t = FrameParams.lutData(l.get(datas[c]), d);
            if (d == null || t == null || t.length == 0) {
                throw RayScribeException.forFile(h.file, "PALETTE COLOR image without a usable palette lookup table");
            }
            int max = 0;
            for (int v : t) {
                max = Math.max(max, v);
            }
            int shift = (d[2] > 8 && max > 255) ? d[2] - 8 : 0;
            int[] t8 = new int[t.length];
            for (int k = 0; k < t.length; k++) {
                t8[k] = Math.min(255, t[k] >>> shift);
            }
            tables[c] = t8;
            firsts[c] = d[1];
        }
        int n = pm.pixels();
        int mask = (1 << Math.min(pm.bitsStored(), 16)) - 1;
        int[] rgb = new int[n];
        for (int i = 0; i < n; i++) {
            int v = (raw16 != null ? raw16[i] & 0xffff : raw8 != null ? raw8[i] & 0xff : raw[i]) & mask;
            int r = tables[0][clamp(v - firsts[0], tables[0].length)];
            int g = tables[1][clamp(v - firsts[1], tables[1].length)];
            int b = tables[2][clamp(v - firsts[2], tables[2].length)];
            rgb[i] = (r << 16) | (g << 8) | b;
        }
        return new Frame(pm.columns(), pm.rows(), rgb);
    }

    private static AttributeList wrap(AttributeList l, AttributeTag tag) {
        // FrameParams.descriptor reads LUT_DESCRIPTOR from an item; a palette descriptor is top-level.
        AttributeList one = new AttributeList();
        com.pixelmed.dicom.Attribute a = l.get(tag);
        if (a != null) {
            try {
                com.pixelmed.dicom.Attribute copy = com.pixelmed.dicom.AttributeFactory.newAttribute(FrameParams.LUT_DESCRIPTOR, a.getVR());
                for (double v : DicomHeader.doubles(l, tag)) {
                    copy.addValue((int) v);
                }
                one.put(copy);
            } catch (com.pixelmed.dicom.DicomException e) {
                return one;
            }
        }
        return one;
    }

    private static int clamp(int k, int len) {
        return k < 0 ? 0 : (k >= len ? len - 1 : k);
    }

    // ---------------------------------------------------------------- colour

    /** Converts three sample planes to RGB according to the photometric interpretation. */
    static Frame colourFrame(PixelModule pm, int[][] planes, DicomHeader h) {
        int n = pm.pixels();
        int[] rgb = new int[n];
        int shift = Math.max(0, Math.min(pm.bitsStored(), pm.bitsAllocated()) - 8);
        String pi = pm.photometric();
        boolean ycc = pi.startsWith("YBR_FULL") || pi.equals("YBR_PARTIAL_422") || pi.equals("YBR_PARTIAL_420");
        boolean partial = pi.startsWith("YBR_PARTIAL");
        int[] p0 = planes[0];
        int[] p1 = planes[1];
        int[] p2 = planes[2];
        for (int i = 0; i < n; i++) {
            int a = p0[i] >>> shift;
            int b = p1[i] >>> shift;
            int c = p2[i] >>> shift;
            int r;
            int g;
            int bl;
            if (ycc) {
                double y = partial ? (a - 16) * 255.0 / 219.0 : a;
                double cb = partial ? (b - 128) * 255.0 / 224.0 : b - 128;
                double cr = partial ? (c - 128) * 255.0 / 224.0 : c - 128;
                r = clamp255(y + 1.402 * cr);
                g = clamp255(y - 0.344136 * cb - 0.714136 * cr);
                bl = clamp255(y + 1.772 * cb);
            } else {
                r = Math.min(255, a & 0x1ff);
                g = Math.min(255, b & 0x1ff);
                bl = Math.min(255, c & 0x1ff);
            }
            rgb[i] = (r << 16) | (g << 8) | bl;
        }
        return new Frame(pm.columns(), pm.rows(), rgb);
    }

    private static int clamp255(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    // ---------------------------------------------------------------- ImageIO codecs

    private static Frame fromImageIo(DicomHeader h, PixelModule pm, int frameIndex, String ts, byte[] data) throws IOException {
        String format;
        boolean jpeg = ts.equals(TransferSyntaxes.JPEG_BASELINE) || ts.equals(TransferSyntaxes.JPEG_EXTENDED);
        if (jpeg) {
            int precision = JpegMarkers.precision(data);
            if (precision > 8) {
                throw RayScribeException.forFile(h.file, precision + "-bit " + TransferSyntaxes.describe(ts)
                        + " cannot be decoded here (no 12-bit JPEG decoder)");
            }
            format = "jpeg";
        } else if (ts.equals(TransferSyntaxes.JPEG_LOSSLESS_57) || ts.equals(TransferSyntaxes.JPEG_LOSSLESS_70)) {
            Frame fast = losslessFast(h, pm, frameIndex, data);
            if (fast != null) {
                return fast;
            }
            format = "jpeg-lossless";
        } else {
            format = "jpeg2000";
        }
        String what = "decoding frame " + frameIndex + " (" + TransferSyntaxes.name(ts) + ")";
        try {
            return Watchdog.run(() -> readImageIo(h, pm, frameIndex, ts, data, format, jpeg),
                    Watchdog.deadlineMs(pm.pixels()), h.file, what);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static Frame readImageIo(DicomHeader h, PixelModule pm, int frameIndex, String ts, byte[] data,
                                     String format, boolean jpeg) throws IOException {
        ImageReader reader = reader(format, h, ts);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            reader.setInput(in, true, true);
            int w = reader.getWidth(0);
            int hh = reader.getHeight(0);
            if (w > pm.columns() || hh > pm.rows()) {
                throw RayScribeException.forFile(h.file, "compressed frame " + frameIndex + " is " + w + " x " + hh
                        + " but the header says " + pm.columns() + " x " + pm.rows());
            }
            Raster raster = jpeg && reader.canReadRaster() ? reader.readRaster(0, null) : reader.read(0).getRaster();
            if (w < pm.columns() || hh < pm.rows()) {
                // Edge tiles of some whole-slide files are stored smaller: pad them to the frame size.
                java.awt.image.WritableRaster full = raster.createCompatibleWritableRaster(pm.columns(), pm.rows());
                full.setRect(-raster.getMinX(), -raster.getMinY(), raster);
                raster = full;
            }
            return fromRaster(h, pm, frameIndex, raster, ts);
        } finally {
            reader.dispose();
        }
    }

    /** Our own lossless decoder; null (fall back to ImageIO) when it cannot handle the stream. */
    private static Frame losslessFast(DicomHeader h, PixelModule pm, int frameIndex, byte[] data) {
        int[] dims;
        try {
            dims = JpegLossless.dimensions(data);
        } catch (IOException e) {
            return null;
        }
        if (dims[0] != pm.columns() || dims[1] != pm.rows()) {
            throw RayScribeException.forFile(h.file, "compressed frame " + frameIndex + " is " + dims[0] + " x " + dims[1]
                    + " but the header says " + pm.columns() + " x " + pm.rows());
        }
        if (dims[2] != pm.samplesPerPixel()) {
            return null;
        }
        if (dims[2] == 1 && !pm.photometric().equals("PALETTE COLOR") && pm.bitsStored() <= 16) {
            char[] grey;
            try {
                grey = JpegLossless.decodeGrey(data);
            } catch (IOException | RuntimeException e) {
                return null;
            }
            return grey == null ? null : greyFromIndex(h, pm, frameIndex, grey);
        }
        int[][] planes;
        try {
            planes = JpegLossless.decode(data, new int[1]);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (planes.length == 3) {
            return colourFrame(pm, planes, h);
        }
        return greyFrame(h, pm, frameIndex, planes[0], null, null);
    }

    private static ImageReader reader(String format, DicomHeader h, String ts) {
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(format);
        if (!it.hasNext()) {
            ImageIO.scanForPlugins();
            it = ImageIO.getImageReadersByFormatName(format);
        }
        if (!it.hasNext()) {
            throw RayScribeException.forFile(h.file, "no ImageIO reader '" + format + "' for "
                    + TransferSyntaxes.describe(ts) + " on the class path");
        }
        return it.next();
    }

    private static Frame fromRaster(DicomHeader h, PixelModule pm, int frameIndex, Raster r, String ts) {
        int n = pm.pixels();
        int bands = r.getNumBands();
        if (pm.samplesPerPixel() == 3 || bands == 3) {
            if (bands < 3) {
                throw RayScribeException.forFile(h.file, "decoded frame has " + bands + " component(s); colour needs 3");
            }
            int[][] planes = new int[3][];
            for (int b = 0; b < 3; b++) {
                planes[b] = r.getSamples(r.getMinX(), r.getMinY(), pm.columns(), pm.rows(), b, (int[]) null);
            }
            String pi = pm.photometric();
            // JPEG 2000 applies its own inverse colour transform; the JDK JPEG raster is raw YCbCr.
            PixelModule colour = pm;
            if (pi.equals("YBR_RCT") || pi.equals("YBR_ICT")
                    || (pi.startsWith("YBR") && !ts.equals(TransferSyntaxes.JPEG_BASELINE) && !ts.equals(TransferSyntaxes.JPEG_EXTENDED))) {
                colour = pm.withPhotometric("RGB");
            } else if (pi.startsWith("YBR_FULL")) {
                colour = pm.withPhotometric("YBR_FULL");
            }
            return colourFrame(colour, planes, h);
        }
        DataBuffer db = r.getDataBuffer();
        boolean simple = r.getSampleModel() instanceof ComponentSampleModel csm && csm.getPixelStride() == 1
                && csm.getScanlineStride() == pm.columns() && db.getNumBanks() == 1 && r.getMinX() == 0 && r.getMinY() == 0
                && db.getSize() - db.getOffset() >= n && r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0;
        if (simple && db instanceof DataBufferUShort us && db.getOffset() == 0) {
            short[] a = us.getData();
            return greyFrame(h, pm, frameIndex, null, a.length == n ? a : java.util.Arrays.copyOf(a, n), null);
        }
        if (simple && db instanceof DataBufferShort ss && db.getOffset() == 0) {
            short[] a = ss.getData();
            return greyFrame(h, pm, frameIndex, null, a.length == n ? a : java.util.Arrays.copyOf(a, n), null);
        }
        if (simple && db instanceof DataBufferByte bb && db.getOffset() == 0) {
            byte[] a = bb.getData();
            return greyFrame(h, pm, frameIndex, null, null, a.length == n ? a : java.util.Arrays.copyOf(a, n));
        }
        int[] s = r.getSamples(r.getMinX(), r.getMinY(), pm.columns(), pm.rows(), 0, (int[]) null);
        return greyFrame(h, pm, frameIndex, s, null, null);
    }
}
