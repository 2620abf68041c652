package io.rayscribe.dicom;

import io.rayscribe.core.DisplayText;

/**
 * The corner annotations over an image that come from the study records, as the viewer shows them: top-left the
 * patient, top-right the study, bottom-left the series and image (the bottom-right corner, the display state, is
 * the viewer's own). Each is its non-blank lines joined by newlines; a missing record gives an empty corner.
 */
public record CornerText(String patient, String study, String seriesAndImage) {

    public static CornerText of(Patient p, Study s, Series se, Instance i) {
        String patient = p == null ? "" : lines(DisplayText.personName(p.name()), p.id().isEmpty() ? "" : "ID " + p.id(),
                (p.birthDate().isEmpty() ? "" : "DOB " + DisplayText.dicomDate(p.birthDate())) + (p.sex().isEmpty() ? "" : "  " + p.sex()));
        String study = s == null ? "" : lines(s.description(), DisplayText.dicomDate(s.date()) + " " + DisplayText.dicomTime(s.time()),
                s.accession().isEmpty() ? "" : "Acc " + s.accession());
        String seriesAndImage = se == null || i == null ? "" : lines(
                se.modality() + (se.number() == null ? "" : "  Se " + se.number()) + (se.description().isEmpty() ? "" : "  " + se.description()),
                (i.number() == null ? "" : "Im " + i.number() + "  ") + i.columns() + "×" + i.rows()
                        + (i.viewPosition() == null || i.viewPosition().isEmpty() ? "" : "  " + i.viewPosition()));
        return new CornerText(patient, study, seriesAndImage);
    }

    /** The non-blank {@code lines}, stripped, one per line. */
    public static String lines(String... lines) {
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            if (l != null && !l.isBlank()) {
                if (b.length() > 0) {
                    b.append('\n');
                }
                b.append(l.strip());
            }
        }
        return b.toString();
    }
}
