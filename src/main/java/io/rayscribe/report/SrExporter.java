package io.rayscribe.report;

import io.rayscribe.dicom.SrDocument;
import io.rayscribe.dicom.SrWriter;

import java.nio.file.Path;

/** The report as a DICOM Basic Text SR in its study (written by {@link SrWriter}). */
public final class SrExporter {
    private SrExporter() {
    }

    public static SrDocument toDocument(Report r) {
        StudyInfo s = r.study();
        boolean fin = r.status() == ReportStatus.FINAL;
        String deviceDetails = r.modelDevice().isEmpty() ? "" : r.modelName() + " on " + r.modelDevice()
                + (r.generatedAt().isEmpty() ? "" : ", drafted " + r.generatedAt());
        return new SrDocument(s.patientId(), s.patientName(), s.birthDate(), s.sex(), s.studyUid(), s.studyDate(),
                s.studyTime(), s.description(), s.accession(), s.referringPhysician(),
                s.references().stream().map(x -> new SrDocument.Reference(x.seriesUid(), x.sopClassUid(), x.sopInstanceUid())).toList(),
                r.text(Section.FINDINGS).strip(), r.text(Section.IMPRESSION).strip(), fin, !fin,
                fin ? r.signedBy() : "", fin ? dicomDateTime(r.signedAt()) : "",
                "", r.modelName(), deviceDetails, AiStatus.of(r).name() + " - " + AiStatus.line(r), "", "");
    }

    public static SrDocument write(Report r, Path out) {
        return SrWriter.write(toDocument(r), out);
    }

    /** ISO instant -> DICOM DT (UTC, yyyyMMddHHmmss). */
    static String dicomDateTime(String iso) {
        if (iso == null || iso.isEmpty()) {
            return "";
        }
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(java.time.ZoneOffset.UTC)
                .format(java.time.Instant.parse(iso)) + "+0000";
    }
}
