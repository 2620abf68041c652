package io.rayscribe.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import io.rayscribe.core.RayScribeException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The header of a file as rows for a tag browser, nested sequences flattened with their depth. */
public final class DicomTags {
    private static final int MAX_VALUE_CHARS = 256;

    /** One row: tag "(0010,0010)", keyword, VR, value text (shortened), nesting depth (0 = top level). */
    public record TagRow(String tag, String name, String vr, String value, int depth) {
    }

    private DicomTags() {
    }

    /** Every element before Pixel Data (Pixel Data itself is listed with its length). */
    public static List<TagRow> list(Path file) {
        DicomHeader h = DicomHeader.read(file);
        List<TagRow> rows = new ArrayList<>();
        AttributeList meta = meta(h);
        if (meta != null) {
            meta.remove(TagFromName.TransferSyntaxUID);
            add(meta, 0, rows);
        }
        int at = 0;
        while (at < rows.size() && rows.get(at).tag().compareTo("(0002,0010)") < 0) {
            at++; // keep the meta group in tag order
        }
        rows.add(at, new TagRow("(0002,0010)", "TransferSyntaxUID", "UI", h.layout.transferSyntaxUid()
                + (h.layout.transferSyntaxInFile() ? "" : " (not in file; guessed)") + " " + TransferSyntaxes.name(h.layout.transferSyntaxUid()), 0));
        add(h.list, 0, rows);
        if (h.layout.hasPixelData()) {
            rows.add(new TagRow("(7FE0,0010)", "PixelData", h.layout.encapsulated() ? "OB" : "OW/OB",
                    h.layout.encapsulated() ? "encapsulated (compressed fragments)" : h.layout.pixelLength() + " bytes", 0));
        }
        return rows;
    }

    /** The File Meta Information group (already length-checked by the walker), or null. */
    private static AttributeList meta(DicomHeader h) {
        if (!h.layout.transferSyntaxInFile()) {
            return null;
        }
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(h.file)))) {
            AttributeList meta = new AttributeList();
            meta.readOnlyMetaInformationHeader(in);
            return meta;
        } catch (IOException | DicomException | RuntimeException e) {
            return null; // the browser still shows the transfer syntax row
        }
    }

    private static void add(AttributeList list, int depth, List<TagRow> rows) {
        if (depth > 32) {
            throw new RayScribeException("sequences nested too deeply");
        }
        for (Attribute a : list.values()) {
            AttributeTag t = a.getTag();
            String name = DicomDictionary.StandardDictionary.getNameFromTag(t);
            if (name == null) {
                name = t.isPrivate() ? "Private" : "Unknown";
            }
            String tag = String.format("(%04X,%04X)", t.getGroup(), t.getElement());
            if (a instanceof SequenceAttribute s) {
                rows.add(new TagRow(tag, name, "SQ", s.getNumberOfItems() + " item(s)", depth));
                for (int i = 0; i < s.getNumberOfItems(); i++) {
                    rows.add(new TagRow("(FFFE,E000)", "Item " + (i + 1), "", "", depth + 1));
                    add(s.getItem(i).getAttributeList(), depth + 2, rows);
                }
            } else {
                rows.add(new TagRow(tag, name, a.getVRAsString(), value(a), depth));
            }
        }
    }

    private static String value(Attribute a) {
        String vr = a.getVRAsString();
        if (vr.equals("OB") || vr.equals("OW") || vr.equals("OF") || vr.equals("OD") || vr.equals("OL") || vr.equals("UN")) {
            return a.getVL() + " bytes";
        }
        String v;
        try {
            v = a.getDelimitedStringValuesOrEmptyString();
        } catch (RuntimeException e) {
            v = "";
        }
        v = v.replaceAll("[\\r\\n\\t]+", " ");
        return v.length() > MAX_VALUE_CHARS ? v.substring(0, MAX_VALUE_CHARS) + "..." : v;
    }
}
