package io.rayscribe.train.phantom;

import io.rayscribe.dicom.DisplayImage;
import io.rayscribe.dicom.Frame;
import io.rayscribe.dicom.FrameDecoder;
import io.rayscribe.dicom.Instance;
import io.rayscribe.dicom.LoadResult;
import io.rayscribe.dicom.StudyLoader;
import io.rayscribe.dicom.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Phantom DICOM files read back through the project's own DICOM layer (StudyLoader, FrameDecoder). */
class PhantomDicomTest {
    @TempDir
    Path dir;

    @Test
    void phantomsLoadAndRenderLikeTheirPreview() throws Exception {
        PhantomGenerator gen = new PhantomGenerator(256);
        List<Path> dirs = gen.writeAll(dir, 6, 21, false, null);
        assertTrue(Files.isRegularFile(dir.resolve("manifest.jsonl")));
        assertEquals(6, Files.readAllLines(dir.resolve("manifest.jsonl")).size());

        List<Path> files = new ArrayList<>();
        for (Path d : dirs) {
            files.add(d.resolve("image.dcm"));
        }
        LoadResult result = StudyLoader.open(files);
        assertTrue(result.errors().isEmpty(), result.errors().toString());
        assertEquals(6, result.patients().size(), "one patient per phantom");
        boolean sawMono1 = false;
        for (int i = 0; i < 6; i++) {
            int index = i;
            PhantomGenerator.Study s = gen.generate(21, i);
            Instance inst = result.patients().stream()
                    .flatMap(p -> p.studies().stream()).flatMap(st -> st.series().stream())
                    .flatMap(se -> se.instances().stream())
                    .filter(in -> in.file().equals(files.get(index)))
                    .findFirst().orElseThrow();
            assertEquals("1.2.840.10008.5.1.4.1.1.1.1", inst.sopClassUid(), "DX for presentation");
            assertEquals(256, inst.rows());
            assertEquals(256, inst.columns());
            assertEquals("PA", inst.viewPosition());
            assertEquals(358.4 / 256, inst.pixelSpacing()[0], 1e-3);
            assertTrue(inst.photometric().startsWith("MONOCHROME"));
            sawMono1 |= inst.photometric().equals("MONOCHROME1");
            assertTrue(inst.sopInstanceUid().startsWith("2.25."));

            Frame frame = FrameDecoder.shared().decode(inst.file(), 0);
            assertEquals(1, frame.windows().size());
            Window w = frame.defaultWindow();
            DisplayImage shown = frame.render(w);
            // The file's window through the DICOM layer gives the generator's own preview (within rounding).
            byte[] preview = s.preview();
            int maxDiff = 0;
            for (int p = 0; p < preview.length; p++) {
                maxDiff = Math.max(maxDiff, Math.abs((shown.grey()[p] & 0xff) - (preview[p] & 0xff)));
            }
            assertTrue(maxDiff <= 2, "rendered pixels differ from the preview by " + maxDiff);
            // Lungs are darker than the mediastinum whatever the photometric interpretation.
            assertTrue(shown.luminance(64, 128) < shown.luminance(128, 60), "lung darker than spine");
        }
        // Same seed, same bytes on disk.
        Path again = dir.resolve("again");
        gen.writeAll(again, 2, 21, false, null);
        assertArrayEquals(Files.readAllBytes(dirs.get(1).resolve("image.dcm")),
                Files.readAllBytes(again.resolve(dirs.get(1).getFileName()).resolve("image.dcm")));
        assertTrue(sawMono1, "seed 21 includes a MONOCHROME1 phantom among the first 6");
    }
}
