package io.rayscribe.dicom;

import java.util.List;

/** What opening files, folders or a DICOMDIR gave: the study tree (metadata only) and per-file errors. */
public record LoadResult(List<Patient> patients, List<LoadError> errors) {
}
