package io.rayscribe.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Modality and VOI parameters for one frame: from the top-level attributes or, for enhanced
 * multi-frame objects, from the per-frame or shared functional groups.
 */
final class FrameParams {
    static final AttributeTag MODALITY_LUT_SEQUENCE = new AttributeTag(0x0028, 0x3000);
    static final AttributeTag VOI_LUT_SEQUENCE = new AttributeTag(0x0028, 0x3010);
    static final AttributeTag LUT_DESCRIPTOR = new AttributeTag(0x0028, 0x3002);
    static final AttributeTag LUT_EXPLANATION = new AttributeTag(0x0028, 0x3003);
    static final AttributeTag LUT_DATA = new AttributeTag(0x0028, 0x3006);
    static final AttributeTag VOI_LUT_FUNCTION = new AttributeTag(0x0028, 0x1056);
    static final AttributeTag PIXEL_VALUE_TRANSFORMATION = new AttributeTag(0x0028, 0x9145);
    static final AttributeTag FRAME_VOI_LUT = new AttributeTag(0x0028, 0x9132);

    double slope = 1;
    double intercept = 0;
    /** Modality LUT: first mapped stored value and the table, or null. */
    int modalityFirst;
    int[] modalityLut;
    final List<Window> windows = new ArrayList<>();
    final Map<Window, Frame.VoiLut> voiLuts = new LinkedHashMap<>();
    String voiFunction = "LINEAR";
    /** Pixel Padding Value (stored units) or null: excluded from the automatic window. */
    Integer padding;

    static FrameParams of(DicomHeader h, int frameIndex, boolean signed) {
        FrameParams p = new FrameParams();
        AttributeList top = h.list;
        AttributeList shared = DicomHeader.firstItem(top, TagFromName.SharedFunctionalGroupsSequence);
        AttributeList perFrame = DicomHeader.item(top, TagFromName.PerFrameFunctionalGroupsSequence, frameIndex);

        // Modality: per-frame, then shared functional group, then top level.
        AttributeList pvt = firstOf(DicomHeader.firstItem(perFrame, PIXEL_VALUE_TRANSFORMATION),
                DicomHeader.firstItem(shared, PIXEL_VALUE_TRANSFORMATION));
        AttributeList modalitySource = pvt != null ? pvt : top;
        double[] s = DicomHeader.doubles(modalitySource, TagFromName.RescaleSlope);
        double[] i = DicomHeader.doubles(modalitySource, TagFromName.RescaleIntercept);
        if (s.length > 0 && Double.isFinite(s[0]) && s[0] != 0) {
            p.slope = s[0];
        }
        if (i.length > 0 && Double.isFinite(i[0])) {
            p.intercept = i[0];
        }
        AttributeList mlut = DicomHeader.firstItem(top, MODALITY_LUT_SEQUENCE);
        if (mlut != null) {
            int[] desc = descriptor(mlut, signed);
            int[] data = lutData(mlut.get(LUT_DATA), desc);
            if (desc != null && data != null && data.length > 0) {
                p.modalityFirst = desc[1];
                p.modalityLut = data;
            }
        }

        double[] pad = DicomHeader.doubles(top, new AttributeTag(0x0028, 0x0120));
        if (pad.length > 0 && Double.isFinite(pad[0])) {
            int v = (int) pad[0];
            p.padding = signed && v > 32767 ? v - 65536 : v;
        }

        // VOI: per-frame, then shared functional group, then top level.
        AttributeList voi = firstOf(DicomHeader.firstItem(perFrame, FRAME_VOI_LUT),
                DicomHeader.firstItem(shared, FRAME_VOI_LUT));
        AttributeList voiSource = voi != null ? voi : top;
        double[] centers = DicomHeader.doubles(voiSource, TagFromName.WindowCenter);
        double[] widths = DicomHeader.doubles(voiSource, TagFromName.WindowWidth);
        String[] explanations = strings(voiSource.get(TagFromName.WindowCenterWidthExplanation));
        int n = Math.min(centers.length, widths.length);
        for (int k = 0; k < n; k++) {
            if (!Double.isFinite(centers[k]) || !Double.isFinite(widths[k]) || widths[k] <= 0) {
                continue;
            }
            String label = k < explanations.length && !explanations[k].isBlank() ? explanations[k].trim() : "Window " + (k + 1);
            p.windows.add(new Window(centers[k], widths[k], label));
        }
        String fn = DicomHeader.string(voiSource, VOI_LUT_FUNCTION).toUpperCase();
        if (fn.equals("LINEAR_EXACT") || fn.equals("SIGMOID")) {
            p.voiFunction = fn;
        }
        int luts = DicomHeader.items(top, VOI_LUT_SEQUENCE);
        for (int k = 0; k < luts; k++) {
            AttributeList item = DicomHeader.item(top, VOI_LUT_SEQUENCE, k);
            int[] desc = descriptor(item, false);
            int[] data = lutData(item.get(LUT_DATA), desc);
            if (desc == null || data == null || data.length == 0) {
                continue;
            }
            int max = 0;
            for (int v : data) {
                max = Math.max(max, v);
            }
            // Declared bits are often 16 for 12-bit tables: scale by the bits really used.
            int maxOut = (1 << Math.max(1, Math.min(desc[2], 32 - Integer.numberOfLeadingZeros(Math.max(1, max))))) - 1;
            String ex = DicomHeader.string(item, LUT_EXPLANATION);
            Window w = new Window(desc[1] + data.length / 2.0, data.length,
                    "VOI LUT" + (ex.isBlank() ? " " + (k + 1) : ": " + ex));
            p.voiLuts.put(w, new Frame.VoiLut(desc[1], data, maxOut));
            p.windows.add(w);
        }
        return p;
    }

    private static AttributeList firstOf(AttributeList a, AttributeList b) {
        return a != null ? a : b;
    }

    /** LUT Descriptor: {entries (0 = 65536), first mapped value, bits per entry}. */
    static int[] descriptor(AttributeList item, boolean signedFirst) {
        double[] d = DicomHeader.doubles(item, LUT_DESCRIPTOR);
        if (d.length < 3) {
            return null;
        }
        int n = (int) d[0];
        if (n <= 0) {
            n = 65536;
        }
        int first = (int) d[1];
        if (signedFirst && first > 32767) {
            first -= 65536; // US-encoded negative first value
        }
        int bits = (int) d[2];
        if (bits < 1 || bits > 16) {
            bits = 16;
        }
        return new int[] {n, first, bits};
    }

    /** LUT Data as unsigned entries, whether encoded US, OW or (8-bit packed) OB/OW. */
    static int[] lutData(Attribute a, int[] desc) {
        if (a == null || desc == null) {
            return null;
        }
        try {
            String vr = a.getVRAsString();
            int[] out;
            if ("OB".equals(vr)) {
                byte[] b = a.getByteValues();
                out = new int[b.length];
                for (int k = 0; k < b.length; k++) {
                    out[k] = b[k] & 0xff;
                }
            } else if ("US".equals(vr) || "SS".equals(vr)) {
                int[] v = a.getIntegerValues();
                out = new int[v.length];
                for (int k = 0; k < v.length; k++) {
                    out[k] = v[k] & 0xffff;
                }
            } else {
                short[] v = a.getShortValues();
                if (v == null) {
                    return null;
                }
                if (desc[2] == 8 && v.length * 2 >= desc[0] && v.length < desc[0]) {
                    // 8-bit entries packed two per word
                    out = new int[desc[0]];
                    for (int k = 0; k < desc[0]; k++) {
                        int w = v[k / 2] & 0xffff;
                        out[k] = (k % 2 == 0) ? (w & 0xff) : (w >>> 8);
                    }
                    return out;
                }
                out = new int[v.length];
                for (int k = 0; k < v.length; k++) {
                    out[k] = v[k] & 0xffff;
                }
            }
            if (out.length > desc[0]) {
                out = java.util.Arrays.copyOf(out, desc[0]);
            }
            return out;
        } catch (DicomException | RuntimeException e) {
            return null;
        }
    }

    static String[] strings(Attribute a) {
        if (a == null) {
            return new String[0];
        }
        try {
            String[] s = a.getStringValues();
            return s == null ? new String[0] : s;
        } catch (DicomException | RuntimeException e) {
            return new String[0];
        }
    }

    /** Modality value of a stored value. */
    double modality(double stored) {
        if (modalityLut != null) {
            long k = Math.round(stored) - modalityFirst;
            int j = (int) Math.max(0, Math.min(modalityLut.length - 1, k));
            return modalityLut[j];
        }
        return stored * slope + intercept;
    }
}
