package io.rayscribe.app;

import io.rayscribe.core.Args;
import io.rayscribe.core.Json;
import io.rayscribe.train.Analyzer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code analyze --model BUNDLE --data DIR [--out DIR] [--limit N] [--json]}: the soft-visual-prompt
 * and attention analyses, written as OUT/analysis.json plus PNG charts.
 */
public final class AnalyzeCommand implements Command {
    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, Set.of("json"));
        args.rejectUnknown(Set.of("model", "data", "out", "limit"));
        Path outDir = Path.of(args.get("out", "analysis"));
        Map<String, Object> r = new Analyzer(err).analyze(Path.of(args.require("model")), Path.of(args.require("data")),
                outDir, args.getInt("limit", 30));
        if (args.flag("json")) {
            out.println(Json.COMPACT.toJson(r));
        } else {
            out.println("analysis written to " + outDir.resolve("analysis.json") + " with charts " + r.get("charts"));
        }
        return 0;
    }
}
