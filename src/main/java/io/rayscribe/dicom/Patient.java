package io.rayscribe.dicom;

import java.util.List;

/** A patient as the study browser shows it. Absent values are empty strings, never null. */
public record Patient(String id, String name, String birthDate, String sex, List<Study> studies) {
}
