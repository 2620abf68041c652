package io.rayscribe.report;

import io.rayscribe.dicom.SrDocument;
import io.rayscribe.dicom.SrReader;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ReportExportTest {
    @TempDir
    Path dir;

    private static Report sample() {
        Report r = ReportTest.drafted("Heart", " size", " normal", ".", " Lungs", " clear", ".");
        r.appendGenerated(Section.IMPRESSION, "No acute cardiopulmonary process", 7);
        r.appendGenerated(Section.IMPRESSION, ".", 8);
        return r;
    }

    @Test
    void plainTextHasHeaderSectionsAndAiNotice() throws Exception {
        Report r = sample();
        Path out = dir.resolve("r.txt");
        TextExporter.write(r, out);
        String t = Files.readString(out);
        assertTrue(t.contains("Patient: Doe, Jane"), t);
        assertTrue(t.contains("FINDINGS:\nHeart size normal. Lungs clear."), t);
        assertTrue(t.contains("IMPRESSION:\nNo acute cardiopulmonary process."), t);
        assertTrue(t.contains("NOT yet reviewed"), t);
        assertTrue(t.contains("Status: DRAFT"), t);
    }

    @Test
    void pdfCarriesTheTextIncludingCharactersTheFontLacks() throws Exception {
        Report r = sample();
        r.setText(Section.FINDINGS, r.text(Section.FINDINGS) + " Size 3 mm \u2192 stable. " + "long ".repeat(200));
        Path out = dir.resolve("r.pdf");
        PdfExporter.write(r, out);
        try (PDDocument doc = Loader.loadPDF(out.toFile())) {
            String text = new PDFTextStripper().getText(doc);
            assertTrue(text.contains("Heart size normal."), text);
            assertTrue(text.contains("No acute cardiopulmonary process."), text);
            assertTrue(text.contains("NOT yet reviewed"), text);
            assertTrue(doc.getNumberOfPages() >= 1);
        }
    }

    @Test
    void srRoundTripRecordsTheModelAsDeviceObserverAndTheAiStatus() {
        Report r = sample();
        Path out = dir.resolve("sr.dcm");
        SrDocument written = SrExporter.write(r, out);
        SrDocument back = SrReader.read(out);
        assertEquals("1.2.3.4", back.studyUid());
        assertEquals("Doe^Jane", back.patientName());
        assertEquals("Heart size normal. Lungs clear.", back.findings());
        assertEquals("No acute cardiopulmonary process.", back.impression());
        assertEquals("demo-model", back.deviceObserverName());
        assertEquals(written.deviceObserverUid(), back.deviceObserverUid());
        assertTrue(back.aiStatus().startsWith("UNREVIEWED"), back.aiStatus());
        assertFalse(back.complete());
        assertTrue(back.preliminary());
        assertFalse(back.verified());
        assertEquals(1, back.references().size());
        assertEquals("1.2.3.4.5.6", back.references().get(0).sopInstanceUid());

        r.markPreliminary("Dr A");
        r.acceptAllAi();
        r.signFinal("Smith^Anna");
        Path fin = dir.resolve("final.dcm");
        SrExporter.write(r, fin);
        SrDocument f = SrReader.read(fin);
        assertTrue(f.complete());
        assertFalse(f.preliminary());
        assertEquals("Smith^Anna", f.verifierName());
        assertTrue(f.aiStatus().startsWith("REVIEWED"), f.aiStatus());
    }
}
