package io.rayscribe.dicom;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import io.rayscribe.core.RayScribeException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Walks the element structure of a DICOM file on its own, before the toolkit reads it: it finds
 * the transfer syntax and the Pixel Data, and checks every declared length against the bytes that
 * really exist, so a file declaring a 3 GB element in 100 kB is refused before anything allocates.
 */
final class DicomWalker {
    static final int PIXEL_DATA = 0x7FE00010;
    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final int MAX_DEPTH = 32;
    /** Deflated data sets may expand at most this much (guards against deflate bombs). */
    private static final long MAX_INFLATED = 512L << 20;

    private final Path file;
    private ByteBuffer b;
    private int pixelOffset = -1;
    private long pixelLength;
    private int headerEnd;
    private final java.util.List<int[]> unSequences = new java.util.ArrayList<>();

    private DicomWalker(Path file) {
        this.file = file;
    }

    static DicomLayout scan(Path file) {
        try {
            return new DicomWalker(file).run();
        } catch (IOException e) {
            throw RayScribeException.forFile(file, "cannot read file (" + e.getMessage() + ")");
        } catch (IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
            // every read is bounds-checked above; this is the last line of defence against a missed one
            throw RayScribeException.forFile(file, "malformed DICOM structure (data ends unexpectedly)");
        }
    }

    private RayScribeException bad(String reason) {
        return RayScribeException.forFile(file, reason);
    }

    private DicomLayout run() throws IOException {
        MappedByteBuffer mapped;
        long size;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw bad("files over 2 GB are not supported");
            }
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        b = mapped.order(ByteOrder.LITTLE_ENDIAN);
        int end = (int) size;
        if (end < 8) {
            throw bad("not a DICOM file (only " + end + " bytes)");
        }
        int pos = 0;
        boolean preamble = end >= 132 && ascii(128, 4).equals("DICM");
        if (preamble) {
            pos = 132;
        } else if (ascii(0, 4).equals("DICM")) {
            pos = 4;
        }
        String ts = null;
        // File Meta Information: group 0002, explicit VR little endian (tolerate implicit).
        while (pos + 8 <= end && u16le(pos) == 0x0002) {
            int elem = u16le(pos + 2);
            boolean explicitMeta = isUpper(pos + 4) && isUpper(pos + 5);
            long len;
            int hdr;
            if (explicitMeta) {
                String vr = ascii(pos + 4, 2);
                if (longForm(vr)) {
                    if (pos + 12 > end) {
                        throw bad("file meta information truncated at byte " + pos);
                    }
                    len = u32le(pos + 8);
                    hdr = 12;
                } else {
                    len = u16le(pos + 6);
                    hdr = 8;
                }
            } else {
                len = u32le(pos + 4);
                hdr = 8;
            }
            if (len == UNDEFINED || pos + hdr + len > end) {
                throw bad("file meta element (0002," + hex4(elem) + ") declares " + len
                        + " bytes but only " + (end - pos - hdr) + " remain");
            }
            if (elem == 0x0010) {
                ts = ascii(pos + hdr, (int) len).replace("\0", "").trim();
            }
            pos += hdr + (int) len;
        }
        if (!preamble && pos == 0 && !plausibleDataSetStart(pos, end)) {
            throw bad("not a DICOM file (no DICM marker and no recognisable data element)");
        }
        boolean tsInFile = ts != null && !ts.isEmpty();
        boolean explicit;
        boolean bigEndian;
        boolean deflated = false;
        if (tsInFile) {
            bigEndian = ts.equals(TransferSyntaxes.EXPLICIT_BE);
            explicit = !ts.equals(TransferSyntaxes.IMPLICIT_LE);
            deflated = ts.equals(TransferSyntaxes.DEFLATED);
        } else {
            bigEndian = pos + 2 <= end && u16le(pos) > 0x00FF && (u16le(pos) & 0xFF) == 0;
            explicit = pos + 6 <= end && isUpper(pos + 4) && isUpper(pos + 5);
            ts = explicit ? (bigEndian ? TransferSyntaxes.EXPLICIT_BE : TransferSyntaxes.EXPLICIT_LE)
                    : TransferSyntaxes.IMPLICIT_LE;
        }
        int datasetStart = pos;
        if (deflated) {
            b = inflate(pos, end);
            datasetStart = 0;
            pos = 0;
            end = b.limit();
        }
        ByteOrder order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        b.order(order);
        headerEnd = end;
        walkDataSet(pos, end, explicit, 0, true, false);
        b.order(order);
        return new DicomLayout(ts, tsInFile, explicit, bigEndian, deflated, b, datasetStart, headerEnd,
                pixelOffset, pixelLength, size, java.util.List.copyOf(unSequences));
    }

    private ByteBuffer inflate(int pos, int end) {
        byte[] in = new byte[end - pos];
        b.get(pos, in);
        Inflater inf = new Inflater(true);
        inf.setInput(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length * 4);
        byte[] buf = new byte[1 << 16];
        try {
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                out.write(buf, 0, n);
                if (out.size() > MAX_INFLATED) {
                    throw bad("deflated data set expands beyond " + (MAX_INFLATED >> 20) + " MB");
                }
            }
        } catch (DataFormatException e) {
            throw bad("deflated data set is corrupt (" + e.getMessage() + ")");
        } finally {
            inf.end();
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    /**
     * Walks elements in [pos, end). At top level it stops at Pixel Data; in an item of undefined
     * length it returns after the Item Delimitation. Returns the position after what was walked.
     */
    private int walkDataSet(int pos, int end, boolean explicit, int depth, boolean top, boolean untilItemEnd) {
        if (depth > MAX_DEPTH) {
            throw bad("sequences nested more than " + MAX_DEPTH + " deep");
        }
        while (pos < end) {
            if (pos + 8 > end) {
                if (top) {
                    return end; // a few stray trailing bytes: ignore
                }
                throw bad("data set truncated at byte " + pos);
            }
            int group = u16(pos);
            int elem = u16(pos + 2);
            int tag = (group << 16) | elem;
            if (group == 0xFFFE) {
                if (elem == 0xE00D && untilItemEnd) {
                    return pos + 8;
                }
                if (top) {
                    throw bad("unexpected delimiter (FFFE," + hex4(elem) + ") at byte " + pos);
                }
                throw bad("unexpected delimiter (FFFE," + hex4(elem) + ") inside an item at byte " + pos);
            }
            String vr = null;
            long len;
            int hdr;
            if (explicit) {
                if (!isUpper(pos + 4) || !isUpper(pos + 5)) {
                    throw bad("element (" + hex4(group) + "," + hex4(elem) + ") has no valid VR at byte " + pos);
                }
                vr = ascii(pos + 4, 2);
                if (longForm(vr)) {
                    if (pos + 12 > end) {
                        throw bad("data set truncated at byte " + pos);
                    }
                    len = u32(pos + 8);
                    hdr = 12;
                } else {
                    len = u16(pos + 6);
                    hdr = 8;
                }
            } else {
                len = u32(pos + 4);
                hdr = 8;
                vr = dictionaryVr(group, elem);
            }
            int value = pos + hdr;
            if (top && tag == PIXEL_DATA) {
                pixelOffset = value;
                pixelLength = len == UNDEFINED ? -1 : len;
                headerEnd = pos;
                return end;
            }
            if (len == UNDEFINED) {
                if (tag == PIXEL_DATA || "OB".equals(vr) || "OW".equals(vr)) {
                    pos = skipFragments(value, end); // encapsulated pixel data nested in an icon image
                    continue;
                }
                if ("SQ".equals(vr) || "UN".equals(vr) || !explicit || vr == null) {
                    // CP-246: UN of undefined length holds implicit VR little endian items.
                    boolean itemsExplicit = explicit && !"UN".equals(vr);
                    ByteOrder saved = b.order();
                    if ("UN".equals(vr)) {
                        b.order(ByteOrder.LITTLE_ENDIAN);
                    }
                    int elementStart = pos;
                    pos = walkItems(value, end, itemsExplicit, depth + 1, true);
                    b.order(saved);
                    if (top && "UN".equals(vr)) {
                        unSequences.add(new int[] {elementStart, pos});
                    }
                    continue;
                }
                throw bad("element (" + hex4(group) + "," + hex4(elem) + ") " + vr + " has undefined length");
            }
            if (value + len > end) {
                throw bad("element (" + hex4(group) + "," + hex4(elem) + ") declares " + len
                        + " bytes but only " + Math.max(0, end - value) + " remain" + (top ? " in the file" : " in its item"));
            }
            if ("SQ".equals(vr) && len > 0) {
                walkItems(value, value + (int) len, explicit, depth + 1, false);
            }
            pos = value + (int) len;
        }
        if (untilItemEnd) {
            throw bad("item without delimiter: data set ends at byte " + end);
        }
        return end;
    }

    /** Skips encapsulated fragments (items of raw bytes) up to and including the Sequence Delimitation. */
    private int skipFragments(int pos, int end) {
        while (pos + 8 <= end) {
            int group = u16(pos);
            int elem = u16(pos + 2);
            long len = u32(pos + 4);
            if (group == 0xFFFE && elem == 0xE0DD) {
                return pos + 8;
            }
            if (group != 0xFFFE || elem != 0xE000 || len == UNDEFINED || pos + 8 + len > end) {
                throw bad("broken encapsulated fragment at byte " + pos);
            }
            pos += 8 + (int) len;
        }
        throw bad("encapsulated data without delimiter: file ends at byte " + end);
    }

    /** Walks sequence items; with {@code undefinedLength} it returns after the Sequence Delimitation. */
    private int walkItems(int pos, int end, boolean explicit, int depth, boolean undefinedLength) {
        if (depth > MAX_DEPTH) {
            throw bad("sequences nested more than " + MAX_DEPTH + " deep");
        }
        while (pos < end) {
            if (pos + 8 > end) {
                throw bad("sequence truncated at byte " + pos);
            }
            int group = u16(pos);
            int elem = u16(pos + 2);
            long len = u32(pos + 4);
            if (group != 0xFFFE) {
                throw bad("expected a sequence item at byte " + pos + ", found (" + hex4(group) + "," + hex4(elem) + ")");
            }
            if (elem == 0xE0DD) {
                return pos + 8;
            }
            if (elem != 0xE000) {
                throw bad("unexpected delimiter (FFFE," + hex4(elem) + ") in a sequence at byte " + pos);
            }
            int value = pos + 8;
            if (len == UNDEFINED) {
                pos = walkDataSet(value, end, explicit, depth + 1, false, true);
            } else {
                if (value + len > end) {
                    throw bad("sequence item at byte " + pos + " declares " + len + " bytes but only "
                            + Math.max(0, end - value) + " remain");
                }
                walkDataSet(value, value + (int) len, explicit, depth + 1, false, false);
                pos = value + (int) len;
            }
        }
        if (undefinedLength) {
            throw bad("sequence without delimiter: file ends at byte " + end);
        }
        return end;
    }

    private boolean plausibleDataSetStart(int pos, int end) {
        if (pos + 8 > end) {
            return false;
        }
        int gLe = u16le(pos);
        int gBe = ((b.get(pos) & 0xff) << 8) | (b.get(pos + 1) & 0xff);
        return (gLe >= 0x0002 && gLe <= 0x0010) || (gBe >= 0x0002 && gBe <= 0x0010);
    }

    private static String dictionaryVr(int group, int elem) {
        if ((group & 1) == 1 && elem != 0 && elem < 0x100) {
            return "LO"; // private creator
        }
        if (elem == 0) {
            return "UL";
        }
        byte[] vr = DicomDictionary.StandardDictionary.getValueRepresentationFromTag(new AttributeTag(group, elem));
        return vr == null ? null : new String(vr, StandardCharsets.US_ASCII);
    }

    static boolean longForm(String vr) {
        switch (vr) {
            case "OB": case "OD": case "OF": case "OL": case "OV": case "OW": case "SQ":
            case "UC": case "UR": case "UT": case "UN": case "SV": case "UV":
                return true;
            default:
                return false;
        }
    }

    private boolean isUpper(int i) {
        if (i >= b.limit()) {
            return false;
        }
        byte c = b.get(i);
        return c >= 'A' && c <= 'Z';
    }

    private String ascii(int pos, int n) {
        byte[] a = new byte[n];
        b.get(pos, a);
        return new String(a, StandardCharsets.US_ASCII);
    }

    private int u16le(int pos) {
        return (b.get(pos) & 0xff) | ((b.get(pos + 1) & 0xff) << 8);
    }

    private long u32le(int pos) {
        return (u16le(pos) & 0xffffL) | ((long) u16le(pos + 2) << 16);
    }

    private int u16(int pos) {
        return b.getShort(pos) & 0xffff;
    }

    private long u32(int pos) {
        return b.getInt(pos) & 0xffffffffL;
    }

    static String hex4(int v) {
        return String.format("%04X", v);
    }
}
