package io.rayscribe.dicom;

/** Reads the sample precision of a JPEG stream's frame header (SOFn). */
final class JpegMarkers {
    private JpegMarkers() {
    }

    static int precision(byte[] d) {
        int i = 2;
        while (i + 4 < d.length) {
            if ((d[i] & 0xff) != 0xFF) {
                i++;
                continue;
            }
            int m = d[i + 1] & 0xff;
            if (m == 0xFF) {
                i++;
                continue;
            }
            if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
                return i + 4 < d.length ? d[i + 4] & 0xff : 8;
            }
            if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
                i += 2;
                continue;
            }
            int len = ((d[i + 2] & 0xff) << 8) | (d[i + 3] & 0xff);
            i += 2 + len;
        }
        return 8;
    }
}
