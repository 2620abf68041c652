package io.rayscribe.dicom;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;
import io.rayscribe.core.RayScribeException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Opens files, folders (recursively) and DICOMDIRs into Patient → Study → Series → Instance.
 * Reads headers only (never pixels); a file that cannot be read becomes a {@link LoadError}
 * and the others still load.
 */
public final class StudyLoader {
    private static final AttributeTag DIRECTORY_RECORD_SEQUENCE = new AttributeTag(0x0004, 0x1220);
    private static final AttributeTag REFERENCED_FILE_ID = new AttributeTag(0x0004, 0x1500);

    private StudyLoader() {
    }

    public static LoadResult open(List<Path> paths) {
        List<LoadError> errors = new ArrayList<>();
        Set<Path> files = new LinkedHashSet<>();
        for (Path p : paths) {
            collect(p, files, errors);
        }
        // Headers are independent: read them in parallel, keep the input order for the tree and errors.
        List<Object> outcomes = new ArrayList<>(files).parallelStream().map(StudyLoader::load).toList();
        List<Loaded> loaded = new ArrayList<>();
        for (Object o : outcomes) {
            if (o instanceof Loaded l) {
                loaded.add(l);
            } else if (o instanceof LoadError e) {
                errors.add(e);
            }
        }
        return new LoadResult(group(loaded), errors);
    }

    private record Loaded(DicomHeader header, Instance instance) {
    }

    /** A {@link Loaded}, a {@link LoadError}, or null for a DICOMDIR met in a folder. */
    private static Object load(Path f) {
        try {
            DicomHeader h = DicomHeader.read(f);
            if (h.list.get(DIRECTORY_RECORD_SEQUENCE) != null) {
                return null; // a DICOMDIR met while walking a folder: its files are walked anyway
            }
            return new Loaded(h, toInstance(h));
        } catch (RayScribeException e) {
            return new LoadError(f, stripFile(f, e.getMessage()));
        } catch (RuntimeException | StackOverflowError e) {
            return new LoadError(f, "unreadable (" + DicomHeader.oneLine(e) + ")");
        }
    }

    private static String stripFile(Path f, String message) {
        String prefix = f + ": ";
        return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private static void collect(Path p, Set<Path> files, List<LoadError> errors) {
        Path abs = p.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            try (Stream<Path> s = Files.walk(abs)) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            } catch (IOException | UncheckedIOException e) {
                errors.add(new LoadError(abs, "cannot list folder (" + DicomHeader.oneLine(e) + ")"));
            }
        } else if (!Files.isRegularFile(abs)) {
            errors.add(new LoadError(abs, "no such file or folder"));
        } else if (abs.getFileName().toString().equalsIgnoreCase("DICOMDIR")) {
            try {
                files.addAll(dicomdirFiles(abs));
            } catch (RayScribeException e) {
                errors.add(new LoadError(abs, stripFile(abs, e.getMessage())));
            }
        } else {
            files.add(abs);
        }
    }

    /** The files a DICOMDIR references (Referenced File ID components, relative to its folder). */
    static List<Path> dicomdirFiles(Path dicomdir) {
        DicomHeader h = DicomHeader.read(dicomdir);
        int n = DicomHeader.items(h.list, DIRECTORY_RECORD_SEQUENCE);
        if (h.list.get(DIRECTORY_RECORD_SEQUENCE) == null) {
            throw RayScribeException.forFile(dicomdir, "not a DICOMDIR (no Directory Record Sequence)");
        }
        Path base = dicomdir.getParent();
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            AttributeList rec = DicomHeader.item(h.list, DIRECTORY_RECORD_SEQUENCE, i);
            com.pixelmed.dicom.Attribute ref = rec == null ? null : rec.get(REFERENCED_FILE_ID);
            if (ref == null) {
                continue;
            }
            try {
                String[] parts = ref.getStringValues();
                if (parts == null || parts.length == 0) {
                    continue;
                }
                out.add(resolveIgnoringCase(base, parts).toAbsolutePath().normalize());
            } catch (com.pixelmed.dicom.DicomException e) {
                // a record without a usable file reference is skipped
            }
        }
        return out;
    }

    /**
     * Referenced File IDs are upper case by convention, but media copied to Linux often has lower-case
     * names: each component that does not exist as written is matched ignoring case.
     */
    static Path resolveIgnoringCase(Path base, String[] parts) {
        Path f = base;
        for (String raw : parts) {
            String part = raw.trim();
            Path exact = f.resolve(part);
            if (Files.exists(exact) || !Files.isDirectory(f)) {
                f = exact;
                continue;
            }
            try (Stream<Path> s = Files.list(f)) {
                Path parent = f;
                f = s.filter(c -> c.getFileName().toString().equalsIgnoreCase(part)).findFirst().orElse(parent.resolve(part));
            } catch (IOException | UncheckedIOException e) {
                f = exact;
            }
        }
        return f;
    }

    static Instance toInstance(DicomHeader h) {
        boolean pixels = h.layout.hasPixelData();
        int frames = pixels ? Math.max(1, h.integer(TagFromName.NumberOfFrames, 1)) : 0;
        double[] spacing = h.doubles(TagFromName.PixelSpacing);
        if (spacing.length < 2) {
            spacing = h.doubles(TagFromName.ImagerPixelSpacing);
        }
        if (spacing.length < 2) {
            AttributeList shared = DicomHeader.firstItem(h.list, TagFromName.SharedFunctionalGroupsSequence);
            AttributeList measures = DicomHeader.firstItem(shared, TagFromName.PixelMeasuresSequence);
            spacing = DicomHeader.doubles(measures, TagFromName.PixelSpacing);
        }
        return new Instance(h.string(TagFromName.SOPInstanceUID), h.string(TagFromName.SOPClassUID), h.file,
                h.integerOrNull(TagFromName.InstanceNumber), frames,
                Math.max(0, h.integer(TagFromName.Rows, 0)), Math.max(0, h.integer(TagFromName.Columns, 0)),
                h.layout.transferSyntaxUid(), h.string(TagFromName.PhotometricInterpretation),
                h.string(TagFromName.ViewPosition), spacing.length >= 2 ? new double[] {spacing[0], spacing[1]} : null);
    }

    private static List<Patient> group(List<Loaded> loaded) {
        Map<String, PatientAcc> patients = new LinkedHashMap<>();
        for (Loaded l : loaded) {
            DicomHeader h = l.header();
            String pid = h.string(TagFromName.PatientID);
            String pname = h.string(TagFromName.PatientName);
            PatientAcc p = patients.computeIfAbsent(pid + "\u0000" + pname, k -> new PatientAcc(pid, pname,
                    h.string(TagFromName.PatientBirthDate), h.string(TagFromName.PatientSex)));
            String suid = h.string(TagFromName.StudyInstanceUID);
            StudyAcc s = p.studies.computeIfAbsent(suid, k -> new StudyAcc(suid, h.string(TagFromName.StudyDate),
                    h.string(TagFromName.StudyTime), h.string(TagFromName.StudyDescription),
                    h.string(TagFromName.AccessionNumber), h.string(TagFromName.ReferringPhysicianName)));
            String seuid = h.string(TagFromName.SeriesInstanceUID);
            SeriesAcc se = s.series.computeIfAbsent(seuid, k -> new SeriesAcc(seuid, h.string(TagFromName.Modality),
                    h.integerOrNull(TagFromName.SeriesNumber), h.string(TagFromName.SeriesDescription),
                    h.string(TagFromName.BodyPartExamined)));
            se.instances.add(l.instance());
        }
        List<Patient> out = new ArrayList<>();
        for (PatientAcc p : patients.values()) {
            List<Study> studies = new ArrayList<>();
            for (StudyAcc s : p.studies.values()) {
                List<Series> series = new ArrayList<>();
                for (SeriesAcc se : s.series.values()) {
                    se.instances.sort(Comparator.comparing(Instance::number, Comparator.nullsLast(Comparator.naturalOrder()))
                            .thenComparing(i -> i.file().toString()));
                    series.add(new Series(se.uid, se.modality, se.number, se.description, se.bodyPart, List.copyOf(se.instances)));
                }
                series.sort(Comparator.comparing(Series::number, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(Series::uid));
                studies.add(new Study(s.uid, s.date, s.time, s.description, s.accession, s.referring, List.copyOf(series)));
            }
            studies.sort(Comparator.comparing(Study::date).thenComparing(Study::time).thenComparing(Study::uid));
            out.add(new Patient(p.id, p.name, p.birthDate, p.sex, List.copyOf(studies)));
        }
        out.sort(Comparator.comparing(Patient::name).thenComparing(Patient::id));
        return out;
    }

    private static final class PatientAcc {
        final String id, name, birthDate, sex;
        final Map<String, StudyAcc> studies = new LinkedHashMap<>();

        PatientAcc(String id, String name, String birthDate, String sex) {
            this.id = id;
            this.name = name;
            this.birthDate = birthDate;
            this.sex = sex;
        }
    }

    private static final class StudyAcc {
        final String uid, date, time, description, accession, referring;
        final Map<String, SeriesAcc> series = new LinkedHashMap<>();

        StudyAcc(String uid, String date, String time, String description, String accession, String referring) {
            this.uid = uid;
            this.date = date;
            this.time = time;
            this.description = description;
            this.accession = accession;
            this.referring = referring;
        }
    }

    private static final class SeriesAcc {
        final String uid, modality, description, bodyPart;
        final Integer number;
        final List<Instance> instances = new ArrayList<>();

        SeriesAcc(String uid, String modality, Integer number, String description, String bodyPart) {
            this.uid = uid;
            this.modality = modality;
            this.number = number;
            this.description = description;
            this.bodyPart = bodyPart;
        }
    }
}
