package io.rayscribe.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.ContentItem;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.StructuredReport;
import com.pixelmed.dicom.TagFromName;
import io.rayscribe.core.RayScribeException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Reads back a report SR written by {@link SrWriter} (or any Basic/Enhanced SR with the same codes). */
public final class SrReader {
    private SrReader() {
    }

    public static SrDocument read(Path file) {
        AttributeList list = new AttributeList();
        try {
            list.read(file.toFile());
        } catch (IOException | DicomException e) {
            throw RayScribeException.forFile(file, "cannot read the DICOM SR (" + e.getMessage() + ")", e);
        }
        String sopClass = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPClassUID);
        if (!SOPClass.isStructuredReport(sopClass)) {
            throw RayScribeException.forFile(file, "not a structured report (SOP class " + sopClass + ")");
        }
        ContentItem root;
        try {
            root = (ContentItem) new StructuredReport(list).getRoot();
        } catch (DicomException e) {
            throw RayScribeException.forFile(file, "unreadable SR content tree (" + e.getMessage() + ")", e);
        }
        Found f = new Found();
        walk(root, f);
        String prelim = Attribute.getSingleStringValueOrEmptyString(list, new com.pixelmed.dicom.AttributeTag(0x0040, 0xA496));
        String verifier = "";
        String verifiedAt = "";
        AttributeList v = SequenceAttribute.getAttributeListFromWithinSequenceWithSingleItem(list, TagFromName.VerifyingObserverSequence);
        if (v != null) {
            verifier = s(v, TagFromName.VerifyingObserverName);
            verifiedAt = s(v, TagFromName.VerificationDateTime);
        }
        return new SrDocument(s(list, TagFromName.PatientID), s(list, TagFromName.PatientName),
                s(list, TagFromName.PatientBirthDate), s(list, TagFromName.PatientSex), s(list, TagFromName.StudyInstanceUID),
                s(list, TagFromName.StudyDate), s(list, TagFromName.StudyTime), s(list, TagFromName.StudyDescription),
                s(list, TagFromName.AccessionNumber), s(list, TagFromName.ReferringPhysicianName), references(list),
                f.findings, f.impression, "COMPLETE".equals(s(list, TagFromName.CompletionFlag)),
                !"FINAL".equals(prelim), verifier, verifiedAt, f.deviceUid, f.deviceName, f.deviceDetails, f.aiStatus,
                s(list, TagFromName.SeriesInstanceUID), s(list, TagFromName.SOPInstanceUID));
    }

    private static final class Found {
        String findings = "";
        String impression = "";
        String deviceUid = "";
        String deviceName = "";
        String deviceDetails = "";
        String aiStatus = "";
    }

    private static void walk(ContentItem item, Found f) {
        String code = item.getConceptNameCodeValue();
        String value = item.getConceptValue();
        value = value == null ? null : value.stripTrailing(); // values are space-padded to even length
        if (code != null && value != null) {
            switch (code) {
                case "121071" -> f.findings = join(f.findings, value);
                case "121073" -> f.impression = join(f.impression, value);
                case "121012" -> f.deviceUid = value;
                case "121013" -> f.deviceName = value;
                case "121106" -> {
                    if (value.startsWith(SrCodes.AI_STATUS_PREFIX)) {
                        f.aiStatus = value.substring(SrCodes.AI_STATUS_PREFIX.length());
                    } else if (value.startsWith(SrCodes.DEVICE_DETAILS_PREFIX)) {
                        f.deviceDetails = value.substring(SrCodes.DEVICE_DETAILS_PREFIX.length());
                    }
                }
                default -> {
                }
            }
        }
        for (int i = 0; i < item.getChildCount(); i++) {
            walk((ContentItem) item.getChildAt(i), f);
        }
    }

    private static List<SrDocument.Reference> references(AttributeList list) {
        List<SrDocument.Reference> out = new ArrayList<>();
        Attribute ev = list.get(TagFromName.CurrentRequestedProcedureEvidenceSequence);
        if (!(ev instanceof SequenceAttribute studies)) {
            return out;
        }
        for (Iterator<SequenceItem> si = studies.iterator(); si.hasNext(); ) {
            Attribute seriesSeq = si.next().getAttributeList().get(TagFromName.ReferencedSeriesSequence);
            if (!(seriesSeq instanceof SequenceAttribute series)) {
                continue;
            }
            for (Iterator<SequenceItem> se = series.iterator(); se.hasNext(); ) {
                AttributeList seriesItem = se.next().getAttributeList();
                String seriesUid = s(seriesItem, TagFromName.SeriesInstanceUID);
                Attribute sops = seriesItem.get(TagFromName.ReferencedSOPSequence);
                if (sops instanceof SequenceAttribute sopSeq) {
                    for (Iterator<SequenceItem> so = sopSeq.iterator(); so.hasNext(); ) {
                        AttributeList sop = so.next().getAttributeList();
                        out.add(new SrDocument.Reference(seriesUid, s(sop, TagFromName.ReferencedSOPClassUID),
                                s(sop, TagFromName.ReferencedSOPInstanceUID)));
                    }
                }
            }
        }
        return out;
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : a + "\n" + b;
    }

    private static String s(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).strip();
    }
}
