package io.rayscribe.report;

import java.util.List;

/**
 * What the report needs to know about the study it describes: patient and study identification
 * for headers and exports, and the image instances it refers to (for the DICOM SR evidence).
 * Absent values are empty strings.
 */
public record StudyInfo(String patientId, String patientName, String birthDate, String sex,
                        String studyUid, String studyDate, String studyTime, String description,
                        String accession, String referringPhysician, List<Reference> references) {
    public StudyInfo {
        references = references == null ? List.of() : List.copyOf(references);
    }

    /** One referenced image: its series, SOP class and SOP instance. */
    public record Reference(String seriesUid, String sopClassUid, String sopInstanceUid) {
    }
}
