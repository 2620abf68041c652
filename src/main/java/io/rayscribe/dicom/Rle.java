package io.rayscribe.dicom;

import io.rayscribe.core.RayScribeException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** DICOM RLE Lossless (PS3.5 Annex G): PackBits segments, most significant byte first. */
final class Rle {
    private Rle() {
    }

    static byte[] decode(java.nio.file.Path file, byte[] d, PixelModule pm) {
        if (d.length < 64) {
            throw RayScribeException.forFile(file, "RLE frame is shorter than its 64-byte header");
        }
        ByteBuffer hb = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        int segments = hb.getInt(0);
        int bps = pm.bitsAllocated() / 8;
        int spp = pm.samplesPerPixel();
        if (segments != bps * spp) {
            throw RayScribeException.forFile(file, "RLE frame has " + segments + " segments; expected " + bps * spp);
        }
        int n = pm.pixels();
        byte[] out = new byte[n * spp * bps];
        for (int s = 0; s < segments; s++) {
            long from = hb.getInt(4 + 4 * s) & 0xffffffffL;
            long to = s + 1 < segments ? hb.getInt(8 + 4 * s) & 0xffffffffL : d.length;
            if (from < 64 || from > d.length || to > d.length || to < from) {
                throw RayScribeException.forFile(file, "RLE segment " + s + " has an invalid offset");
            }
            int sample = s / bps;
            int byteInSample = bps - 1 - (s % bps); // little-endian output, segments MSB first
            int stride = spp * bps;
            int base = sample * bps + byteInSample;
            int p = 0;
            int i = (int) from;
            int limit = (int) to;
            while (i < limit && p < n) {
                int c = d[i++];
                if (c >= 0) {
                    int count = c + 1;
                    for (int k = 0; k < count && i < limit && p < n; k++) {
                        out[base + stride * p++] = d[i++];
                    }
                } else if (c != -128) {
                    int count = 1 - c;
                    if (i >= limit) {
                        break;
                    }
                    byte v = d[i++];
                    for (int k = 0; k < count && p < n; k++) {
                        out[base + stride * p++] = v;
                    }
                }
            }
            if (p < n) {
                throw RayScribeException.forFile(file, "RLE segment " + s + " decodes to " + p + " of " + n + " pixels");
            }
        }
        return out;
    }
}
