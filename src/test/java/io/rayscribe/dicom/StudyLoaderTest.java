package io.rayscribe.dicom;

import io.rayscribe.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StudyLoaderTest {
    @Test
    void dicomdirLoadsAllReferencedFilesGroupedByPatient() {
        LoadResult r = StudyLoader.open(List.of(SharedData.resolve("dicom/dicomdir/DICOMDIR")));
        assertTrue(r.errors().isEmpty(), () -> "errors: " + r.errors());
        // Three patient folders, but two of them hold the same patient (Doe^Peter).
        assertEquals(2, r.patients().size());
        assertEquals("Doe^Archibald", r.patients().get(0).name());
        assertEquals(4, r.patients().get(1).studies().size());
        int instances = r.patients().stream().flatMap(p -> p.studies().stream()).flatMap(s -> s.series().stream())
                .mapToInt(s -> s.instances().size()).sum();
        assertEquals(31, instances);
    }

    @Test
    void dicomdirFindsFilesWhoseNamesChangedCase(@org.junit.jupiter.api.io.TempDir Path tmp) throws java.io.IOException {
        Path src = SharedData.resolve("dicom/dicomdir");
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                // lower-case every path component, as a copy to a case-sensitive disk often does
                Path dst = tmp.resolve(src.relativize(f).toString().toLowerCase(java.util.Locale.ROOT));
                if (java.nio.file.Files.isDirectory(f)) {
                    java.nio.file.Files.createDirectories(dst);
                } else {
                    java.nio.file.Files.copy(f, dst);
                }
            }
        }
        LoadResult r = StudyLoader.open(List.of(tmp.resolve("dicomdir")));
        assertTrue(r.errors().isEmpty(), () -> "errors: " + r.errors());
        assertEquals(31, r.patients().stream().flatMap(p -> p.studies().stream()).flatMap(s -> s.series().stream())
                .mapToInt(s -> s.instances().size()).sum());
    }

    @Test
    void folderIsWalkedRecursivelyAndSeriesAndInstancesAreSorted() {
        LoadResult r = StudyLoader.open(List.of(SharedData.resolve("dicom/dicomdir")));
        // README.txt is not DICOM: it is reported, the images still load; the DICOMDIR itself is not an instance.
        assertEquals(1, r.errors().size(), () -> "errors: " + r.errors());
        assertTrue(r.errors().get(0).file().toString().endsWith("README.txt"));
        for (Patient p : r.patients()) {
            for (Study s : p.studies()) {
                Integer last = null;
                for (Series se : s.series()) {
                    if (last != null && se.number() != null) {
                        assertTrue(se.number() >= last, "series sorted by number");
                    }
                    last = se.number();
                    Integer lastInstance = null;
                    for (Instance i : se.instances()) {
                        if (lastInstance != null && i.number() != null) {
                            assertTrue(i.number() >= lastInstance, "instances sorted by number");
                        }
                        lastInstance = i.number();
                    }
                }
            }
        }
    }

    @Test
    void metadataOfAChestRadiograph() {
        Path f = SharedData.resolve("dicom/radiography/DX_chest_PA_canon_j2k_lossless.dcm");
        LoadResult r = StudyLoader.open(List.of(f));
        Series s = r.patients().get(0).studies().get(0).series().get(0);
        Instance i = s.instances().get(0);
        assertEquals("DX", s.modality());
        assertEquals("CHEST", s.bodyPart());
        assertEquals(2128, i.rows());
        assertEquals(2000, i.columns());
        assertEquals(1, i.frames());
        assertEquals("1.2.840.10008.1.2.4.90", i.transferSyntaxUid());
        assertEquals("MONOCHROME1", i.photometric());
    }

    @Test
    void unreadableFilesBecomeErrorsAndTheRestLoads() {
        Path good = SharedData.resolve("dicom/mr/MR_small_explicitLE.dcm");
        Path bad = SharedData.resolve("dicom/malformed/RTPLAN_truncated.dcm");
        LoadResult r = StudyLoader.open(List.of(good, bad));
        assertEquals(1, r.patients().size());
        assertEquals(1, r.errors().size());
        assertEquals(bad, r.errors().get(0).file());
        assertFalse(r.errors().get(0).message().contains("\n"));
        assertTrue(r.errors().get(0).message().contains("declares"), r.errors().get(0).message());
    }
}
