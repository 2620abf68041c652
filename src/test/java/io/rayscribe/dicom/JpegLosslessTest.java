package io.rayscribe.dicom;

import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Iterator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RayScribe's JPEG lossless decoder against PixelMed's ImageIO reader, frame by frame, on the corpus. */
class JpegLosslessTest {
    @Test
    void agreesSampleForSampleWithPixelMedOnEveryLosslessCorpusFrame() throws Exception {
        int frames = 0;
        for (DicomCorpusTest.Row row : DicomCorpusTest.manifest()) {
            if (!row.ts().equals(TransferSyntaxes.JPEG_LOSSLESS_57) && !row.ts().equals(TransferSyntaxes.JPEG_LOSSLESS_70)) {
                continue;
            }
            Path file = SharedData.resolve("dicom/" + row.file());
            DicomHeader h = DicomHeader.read(file);
            if (!h.layout.hasPixelData()) {
                continue; // a header-only malformed sample in this syntax
            }
            PixelModule pm = PixelModule.of(h);
            for (int f = 0; f < Math.min(pm.frames(), 2); f++) {
                byte[] data = Fragments.frame(h, pm.frames(), f);
                int[][] mine = JpegLossless.decode(data, new int[1]);
                Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("jpeg-lossless");
                assertTrue(it.hasNext(), "PixelMed's jpeg-lossless ImageIO reader is on the class path");
                ImageReader reader = it.next();
                reader.setInput(new MemoryCacheImageInputStream(new ByteArrayInputStream(data)));
                Raster r = reader.read(0).getRaster();
                assertEquals(r.getNumBands(), mine.length, row.file());
                for (int b = 0; b < mine.length; b++) {
                    int[] theirs = r.getSamples(0, 0, pm.columns(), pm.rows(), b, (int[]) null);
                    for (int i = 0; i < theirs.length; i++) {
                        theirs[i] &= 0xffff;
                    }
                    assertArrayEquals(theirs, mine[b], row.file() + " frame " + f + " band " + b);
                }
                if (mine.length == 1) {
                    char[] grey = JpegLossless.decodeGrey(data);
                    for (int i = 0; i < grey.length; i += 101) {
                        assertEquals(mine[0][i], grey[i]);
                    }
                }
                reader.dispose();
                frames++;
            }
        }
        assertTrue(frames >= 10, "lossless frames compared: " + frames);
    }
}
