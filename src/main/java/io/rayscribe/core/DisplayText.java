package io.rayscribe.core;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Stored values as a reader expects them: DICOM person names and ISO-8601 instants. */
public final class DisplayText {
    private static final DateTimeFormatter LOCAL_MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");

    private DisplayText() {
    }

    /**
     * A DICOM person name ({@code Family^Given^Middle^Prefix^Suffix}, alphabetic group only) as
     * "Family, Given Middle" with prefix and suffix around it; a name without components unchanged.
     */
    public static String personName(String pn) {
        if (pn == null) {
            return "";
        }
        String alphabetic = pn.split("=", -1)[0];
        if (alphabetic.indexOf('^') < 0) {
            return alphabetic.strip();
        }
        String[] c = alphabetic.split("\\^", -1);
        String family = part(c, 0);
        List<String> given = new ArrayList<>();
        for (String s : new String[] {part(c, 3), part(c, 1), part(c, 2)}) {
            if (!s.isEmpty()) {
                given.add(s);
            }
        }
        String name = family.isEmpty() ? String.join(" ", given)
                : given.isEmpty() ? family : family + ", " + String.join(" ", given);
        String suffix = part(c, 4);
        return suffix.isEmpty() ? name : name + " " + suffix;
    }

    /** An ISO-8601 instant as this workstation's date and time to the minute, with its zone; other text unchanged. */
    public static String dateTime(String isoInstant) {
        if (isoInstant == null || isoInstant.isBlank()) {
            return "";
        }
        try {
            return LOCAL_MINUTE.format(Instant.parse(isoInstant).atZone(ZoneId.systemDefault()));
        } catch (DateTimeParseException e) {
            return isoInstant; // an older or hand-edited file: show what it says
        }
    }

    /** DICOM DA (YYYYMMDD) as YYYY-MM-DD; anything else as it is (null as empty). */
    public static String dicomDate(String da) {
        if (da != null && da.matches("\\d{8}")) {
            return da.substring(0, 4) + "-" + da.substring(4, 6) + "-" + da.substring(6);
        }
        return da == null ? "" : da;
    }

    /** DICOM TM (HHMM[SS.frac]) as HH:MM; anything else as it is (null as empty). */
    public static String dicomTime(String tm) {
        if (tm != null && tm.matches("\\d{4}.*")) {
            return tm.substring(0, 2) + ":" + tm.substring(2, 4);
        }
        return tm == null ? "" : tm;
    }

    private static String part(String[] c, int i) {
        return i < c.length ? c[i].strip() : "";
    }
}
