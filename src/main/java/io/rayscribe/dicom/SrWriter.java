package io.rayscribe.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.ContentItem;
import com.pixelmed.dicom.ContentItemFactory;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.StructuredReport;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UIDGenerator;
import io.rayscribe.core.RayScribeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a report as a DICOM Basic Text SR in the study it describes (same Study Instance UID,
 * a new SR series): Findings and Impression containers, the drafting model as the device observer,
 * the signing radiologist as the person observer once verified, the AI status as a comment, and
 * the referenced images in the evidence sequence.
 */
public final class SrWriter {
    private static final AttributeTag PRELIMINARY_FLAG = new AttributeTag(0x0040, 0xA496);
    private static final SpecificCharacterSet UTF8 = new SpecificCharacterSet(new String[] {"ISO_IR 192"});

    private SrWriter() {
    }

    /** Writes {@code doc} to {@code out} and returns it with the new series/instance UIDs filled in. */
    public static SrDocument write(SrDocument doc, Path out) {
        try {
            UIDGenerator uids = new UIDGenerator();
            String seriesUid = doc.seriesUid() == null || doc.seriesUid().isEmpty() ? uids.getAnotherNewUID() : doc.seriesUid();
            String sopUid = doc.sopInstanceUid() == null || doc.sopInstanceUid().isEmpty() ? uids.getAnotherNewUID() : doc.sopInstanceUid();
            String deviceUid = doc.deviceObserverUid() == null || doc.deviceObserverUid().isEmpty()
                    ? uids.getAnotherNewUID() : doc.deviceObserverUid();
            SrDocument filled = new SrDocument(doc.patientId(), doc.patientName(), doc.birthDate(), doc.sex(),
                    doc.studyUid(), doc.studyDate(), doc.studyTime(), doc.studyDescription(), doc.accession(),
                    doc.referringPhysician(), doc.references(), doc.findings(), doc.impression(), doc.complete(),
                    doc.preliminary(), doc.verifierName(), doc.verificationDateTime(), deviceUid,
                    doc.deviceObserverName(), doc.deviceObserverDetails(), doc.aiStatus(), seriesUid, sopUid);
            AttributeList list = new StructuredReport(content(filled)).getAttributeList();
            header(list, filled);
            FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "RAYSCRIBE");
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            list.write(out.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
            return filled;
        } catch (DicomException | IOException e) {
            throw RayScribeException.forFile(out, "cannot write the DICOM SR (" + e.getMessage() + ")", e);
        }
    }

    private static ContentItem content(SrDocument d) throws DicomException {
        ContentItemFactory f = new ContentItemFactory();
        ContentItem root = f.makeContainerContentItem(null, null, code(SrCodes.REPORT_TITLE), true);
        boolean hasDevice = d.deviceObserverName() != null && !d.deviceObserverName().isBlank();
        if (hasDevice) {
            f.makeCodeContentItem(root, "HAS OBS CONTEXT", code(SrCodes.OBSERVER_TYPE), code(SrCodes.DEVICE));
            f.makeUIDContentItem(root, "HAS OBS CONTEXT", code(SrCodes.DEVICE_UID), d.deviceObserverUid());
            f.makeTextContentItem(root, "HAS OBS CONTEXT", code(SrCodes.DEVICE_NAME), d.deviceObserverName());
            f.makeTextContentItem(root, "HAS OBS CONTEXT", code(SrCodes.DEVICE_MANUFACTURER), "RayScribe");
            f.makeTextContentItem(root, "HAS OBS CONTEXT", code(SrCodes.DEVICE_MODEL), d.deviceObserverName());
        }
        if (d.verified()) {
            f.makeCodeContentItem(root, "HAS OBS CONTEXT", code(SrCodes.OBSERVER_TYPE), code(SrCodes.PERSON));
            f.makePersonNameContentItem(root, "HAS OBS CONTEXT", code(SrCodes.PERSON_NAME), d.verifierName());
        }
        ContentItem findings = f.makeContainerContentItem(root, "CONTAINS", code(SrCodes.FINDINGS), true);
        f.makeTextContentItem(findings, "CONTAINS", code(SrCodes.FINDING), nonEmpty(d.findings()));
        ContentItem impressions = f.makeContainerContentItem(root, "CONTAINS", code(SrCodes.IMPRESSIONS), true);
        f.makeTextContentItem(impressions, "CONTAINS", code(SrCodes.IMPRESSION), nonEmpty(d.impression()));
        f.makeTextContentItem(root, "CONTAINS", code(SrCodes.COMMENT), SrCodes.AI_STATUS_PREFIX + d.aiStatus());
        if (hasDevice && d.deviceObserverDetails() != null && !d.deviceObserverDetails().isBlank()) {
            f.makeTextContentItem(root, "CONTAINS", code(SrCodes.COMMENT), SrCodes.DEVICE_DETAILS_PREFIX + d.deviceObserverDetails());
        }
        return root;
    }

    private static void header(AttributeList list, SrDocument d) throws DicomException {
        String now = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
        put(list, TagFromName.SpecificCharacterSet, "ISO_IR 192");
        put(list, TagFromName.SOPClassUID, SOPClass.BasicTextSRStorage);
        put(list, TagFromName.SOPInstanceUID, d.sopInstanceUid());
        put(list, TagFromName.InstanceCreationDate, now.substring(0, 8));
        put(list, TagFromName.InstanceCreationTime, now.substring(8));
        put(list, TagFromName.Modality, "SR");
        put(list, TagFromName.SeriesInstanceUID, d.seriesUid());
        put(list, TagFromName.SeriesNumber, "9901");
        put(list, TagFromName.SeriesDescription, "RayScribe report");
        put(list, TagFromName.InstanceNumber, "1");
        put(list, TagFromName.Manufacturer, "RayScribe");
        put(list, TagFromName.PatientName, d.patientName());
        put(list, TagFromName.PatientID, d.patientId());
        put(list, TagFromName.PatientBirthDate, d.birthDate());
        put(list, TagFromName.PatientSex, d.sex());
        put(list, TagFromName.StudyInstanceUID, d.studyUid());
        put(list, TagFromName.StudyDate, d.studyDate());
        put(list, TagFromName.StudyTime, d.studyTime());
        put(list, TagFromName.StudyDescription, d.studyDescription());
        put(list, TagFromName.AccessionNumber, d.accession());
        put(list, TagFromName.ReferringPhysicianName, d.referringPhysician());
        put(list, TagFromName.StudyID, "");
        put(list, TagFromName.ContentDate, now.substring(0, 8));
        put(list, TagFromName.ContentTime, now.substring(8));
        put(list, TagFromName.CompletionFlag, d.complete() ? "COMPLETE" : "PARTIAL");
        put(list, TagFromName.VerificationFlag, d.verified() ? "VERIFIED" : "UNVERIFIED");
        Attribute prelim = new CodeStringAttribute(PRELIMINARY_FLAG);
        prelim.addValue(d.preliminary() ? "PRELIMINARY" : "FINAL");
        list.put(prelim);
        list.put(new SequenceAttribute(TagFromName.PerformedProcedureCodeSequence));
        if (d.verified()) {
            AttributeList v = new AttributeList();
            put(v, TagFromName.VerifyingObserverName, d.verifierName());
            put(v, TagFromName.VerifyingOrganization, "");
            put(v, TagFromName.VerificationDateTime, d.verificationDateTime() == null || d.verificationDateTime().isBlank()
                    ? now : d.verificationDateTime());
            v.put(new SequenceAttribute(TagFromName.VerifyingObserverIdentificationCodeSequence));
            SequenceAttribute seq = new SequenceAttribute(TagFromName.VerifyingObserverSequence);
            seq.addItem(v);
            list.put(seq);
        }
        if (!d.references().isEmpty()) {
            list.put(evidence(d));
        }
    }

    /** Current Requested Procedure Evidence: the study's referenced images grouped by series. */
    private static SequenceAttribute evidence(SrDocument d) throws DicomException {
        Map<String, SequenceAttribute> bySeries = new LinkedHashMap<>();
        for (SrDocument.Reference r : d.references()) {
            AttributeList sop = new AttributeList();
            put(sop, TagFromName.ReferencedSOPClassUID, r.sopClassUid());
            put(sop, TagFromName.ReferencedSOPInstanceUID, r.sopInstanceUid());
            bySeries.computeIfAbsent(r.seriesUid(), k -> new SequenceAttribute(TagFromName.ReferencedSOPSequence)).addItem(sop);
        }
        SequenceAttribute series = new SequenceAttribute(TagFromName.ReferencedSeriesSequence);
        for (Map.Entry<String, SequenceAttribute> e : bySeries.entrySet()) {
            AttributeList item = new AttributeList();
            put(item, TagFromName.SeriesInstanceUID, e.getKey());
            item.put(e.getValue());
            series.addItem(item);
        }
        AttributeList studyItem = new AttributeList();
        put(studyItem, TagFromName.StudyInstanceUID, d.studyUid());
        studyItem.put(series);
        SequenceAttribute evidence = new SequenceAttribute(TagFromName.CurrentRequestedProcedureEvidenceSequence);
        evidence.addItem(studyItem);
        return evidence;
    }

    private static void put(AttributeList list, AttributeTag tag, String value) throws DicomException {
        Attribute a = list.putNewAttribute(tag, UTF8);
        if (value != null && !value.isEmpty()) {
            a.addValue(value);
        }
    }

    private static CodedSequenceItem code(String[] c) throws DicomException {
        return new CodedSequenceItem(c[0], c[1], c[2]);
    }

    private static String nonEmpty(String s) {
        return s == null || s.isBlank() ? "(none)" : s;
    }

    /** The references of an SR document as a list (for callers that build them from study records). */
    public static List<SrDocument.Reference> references(Series series) {
        return series.instances().stream()
                .map(i -> new SrDocument.Reference(series.uid(), i.sopClassUid(), i.sopInstanceUid())).toList();
    }
}
