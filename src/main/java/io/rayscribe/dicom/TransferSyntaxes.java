package io.rayscribe.dicom;

import java.util.Map;

/** Transfer syntax UIDs, their names, and whether RayScribe can decode their pixels. */
public final class TransferSyntaxes {
    public static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    public static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    public static final String DEFLATED = "1.2.840.10008.1.2.1.99";
    public static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";
    public static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    public static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
    public static final String JPEG_LOSSLESS_57 = "1.2.840.10008.1.2.4.57";
    public static final String JPEG_LOSSLESS_70 = "1.2.840.10008.1.2.4.70";
    public static final String JPEG_LS = "1.2.840.10008.1.2.4.80";
    public static final String JPEG_LS_NEAR = "1.2.840.10008.1.2.4.81";
    public static final String J2K_LOSSLESS = "1.2.840.10008.1.2.4.90";
    public static final String J2K = "1.2.840.10008.1.2.4.91";
    public static final String RLE = "1.2.840.10008.1.2.5";

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry(IMPLICIT_LE, "Implicit VR Little Endian"),
            Map.entry(EXPLICIT_LE, "Explicit VR Little Endian"),
            Map.entry(DEFLATED, "Deflated Explicit VR Little Endian"),
            Map.entry(EXPLICIT_BE, "Explicit VR Big Endian"),
            Map.entry(JPEG_BASELINE, "JPEG Baseline (Process 1)"),
            Map.entry(JPEG_EXTENDED, "JPEG Extended (Process 2 & 4)"),
            Map.entry(JPEG_LOSSLESS_57, "JPEG Lossless (Process 14)"),
            Map.entry(JPEG_LOSSLESS_70, "JPEG Lossless SV1 (Process 14, Selection Value 1)"),
            Map.entry(JPEG_LS, "JPEG-LS Lossless"),
            Map.entry(JPEG_LS_NEAR, "JPEG-LS Near-Lossless"),
            Map.entry(J2K_LOSSLESS, "JPEG 2000 Lossless"),
            Map.entry(J2K, "JPEG 2000"),
            Map.entry("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Lossless"),
            Map.entry("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component"),
            Map.entry("1.2.840.10008.1.2.4.94", "JPIP Referenced"),
            Map.entry("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate"),
            Map.entry("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile"),
            Map.entry("1.2.840.10008.1.2.4.101", "MPEG2 High Profile"),
            Map.entry("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264"),
            Map.entry("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible"),
            Map.entry("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 2D"),
            Map.entry("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 3D"),
            Map.entry("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo"),
            Map.entry("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main"),
            Map.entry("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10"),
            Map.entry("1.2.840.10008.1.2.4.110", "JPEG XL Lossless"),
            Map.entry("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression"),
            Map.entry("1.2.840.10008.1.2.4.112", "JPEG XL"),
            Map.entry("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Lossless"),
            Map.entry("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Lossless"),
            Map.entry("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000"),
            Map.entry(RLE, "RLE Lossless"));

    private TransferSyntaxes() {
    }

    /** Human name of a transfer syntax, or the UID itself when unknown. */
    public static String name(String uid) {
        return NAMES.getOrDefault(uid, "unknown transfer syntax");
    }

    /** "JPEG-LS Lossless (1.2.840.10008.1.2.4.80)". */
    public static String describe(String uid) {
        return name(uid) + " (" + uid + ")";
    }

    static boolean isNative(String uid) {
        return uid.equals(IMPLICIT_LE) || uid.equals(EXPLICIT_LE) || uid.equals(EXPLICIT_BE) || uid.equals(DEFLATED);
    }

    /** Whether pixels of this syntax can be decoded here (12-bit JPEG .51 is refused later by precision). */
    public static boolean isDecodable(String uid) {
        return isNative(uid) || uid.equals(RLE) || uid.equals(JPEG_BASELINE) || uid.equals(JPEG_EXTENDED)
                || uid.equals(JPEG_LOSSLESS_57) || uid.equals(JPEG_LOSSLESS_70)
                || uid.equals(J2K_LOSSLESS) || uid.equals(J2K);
    }
}
