package io.rayscribe.app;

import io.rayscribe.core.Args;
import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.train.Evaluator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code eval --model BUNDLE --data DIR_OR_MANIFEST [--json] [--limit N] [--layer L] [--head H]
 * [--max-new-tokens N] [--predictions FILE.jsonl]}: drafts every example and prints the report-generation metrics.
 */
public final class EvalCommand implements Command {
    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, Set.of("json"));
        args.rejectUnknown(Set.of("model", "data", "limit", "layer", "head", "predictions", "max-new-tokens"));
        Path model = Path.of(args.require("model"));
        Path data = Path.of(args.require("data"));
        Evaluator.Result r = new Evaluator(args.getInt("layer", -1), args.getInt("head", -1), args.getInt("max-new-tokens", 0), err)
                .evaluate(model, data, args.getInt("limit", 0));
        if (args.has("predictions")) {
            Path file = Path.of(args.get("predictions"));
            StringBuilder sb = new StringBuilder();
            for (Evaluator.Draft d : r.drafts()) {
                sb.append(Json.COMPACT.toJson(d)).append('\n');
            }
            try {
                Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw RayScribeException.forFile(file, "cannot write predictions: " + e.getMessage(), e);
            }
        }
        if (args.flag("json")) {
            out.println(Json.COMPACT.toJson(r.metrics()));
            return 0;
        }
        for (Map.Entry<String, Object> e : r.metrics().entrySet()) {
            Object v = e.getValue();
            out.println(String.format(Locale.ROOT, "%-20s %s", e.getKey(),
                    v instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : String.valueOf(v)));
        }
        return 0;
    }
}
