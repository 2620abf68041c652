package io.rayscribe.app;

import io.rayscribe.core.Args;
import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.dicom.Frame;
import io.rayscribe.dicom.FrameDecoder;
import io.rayscribe.dicom.Instance;
import io.rayscribe.dicom.LoadError;
import io.rayscribe.dicom.LoadResult;
import io.rayscribe.dicom.StudyLoader;
import io.rayscribe.dicom.TransferSyntaxes;
import io.rayscribe.dicom.Window;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code rayscribe bench dicom PATH... [--json] [--runs N] [--warmup N]}: per file, the median over N runs
 * (after warm-up runs that let the JIT compile the hot loops) of decoding frame 0 from disk without any cache (header + pixels), of the first render
 * with the default window, and of a window change on the decoded frame.
 */
public final class DicomBenchCommand implements Command {
    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, Set.of("json"));
        args.rejectUnknown(Set.of("runs", "warmup"));
        int runs = Math.max(1, args.getInt("runs", 5));
        int warmup = Math.max(0, args.getInt("warmup", 3));
        if (args.positional().isEmpty()) {
            throw new RayScribeException("usage: rayscribe bench dicom PATH... [--json] [--runs N]");
        }
        List<Path> paths = new ArrayList<>();
        for (String p : args.positional()) {
            paths.add(Path.of(p));
        }
        LoadResult loaded = StudyLoader.open(paths);
        List<Instance> instances = new ArrayList<>();
        loaded.patients().forEach(p -> p.studies().forEach(s -> s.series().forEach(se -> instances.addAll(se.instances()))));
        List<Map<String, Object>> results = new ArrayList<>();
        for (Instance i : instances) {
            if (i.hasPixels()) {
                results.add(bench(i, runs, warmup));
            }
        }
        if (args.flag("json")) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("runs", runs);
            root.put("warmup", warmup);
            root.put("load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            root.put("cores", Runtime.getRuntime().availableProcessors());
            root.put("files", results);
            List<Map<String, String>> errors = new ArrayList<>();
            for (LoadError e : loaded.errors()) {
                errors.add(Map.of("file", e.file().toString(), "message", e.message()));
            }
            root.put("errors", errors);
            out.println(Json.PRETTY.toJson(root));
        } else {
            out.printf("%-50s %9s %-30s %11s %9s %9s %9s %9s %9s%n", "file", "bytes", "transfer syntax", "size",
                    "decode", "(cpu)", "render", "first", "window");
            for (Map<String, Object> r : results) {
                if (r.containsKey("error")) {
                    out.printf("%-50s %9d %s%n", name(r), (Long) r.get("bytes"), r.get("error"));
                    continue;
                }
                out.printf("%-50s %9d %-30.30s %11s %7.1fms %7.1fms %7.1fms %7.1fms %7.2fms%n", name(r), (Long) r.get("bytes"),
                        r.get("transfer_syntax_name"), r.get("columns") + "x" + r.get("rows"), r.get("decode_ms"),
                        r.get("decode_cpu_ms"),
                        r.get("render_ms"), r.get("decode_plus_render_ms"), r.get("window_change_ms"));
            }
            for (LoadError e : loaded.errors()) {
                out.println(e.file() + ": " + e.message());
            }
        }
        return 0;
    }

    private static String name(Map<String, Object> r) {
        String f = Path.of((String) r.get("file")).getFileName().toString();
        return f.length() > 50 ? f.substring(0, 47) + "..." : f;
    }

    /** CPU time of the whole process (all threads), to read figures taken on a busy machine. */
    private static long cpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    private static Map<String, Object> bench(Instance inst, int runs, int warmup) {
        Path file = inst.file();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("file", file.toString());
        try {
            r.put("bytes", Files.size(file));
        } catch (IOException e) {
            r.put("bytes", -1L);
        }
        r.put("transfer_syntax", inst.transferSyntaxUid());
        r.put("transfer_syntax_name", TransferSyntaxes.name(inst.transferSyntaxUid()));
        r.put("rows", inst.rows());
        r.put("columns", inst.columns());
        try {
            Frame frame = null;
            for (int k = 0; k < Math.max(1, warmup); k++) {
                frame = FrameDecoder.decodeUncached(file, 0);
                frame.render();
            }
            double[] decode = new double[runs];
            double[] decodeCpu = new double[runs];
            double[] render = new double[runs];
            double[] window = new double[runs];
            for (int k = 0; k < runs; k++) {
                long c0 = cpuNanos();
                long t0 = System.nanoTime();
                frame = FrameDecoder.decodeUncached(file, 0);
                long t1 = System.nanoTime();
                decodeCpu[k] = (cpuNanos() - c0) / 1e6;
                frame.render();
                long t2 = System.nanoTime();
                decode[k] = (t1 - t0) / 1e6;
                render[k] = (t2 - t1) / 1e6;
            }
            Window w = frame.defaultWindow();
            Window other = w == null ? null : new Window(w.center() + w.width() * 0.05, w.width() * 0.9, "bench");
            frame.render(other); // warm-up of the window path
            for (int k = 0; k < runs; k++) {
                Window wk = other == null ? null : new Window(other.center() + k, other.width(), "bench");
                long t0 = System.nanoTime();
                frame.render(wk);
                window[k] = (System.nanoTime() - t0) / 1e6;
            }
            r.put("decode_ms", round(median(decode)));
            r.put("decode_cpu_ms", round(median(decodeCpu)));
            r.put("render_ms", round(median(render)));
            r.put("decode_plus_render_ms", round(median(decode) + median(render)));
            r.put("window_change_ms", round(median(window)));
            r.put("color", frame.isColor());
        } catch (RayScribeException e) {
            r.put("error", e.getMessage());
        }
        return r;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
