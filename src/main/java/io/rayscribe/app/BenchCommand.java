package io.rayscribe.app;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code rayscribe bench KIND ...}: dispatches to one benchmark per layer. */
public final class BenchCommand implements Command {
    private static final Map<String, String> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("dicom", "io.rayscribe.app.DicomBenchCommand");
        KINDS.put("llm", "io.rayscribe.app.LlmBenchCommand");
        KINDS.put("draft", "io.rayscribe.app.DraftBenchCommand");
        KINDS.put("ui", "io.rayscribe.app.UiBenchCommand");
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !KINDS.containsKey(args.get(0))) {
            err.println("rayscribe bench: choose one of " + KINDS.keySet());
            return 2;
        }
        String kind = args.get(0);
        return Cli.dispatch("bench " + kind, KINDS.get(kind), new ArrayList<>(args.subList(1, args.size())), out, err);
    }
}
