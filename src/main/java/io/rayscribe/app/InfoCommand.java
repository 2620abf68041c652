package io.rayscribe.app;

import io.rayscribe.core.Args;
import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.Instance;
import io.rayscribe.dicom.LoadError;
import io.rayscribe.dicom.LoadResult;
import io.rayscribe.dicom.Patient;
import io.rayscribe.dicom.Series;
import io.rayscribe.dicom.Study;
import io.rayscribe.dicom.StudyLoader;
import io.rayscribe.dicom.TransferSyntaxes;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code rayscribe info PATH... [--json]}: the study tree of files, folders or DICOMDIRs (headers only). */
public final class InfoCommand implements Command {
    /** Like {@link Json#COMPACT} but keeps null values (a series without a number still has "number"). */
    private static final com.google.gson.Gson JSON = new com.google.gson.GsonBuilder().disableHtmlEscaping()
            .serializeNulls().create();

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, Set.of("json"));
        args.rejectUnknown(Set.of());
        if (args.positional().isEmpty()) {
            throw new RayScribeException("usage: rayscribe info PATH... [--json]");
        }
        List<Path> paths = new ArrayList<>();
        for (String p : args.positional()) {
            paths.add(Path.of(p));
        }
        LoadResult r = StudyLoader.open(paths);
        if (args.flag("json")) {
            out.println(JSON.toJson(toJson(r)));
        } else {
            printTree(r, out);
        }
        return 0;
    }

    /** The JSON shape of issue 2: patients → studies → series → instances, plus errors. */
    static Map<String, Object> toJson(LoadResult r) {
        List<Object> patients = new ArrayList<>();
        for (Patient p : r.patients()) {
            List<Object> studies = new ArrayList<>();
            for (Study s : p.studies()) {
                List<Object> series = new ArrayList<>();
                for (Series se : s.series()) {
                    List<Object> instances = new ArrayList<>();
                    for (Instance i : se.instances()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("sop_instance_uid", i.sopInstanceUid());
                        m.put("file", i.file().toString());
                        m.put("frames", i.frames());
                        m.put("rows", i.rows());
                        m.put("columns", i.columns());
                        m.put("transfer_syntax", i.transferSyntaxUid());
                        instances.add(m);
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("uid", se.uid());
                    m.put("modality", se.modality());
                    m.put("number", se.number());
                    m.put("description", se.description());
                    m.put("instances", instances);
                    series.add(m);
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("uid", s.uid());
                m.put("date", s.date());
                m.put("description", s.description());
                m.put("series", series);
                studies.add(m);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", p.id());
            m.put("name", p.name());
            m.put("studies", studies);
            patients.add(m);
        }
        List<Object> errors = new ArrayList<>();
        for (LoadError e : r.errors()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", e.file().toString());
            m.put("message", e.message());
            errors.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("patients", patients);
        root.put("errors", errors);
        return root;
    }

    private static void printTree(LoadResult r, PrintStream out) {
        for (Patient p : r.patients()) {
            out.println("Patient " + show(p.name()) + "  ID " + show(p.id()) + "  born " + show(p.birthDate()) + "  sex " + show(p.sex()));
            for (Study s : p.studies()) {
                out.println("  Study " + show(s.date()) + " " + show(s.description()) + "  accession " + show(s.accession())
                        + "  uid " + s.uid());
                for (Series se : s.series()) {
                    out.println("    Series " + (se.number() == null ? "-" : se.number()) + " " + show(se.modality()) + " "
                            + show(se.description()) + (se.bodyPart().isEmpty() ? "" : "  body part " + se.bodyPart())
                            + "  (" + se.instances().size() + " instance" + (se.instances().size() == 1 ? "" : "s") + ")");
                    for (Instance i : se.instances()) {
                        String image = i.hasPixels() ? i.columns() + "x" + i.rows() + (i.frames() > 1 ? " x" + i.frames() + " frames" : "")
                                + " " + i.photometric() : "no pixels";
                        out.println("      #" + (i.number() == null ? "-" : i.number()) + " " + image + "  "
                                + TransferSyntaxes.name(i.transferSyntaxUid())
                                + (i.viewPosition().isEmpty() ? "" : "  view " + i.viewPosition()) + "  " + i.file());
                    }
                }
            }
        }
        if (!r.errors().isEmpty()) {
            out.println("Errors:");
            for (LoadError e : r.errors()) {
                out.println("  " + e.file() + ": " + e.message());
            }
        }
    }

    private static String show(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
