package io.rayscribe.dicom;

import io.rayscribe.core.RayScribeException;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DicomTagsTest {
    @Test
    void nestedSequencesAreFlattenedWithTheirDepth() {
        List<DicomTags.TagRow> rows = DicomTags.list(SharedData.resolve("dicom/sc_ot/OT_voi_lut_sequence.dcm"));
        assertTrue(rows.get(0).tag().startsWith("(0002,"), "file meta information first");
        assertTrue(rows.stream().anyMatch(r -> r.tag().equals("(0002,0010)") && r.value().contains("1.2.840.10008.1.2.1")));
        assertTrue(rows.stream().anyMatch(r -> r.name().equals("MediaStorageSOPClassUID")));
        DicomTags.TagRow seq = rows.stream().filter(r -> r.tag().equals("(0028,3010)")).findFirst().orElseThrow();
        assertEquals("VOILUTSequence", seq.name());
        assertEquals("SQ", seq.vr());
        assertEquals(0, seq.depth());
        DicomTags.TagRow desc = rows.stream().filter(r -> r.tag().equals("(0028,3002)")).findFirst().orElseThrow();
        assertEquals(2, desc.depth(), "inside item 1 of the sequence");
        assertEquals("256\\0\\16", desc.value());
        DicomTags.TagRow last = rows.get(rows.size() - 1);
        assertEquals("(7FE0,0010)", last.tag());
        assertTrue(last.value().contains("262144"), last.value());
        rows.forEach(r -> assertTrue(r.value().length() <= 259, "values are shortened for the table"));
    }

    @Test
    void srContentTreeIsListedDeeply() {
        List<DicomTags.TagRow> rows = DicomTags.list(SharedData.resolve("dicom/sr/SR_comprehensive_nested.dcm"));
        assertTrue(rows.stream().mapToInt(DicomTags.TagRow::depth).max().orElse(0) >= 4, "nested content items");
        assertTrue(rows.stream().anyMatch(r -> r.name().equals("ContentSequence")));
    }

    @Test
    void unreadableFileIsAOneLineError() {
        RayScribeException e = assertThrows(RayScribeException.class,
                () -> DicomTags.list(SharedData.resolve("dicom/malformed/RTPLAN_truncated.dcm")));
        assertTrue(e.getMessage().contains("RTPLAN_truncated.dcm") && !e.getMessage().contains("\n"));
    }

    @Test
    void cornerTextFromTheRecords() {
        LoadResult r = StudyLoader.open(List.of(SharedData.resolve("dicom/radiography/DX_chest_PA_canon_j2k_lossless.dcm")));
        Patient p = r.patients().get(0);
        Study s = p.studies().get(0);
        Series se = s.series().get(0);
        Instance i = se.instances().get(0);
        CornerText c = CornerText.of(p, s, se, i);
        assertTrue(c.seriesAndImage().startsWith("DX  Se "), c.seriesAndImage());
        assertTrue(c.seriesAndImage().contains("2000×2128"), c.seriesAndImage());
        assertTrue(c.patient().contains("ID " + p.id()), c.patient());
        if (!s.date().isEmpty()) {
            assertTrue(c.study().contains(s.date().substring(0, 4) + "-"), c.study());
        }
        assertTrue(!c.patient().contains("\n\n") && !c.study().endsWith("\n"), "no blank lines");
        assertEquals("", CornerText.of(null, null, null, null).patient());
    }
}
