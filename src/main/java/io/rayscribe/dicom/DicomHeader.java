package io.rayscribe.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import io.rayscribe.core.RayScribeException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The header of one file (everything before Pixel Data) as PixelMed parsed it, plus the
 * {@link DicomLayout} our own walker found. PixelMed only ever sees bytes the walker validated.
 */
final class DicomHeader {
    final Path file;
    final DicomLayout layout;
    final AttributeList list;

    private DicomHeader(Path file, DicomLayout layout, AttributeList list) {
        this.file = file;
        this.layout = layout;
        this.list = list;
    }

    static DicomHeader read(Path file) {
        DicomLayout layout = DicomWalker.scan(file);
        int start = layout.datasetStart();
        int n = layout.headerEnd() - start;
        byte[] header = new byte[Math.max(0, n)];
        layout.data().get(start, header);
        String datasetTs = layout.explicitVr()
                ? (layout.bigEndian() ? TransferSyntaxes.EXPLICIT_BE : TransferSyntaxes.EXPLICIT_LE)
                : TransferSyntaxes.IMPLICIT_LE;
        AttributeList list;
        try {
            list = parse(header, datasetTs);
        } catch (IOException | DicomException | RuntimeException | StackOverflowError e) {
            if (layout.unSequences().isEmpty()) {
                throw failure(file, e);
            }
            // Retry without the CP-246 UN sequences (e.g. implicit items inside a big-endian file).
            try {
                list = parse(without(header, start, layout.unSequences()), datasetTs);
            } catch (IOException | DicomException | RuntimeException | StackOverflowError retry) {
                throw failure(file, e);
            }
        }
        return new DicomHeader(file, layout, list);
    }

    private static AttributeList parse(byte[] header, String datasetTs) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false); // icons may hold encapsulated pixels: keep them as they are
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(header), datasetTs, false)) {
            list.read(in, TagFromName.PixelData);
        }
        return list;
    }

    private static RayScribeException failure(Path file, Throwable e) {
        if (e instanceof IOException || e instanceof DicomException) {
            return RayScribeException.forFile(file, "unreadable DICOM header (" + oneLine(e) + ")");
        }
        return RayScribeException.forFile(file, "malformed DICOM header (" + oneLine(e) + ")");
    }

    /** The header bytes with some [from, to) ranges (file offsets) cut out. */
    private static byte[] without(byte[] header, int start, java.util.List<int[]> ranges) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(header.length);
        int at = 0;
        for (int[] r : ranges) {
            int from = r[0] - start;
            int to = r[1] - start;
            if (from < at || to > header.length) {
                continue;
            }
            out.write(header, at, from - at);
            at = to;
        }
        out.write(header, at, header.length - at);
        return out.toByteArray();
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        m = m.replaceAll("\\s+", " ").trim();
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    String string(AttributeTag tag) {
        return string(list, tag);
    }

    static String string(AttributeList l, AttributeTag tag) {
        Attribute a = l == null ? null : l.get(tag);
        if (a == null) {
            return "";
        }
        try {
            String s = a.getSingleStringValueOrEmptyString();
            return s == null ? "" : s.trim();
        } catch (RuntimeException e) {
            return "";
        }
    }

    int integer(AttributeTag tag, int fallback) {
        return integer(list, tag, fallback);
    }

    static int integer(AttributeList l, AttributeTag tag, int fallback) {
        double[] v = doubles(l, tag);
        return v.length == 0 || !Double.isFinite(v[0]) ? fallback : (int) Math.round(v[0]);
    }

    Integer integerOrNull(AttributeTag tag) {
        double[] v = doubles(list, tag);
        return v.length == 0 || !Double.isFinite(v[0]) ? null : (int) Math.round(v[0]);
    }

    double[] doubles(AttributeTag tag) {
        return doubles(list, tag);
    }

    /** All numeric values of an attribute (empty when absent or unparsable). */
    static double[] doubles(AttributeList l, AttributeTag tag) {
        Attribute a = l == null ? null : l.get(tag);
        if (a == null || a.getVL() == 0) {
            return new double[0];
        }
        try {
            String vr = a.getVRAsString();
            if ("US".equals(vr) || "SS".equals(vr) || "UL".equals(vr) || "SL".equals(vr)
                    || "FL".equals(vr) || "FD".equals(vr) || "IS".equals(vr) || "DS".equals(vr)) {
                double[] d = a.getDoubleValues();
                return d == null ? new double[0] : d;
            }
            String[] s = a.getStringValues();
            if (s == null) {
                return new double[0];
            }
            double[] d = new double[s.length];
            for (int i = 0; i < s.length; i++) {
                d[i] = Double.parseDouble(s[i].trim());
            }
            return d;
        } catch (DicomException | RuntimeException e) {
            return new double[0];
        }
    }

    /** The first item of a sequence, or null. */
    static AttributeList firstItem(AttributeList l, AttributeTag seq) {
        return item(l, seq, 0);
    }

    static AttributeList item(AttributeList l, AttributeTag seq, int index) {
        Attribute a = l == null ? null : l.get(seq);
        if (!(a instanceof SequenceAttribute s) || index < 0 || s.getNumberOfItems() <= index) {
            return null;
        }
        return s.getItem(index).getAttributeList();
    }

    static int items(AttributeList l, AttributeTag seq) {
        Attribute a = l == null ? null : l.get(seq);
        return a instanceof SequenceAttribute s ? s.getNumberOfItems() : 0;
    }
}
