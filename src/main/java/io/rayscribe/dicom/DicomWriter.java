package io.rayscribe.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TimeAttribute;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import io.rayscribe.core.RayScribeException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes single-frame 16-bit greyscale Digital X-Ray (DX, "for presentation") files, explicit VR
 * little endian. Used for the synthetic phantom studies. The output depends only on the
 * {@link DxImage} given (no clock, no random UIDs), so the same input gives the same bytes.
 */
public final class DicomWriter {
    /** Implementation identity written into the file meta information. */
    private static final String SOURCE_AE = "RAYSCRIBE";

    private DicomWriter() {
    }

    /**
     * One DX image and the identifying metadata around it. {@code pixels} holds {@code width*height}
     * unsigned stored values (0..2^bitsStored-1) in {@code short}s, row by row.
     * {@code monochrome1} means low values display white (the file says MONOCHROME1).
     * Dates are DICOM DA (yyyyMMdd), times TM (HHmmss).
     */
    public record DxImage(int width, int height, short[] pixels, int bitsStored, boolean monochrome1,
                          double pixelSpacingMm, String viewPosition, double windowCenter, double windowWidth,
                          String patientId, String patientName, String patientBirthDate, String patientSex,
                          String studyUid, String seriesUid, String sopInstanceUid, String studyDate,
                          String studyTime, String accessionNumber, String studyDescription,
                          String seriesDescription, String bodyPart) {
        public DxImage {
            if (width <= 0 || height <= 0 || pixels == null || pixels.length != width * height) {
                throw new IllegalArgumentException("pixel array does not match " + width + "x" + height);
            }
            if (bitsStored < 8 || bitsStored > 16) {
                throw new IllegalArgumentException("bitsStored must be 8..16, got " + bitsStored);
            }
        }
    }

    /** Encodes {@code image} as a complete DICOM Part 10 file in memory. */
    public static byte[] encode(DxImage image) {
        try {
            AttributeList list = attributes(image);
            FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, SOURCE_AE);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.width() * image.height() * 2 + 4096);
            list.write(bytes, TransferSyntax.ExplicitVRLittleEndian, true, true);
            return bytes.toByteArray();
        } catch (DicomException | IOException e) {
            throw new RayScribeException("cannot encode DICOM image " + image.sopInstanceUid() + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code image} to {@code file} (parent directories are created). */
    public static void write(DxImage image, Path file) {
        byte[] bytes = encode(image);
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.write(file, bytes);
        } catch (IOException e) {
            throw RayScribeException.forFile(file, "cannot write DICOM file (" + e.getMessage() + ")", e);
        }
    }

    private static AttributeList attributes(DxImage im) throws DicomException {
        AttributeList list = new AttributeList();
        uid(list, TagFromName.SOPClassUID, SOPClass.DigitalXRayImageStorageForPresentation);
        uid(list, TagFromName.SOPInstanceUID, im.sopInstanceUid());
        uid(list, TagFromName.StudyInstanceUID, im.studyUid());
        uid(list, TagFromName.SeriesInstanceUID, im.seriesUid());
        put(list, new CodeStringAttribute(TagFromName.SpecificCharacterSet), "ISO_IR 100");
        put(list, new CodeStringAttribute(TagFromName.ImageType), "DERIVED", "PRIMARY");
        put(list, new DateAttribute(TagFromName.StudyDate), im.studyDate());
        put(list, new DateAttribute(TagFromName.SeriesDate), im.studyDate());
        put(list, new DateAttribute(TagFromName.ContentDate), im.studyDate());
        put(list, new TimeAttribute(TagFromName.StudyTime), im.studyTime());
        put(list, new TimeAttribute(TagFromName.SeriesTime), im.studyTime());
        put(list, new TimeAttribute(TagFromName.ContentTime), im.studyTime());
        put(list, new ShortStringAttribute(TagFromName.AccessionNumber), im.accessionNumber());
        put(list, new CodeStringAttribute(TagFromName.Modality), "DX");
        put(list, new LongStringAttribute(TagFromName.Manufacturer), "RayScribe phantom generator");
        put(list, new PersonNameAttribute(TagFromName.ReferringPhysicianName), "");
        put(list, new LongStringAttribute(TagFromName.StudyDescription), im.studyDescription());
        put(list, new LongStringAttribute(TagFromName.SeriesDescription), im.seriesDescription());
        put(list, new PersonNameAttribute(TagFromName.PatientName), im.patientName());
        put(list, new LongStringAttribute(TagFromName.PatientID), im.patientId());
        put(list, new DateAttribute(TagFromName.PatientBirthDate), im.patientBirthDate());
        put(list, new CodeStringAttribute(TagFromName.PatientSex), im.patientSex());
        put(list, new CodeStringAttribute(TagFromName.BodyPartExamined), im.bodyPart());
        put(list, new CodeStringAttribute(TagFromName.ViewPosition), im.viewPosition());
        put(list, new CodeStringAttribute(TagFromName.PresentationIntentType), "FOR PRESENTATION");
        put(list, new ShortStringAttribute(TagFromName.StudyID), "1");
        put(list, new IntegerStringAttribute(TagFromName.SeriesNumber), "1");
        put(list, new IntegerStringAttribute(TagFromName.InstanceNumber), "1");
        put(list, new CodeStringAttribute(TagFromName.PatientOrientation), "R", "F");
        put(list, new CodeStringAttribute(TagFromName.BurnedInAnnotation), "NO");
        put(list, new CodeStringAttribute(TagFromName.LossyImageCompression), "00");

        put(list, new UnsignedShortAttribute(TagFromName.SamplesPerPixel), "1");
        put(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation),
                im.monochrome1() ? "MONOCHROME1" : "MONOCHROME2");
        put(list, new UnsignedShortAttribute(TagFromName.Rows), Integer.toString(im.height()));
        put(list, new UnsignedShortAttribute(TagFromName.Columns), Integer.toString(im.width()));
        put(list, new UnsignedShortAttribute(TagFromName.BitsAllocated), "16");
        put(list, new UnsignedShortAttribute(TagFromName.BitsStored), Integer.toString(im.bitsStored()));
        put(list, new UnsignedShortAttribute(TagFromName.HighBit), Integer.toString(im.bitsStored() - 1));
        put(list, new UnsignedShortAttribute(TagFromName.PixelRepresentation), "0");
        String spacing = decimal(im.pixelSpacingMm());
        put(list, new DecimalStringAttribute(TagFromName.PixelSpacing), spacing, spacing);
        put(list, new DecimalStringAttribute(TagFromName.ImagerPixelSpacing), spacing, spacing);
        put(list, new DecimalStringAttribute(TagFromName.RescaleIntercept), "0");
        put(list, new DecimalStringAttribute(TagFromName.RescaleSlope), "1");
        put(list, new LongStringAttribute(TagFromName.RescaleType), "US");
        put(list, new DecimalStringAttribute(TagFromName.WindowCenter), decimal(im.windowCenter()));
        put(list, new DecimalStringAttribute(TagFromName.WindowWidth), decimal(im.windowWidth()));
        put(list, new LongStringAttribute(TagFromName.WindowCenterWidthExplanation), "PHANTOM");
        put(list, new CodeStringAttribute(TagFromName.PresentationLUTShape), im.monochrome1() ? "INVERSE" : "IDENTITY");

        OtherWordAttribute pixelData = new OtherWordAttribute(TagFromName.PixelData);
        pixelData.setValues(im.pixels());
        list.put(pixelData);
        return list;
    }

    private static String decimal(double v) {
        // DS values are at most 16 characters; 4 decimals is plenty for spacing and windows.
        String s = String.format(java.util.Locale.ROOT, "%.4f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static void uid(AttributeList list, AttributeTag tag, String value) throws DicomException {
        put(list, new UniqueIdentifierAttribute(tag), value);
    }

    private static void put(AttributeList list, Attribute a, String... values) throws DicomException {
        for (String v : values) {
            a.addValue(v == null ? "" : v);
        }
        list.put(a);
    }
}
