package io.rayscribe.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DisplayTextTest {
    @Test
    void personNamesReadFamilyCommaGiven() {
        assertEquals("Doe, Jane", DisplayText.personName("Doe^Jane"));
        assertEquals("Doe, Dr Jane Ann PhD", DisplayText.personName("Doe^Jane^Ann^Dr^PhD"));
        assertEquals("Doe", DisplayText.personName("Doe^"));
        assertEquals("Jane", DisplayText.personName("^Jane"));
        assertEquals("Yamada, Tarou", DisplayText.personName("Yamada^Tarou=山田^太郎=やまだ^たろう"));
        assertEquals("Anonymized", DisplayText.personName("Anonymized"));
        assertEquals("", DisplayText.personName(null));
    }

    @Test
    void dicomDatesAndTimesReadWithSeparators() {
        assertEquals("2004-08-26", DisplayText.dicomDate("20040826"));
        assertEquals("2004", DisplayText.dicomDate("2004"), "not a full DA: as it is");
        assertEquals("", DisplayText.dicomDate(null));
        assertEquals("18:50", DisplayText.dicomTime("185012.000"));
        assertEquals("18:50", DisplayText.dicomTime("1850"));
        assertEquals("", DisplayText.dicomTime(null));
    }

    @Test
    void instantsReadAsLocalDateAndTimeToTheMinute() {
        String iso = "2026-12-05T23:03:36.940165517Z";
        String want = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")
                .format(Instant.parse(iso).atZone(ZoneId.systemDefault()));
        assertEquals(want, DisplayText.dateTime(iso));
        assertEquals("yesterday", DisplayText.dateTime("yesterday"), "not an instant: unchanged");
        assertEquals("", DisplayText.dateTime(""));
    }
}
