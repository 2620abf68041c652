package io.rayscribe.dicom;

import io.rayscribe.core.DisplayText;

import java.util.ArrayList;
import java.util.List;

/**
 * The four corner annotations a radiologist expects over an image, derived from the study records:
 * top-left patient, top-right study, bottom-left series/image, bottom-right display state.
 */
public record CornerText(List<String> topLeft, List<String> topRight, List<String> bottomLeft, List<String> bottomRight) {

    /** {@code frameIndex} is 0-based; {@code window} may be null (colour images). */
    public static CornerText of(Patient p, Study s, Series se, Instance i, int frameIndex, Window window, double zoom) {
        List<String> tl = new ArrayList<>();
        add(tl, DisplayText.personName(p.name()));
        add(tl, p.id().isEmpty() ? "" : "ID " + p.id());
        add(tl, join(DisplayText.dicomDate(p.birthDate()).isEmpty() ? "" : "DOB " + DisplayText.dicomDate(p.birthDate()), p.sex()));
        List<String> tr = new ArrayList<>();
        add(tr, s.description());
        add(tr, join(DisplayText.dicomDate(s.date()), DisplayText.dicomTime(s.time())));
        add(tr, s.accession().isEmpty() ? "" : "Acc " + s.accession());
        List<String> bl = new ArrayList<>();
        add(bl, join(se.modality(), se.bodyPart(), i.viewPosition()));
        add(bl, "Se " + (se.number() == null ? "-" : se.number()) + (se.description().isEmpty() ? "" : " " + se.description()));
        add(bl, "Im " + (i.number() == null ? "-" : i.number()) + (i.frames() > 1 ? "  Fr " + (frameIndex + 1) + "/" + i.frames() : ""));
        List<String> br = new ArrayList<>();
        if (window != null) {
            add(br, String.format("W %s  L %s", trim(window.width()), trim(window.center())));
        }
        add(br, i.columns() + " x " + i.rows());
        if (i.pixelSpacing() != null) {
            add(br, String.format("%.3f x %.3f mm", i.pixelSpacing()[0], i.pixelSpacing()[1]));
        }
        if (zoom > 0) {
            add(br, String.format("Zoom %.0f%%", zoom * 100));
        }
        return new CornerText(List.copyOf(tl), List.copyOf(tr), List.copyOf(bl), List.copyOf(br));
    }

    private static void add(List<String> l, String s) {
        if (s != null && !s.isBlank()) {
            l.add(s.trim());
        }
    }

    private static String join(String... parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            if (p != null && !p.isBlank()) {
                if (b.length() > 0) {
                    b.append("  ");
                }
                b.append(p.trim());
            }
        }
        return b.toString();
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format("%.1f", v);
    }
}
