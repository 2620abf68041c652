package io.rayscribe.dicom;

import java.util.List;

/**
 * The content of a DICOM Basic Text SR radiology report as RayScribe writes and reads it.
 * Patient and study fields identify the study it refers to (strings, "" when absent; dates DA,
 * times TM). The observer device is the model that drafted the text; {@code aiStatus} says whether
 * a radiologist reviewed it. {@code verifierName} is set only for a verified (final) report.
 * {@code sopInstanceUid}/{@code seriesUid} are filled in by the writer/reader (may be "" when writing).
 */
public record SrDocument(String patientId, String patientName, String birthDate, String sex,
                         String studyUid, String studyDate, String studyTime, String studyDescription,
                         String accession, String referringPhysician, List<Reference> references,
                         String findings, String impression, boolean complete, boolean preliminary,
                         String verifierName, String verificationDateTime,
                         String deviceObserverUid, String deviceObserverName, String deviceObserverDetails,
                         String aiStatus, String seriesUid, String sopInstanceUid) {
    public SrDocument {
        references = references == null ? List.of() : List.copyOf(references);
    }

    public boolean verified() {
        return verifierName != null && !verifierName.isBlank();
    }

    /** An image the report refers to (goes into the evidence sequence). */
    public record Reference(String seriesUid, String sopClassUid, String sopInstanceUid) {
    }
}
