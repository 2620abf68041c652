package io.rayscribe.dicom;

import java.util.List;

/** A study (dates as DICOM DA strings, YYYYMMDD). Series sorted by series number. */
public record Study(String uid, String date, String time, String description, String accession,
                    String referringPhysician, List<Series> series) {
}
