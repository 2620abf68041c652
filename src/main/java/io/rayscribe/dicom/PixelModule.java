package io.rayscribe.dicom;

import com.pixelmed.dicom.TagFromName;
import io.rayscribe.core.RayScribeException;

/** Image Pixel Module values of one file, validated before anything is allocated. */
record PixelModule(int rows, int columns, int samplesPerPixel, int bitsAllocated, int bitsStored, int highBit,
                   boolean signed, String photometric, int planarConfiguration, int frames) {
    /** Largest frame accepted (pixels): far beyond any radiograph, well below the heap. */
    static final long MAX_PIXELS = 1L << 28;

    static PixelModule of(DicomHeader h) {
        int rows = h.integer(TagFromName.Rows, 0);
        int cols = h.integer(TagFromName.Columns, 0);
        int spp = h.integer(TagFromName.SamplesPerPixel, 1);
        int ba = h.integer(TagFromName.BitsAllocated, 0);
        int bs = h.integer(TagFromName.BitsStored, ba);
        int hb = h.integer(TagFromName.HighBit, bs - 1);
        boolean signed = h.integer(TagFromName.PixelRepresentation, 0) == 1;
        String pi = h.string(TagFromName.PhotometricInterpretation).toUpperCase().trim();
        int planar = h.integer(TagFromName.PlanarConfiguration, 0);
        int frames = Math.max(1, h.integer(TagFromName.NumberOfFrames, 1));
        if (pi.isEmpty()) {
            pi = spp == 3 ? "RGB" : "MONOCHROME2";
        }
        if (rows <= 0 || cols <= 0) {
            throw RayScribeException.forFile(h.file, "image has no valid Rows/Columns (" + rows + " x " + cols + ")");
        }
        if ((long) rows * cols * spp > MAX_PIXELS) {
            throw RayScribeException.forFile(h.file, "image of " + cols + " x " + rows + " x " + spp + " samples is too large");
        }
        if (spp != 1 && spp != 3) {
            throw RayScribeException.forFile(h.file, "Samples per Pixel " + spp + " is not supported (1 or 3)");
        }
        if (ba != 8 && ba != 16 && ba != 32) {
            throw RayScribeException.forFile(h.file, "Bits Allocated " + ba + " is not supported (8, 16 or 32)");
        }
        if (bs < 1 || bs > ba) {
            bs = ba;
        }
        if (hb < bs - 1 || hb >= ba) {
            hb = bs - 1;
        }
        if (frames > 100_000) {
            throw RayScribeException.forFile(h.file, "Number of Frames " + frames + " is implausible");
        }
        return new PixelModule(rows, cols, spp, ba, bs, hb, signed, pi, planar, frames);
    }

    PixelModule withPlanar(int planar) {
        return new PixelModule(rows, columns, samplesPerPixel, bitsAllocated, bitsStored, highBit, signed, photometric,
                planar, frames);
    }

    PixelModule withPhotometric(String pi) {
        return new PixelModule(rows, columns, samplesPerPixel, bitsAllocated, bitsStored, highBit, signed, pi,
                planarConfiguration, frames);
    }

    int pixels() {
        return rows * columns;
    }

    /** Bytes of one uncompressed frame. */
    long frameBytes() {
        if (photometric.startsWith("YBR_FULL_422") || photometric.equals("YBR_PARTIAL_422")) {
            return (long) pixels() * 2 * (bitsAllocated / 8);
        }
        return (long) pixels() * samplesPerPixel * (bitsAllocated / 8);
    }

    boolean monochrome() {
        return samplesPerPixel == 1 && !photometric.equals("PALETTE COLOR");
    }
}
