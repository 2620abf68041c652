package io.rayscribe.report;

import io.rayscribe.core.DisplayText;
import io.rayscribe.core.RayScribeException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The report as plain text: a header, both sections, status and the AI notice. */
public final class TextExporter {
    private TextExporter() {
    }

    /** Header lines shared with the PDF export. */
    static List<String> headerLines(Report r) {
        StudyInfo s = r.study();
        List<String> lines = new ArrayList<>();
        lines.add("Patient: " + orDash(DisplayText.personName(s.patientName())) + "   ID: " + orDash(s.patientId())
                + "   Born: " + orDash(DisplayText.dicomDate(s.birthDate())) + "   Sex: " + orDash(s.sex()));
        lines.add("Study: " + orDash(s.description()) + "   Date: " + orDash(DisplayText.dicomDate(s.studyDate()))
                + "   Accession: " + orDash(s.accession()));
        if (!s.referringPhysician().isBlank()) {
            lines.add("Referring physician: " + s.referringPhysician());
        }
        lines.add("Study UID: " + s.studyUid());
        lines.add("Status: " + statusLine(r));
        lines.add("AI: " + AiStatus.line(r));
        return lines;
    }

    static String statusLine(Report r) {
        return switch (r.status()) {
            case DRAFT -> "DRAFT";
            case PRELIMINARY -> "PRELIMINARY" + (r.preliminaryBy().isEmpty() ? "" : " (" + r.preliminaryBy() + ")");
            case FINAL -> "FINAL, signed by " + r.signedBy() + " at " + DisplayText.dateTime(r.signedAt());
        };
    }

    public static String render(Report r) {
        StringBuilder b = new StringBuilder();
        b.append("RADIOLOGY REPORT\n");
        for (String line : headerLines(r)) {
            b.append(line).append('\n');
        }
        for (Section sec : Section.values()) {
            b.append('\n').append(sec.title().toUpperCase()).append(":\n");
            String t = r.text(sec).strip();
            b.append(t.isEmpty() ? "(none)" : t).append('\n');
        }
        return b.toString();
    }

    public static void write(Report r, Path out) {
        try {
            Files.writeString(out, render(r), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw RayScribeException.forFile(out, "cannot write the text report (" + e.getMessage() + ")", e);
        }
    }

    static String orDash(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }

}
