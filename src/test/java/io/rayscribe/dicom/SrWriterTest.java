package io.rayscribe.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SrWriterTest {
    @TempDir
    Path dir;

    @Test
    void srReferencesARealStudyAndReadsBackWithUnicodeText() throws Exception {
        Path image = SharedData.resolve("dicom/radiography/CR_chest_MONO1_10bit_explicitLE.dcm");
        AttributeList src = new AttributeList();
        src.read(image.toFile());
        String studyUid = Attribute.getSingleStringValueOrEmptyString(src, TagFromName.StudyInstanceUID);
        String seriesUid = Attribute.getSingleStringValueOrEmptyString(src, TagFromName.SeriesInstanceUID);
        String sopUid = Attribute.getSingleStringValueOrEmptyString(src, TagFromName.SOPInstanceUID);
        String sopClass = Attribute.getSingleStringValueOrEmptyString(src, TagFromName.SOPClassUID);
        SrDocument doc = new SrDocument(Attribute.getSingleStringValueOrEmptyString(src, TagFromName.PatientID),
                "Müller^Zoë", "", "O", studyUid, "20240101", "120000", "Chest", "A1", "",
                List.of(new SrDocument.Reference(seriesUid, sopClass, sopUid)),
                "Heart size normal.\nNo pleural effusion — lungs clear.", "No acute findings.", false, true,
                "", "", "", "tiny-model", "tiny-model on cpu", "UNREVIEWED - test", "", "");
        Path out = dir.resolve("sub/report.dcm");
        SrDocument written = SrWriter.write(doc, out);
        assertFalse(written.sopInstanceUid().isEmpty());
        assertNotEquals(seriesUid, written.seriesUid());

        SrDocument back = SrReader.read(out);
        assertEquals(studyUid, back.studyUid());
        assertEquals("Müller^Zoë", back.patientName());
        assertEquals(doc.findings(), back.findings());
        assertEquals(doc.impression(), back.impression());
        assertEquals("tiny-model", back.deviceObserverName());
        assertEquals("tiny-model on cpu", back.deviceObserverDetails());
        assertEquals("UNREVIEWED - test", back.aiStatus());
        assertEquals(List.of(new SrDocument.Reference(seriesUid, sopClass, sopUid)), back.references());
        assertEquals(written.sopInstanceUid(), back.sopInstanceUid());

        AttributeList sr = new AttributeList();
        sr.read(out.toFile());
        assertEquals("1.2.840.10008.5.1.4.1.1.88.11", Attribute.getSingleStringValueOrEmptyString(sr, TagFromName.SOPClassUID));
        assertEquals("SR", Attribute.getSingleStringValueOrEmptyString(sr, TagFromName.Modality));
        assertEquals("PARTIAL", Attribute.getSingleStringValueOrEmptyString(sr, TagFromName.CompletionFlag));
        assertEquals("UNVERIFIED", Attribute.getSingleStringValueOrEmptyString(sr, TagFromName.VerificationFlag));
    }

    @Test
    void readingAnImageAsSrFailsWithTheFileName() {
        Path image = SharedData.resolve("dicom/radiography/CR_chest_MONO1_10bit_explicitLE.dcm");
        var e = assertThrows(io.rayscribe.core.RayScribeException.class, () -> SrReader.read(image));
        assertTrue(e.getMessage().startsWith(image.toString()), e.getMessage());
    }
}
