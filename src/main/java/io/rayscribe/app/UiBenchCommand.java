package io.rayscribe.app;

import io.rayscribe.core.Args;
import io.rayscribe.core.Json;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.ui.FxDriver;
import io.rayscribe.ui.UiBench;
import javafx.application.Platform;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code rayscribe bench ui [--study PATH] [--model DIR] [--drag-image FILE] [--drafts N] [--max-tokens N]
 * [--drag-seconds S] [--window] [--json]}: launch-to-study, draft-to-first-token, and the longest UI-thread
 * stalls during a streamed draft and a window/level drag. Headless (Monocle) unless --window.
 */
public final class UiBenchCommand implements Command {
    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of("window", "json"));
        a.rejectUnknown(Set.of("study", "model", "drag-image", "drafts", "max-tokens", "drag-seconds"));
        Path home = GuiCommand.home();
        Path study = Path.of(a.get("study", home.resolve("assets/studies/demo").toString()));
        Path model = Path.of(a.get("model", home.resolve("assets/models/demo").toString()));
        Path drag = a.has("drag-image") ? Path.of(a.get("drag-image")) : study;
        for (Path p : List.of(study, model, drag)) {
            if (!Files.exists(p)) {
                throw RayScribeException.forFile(p, "not found");
            }
        }
        io.rayscribe.ui.StudyPreloader.start(List.of(study)); // as `rayscribe gui` does
        FxDriver.start(!a.flag("window"), 1600, 1000);
        Map<String, Object> r;
        try {
            r = UiBench.run(study, model, drag, a.getInt("drafts", 3), a.getInt("max-tokens", 128), a.getDouble("drag-seconds", 4));
        } finally {
            Platform.exit();
        }
        r.put("headless", !a.flag("window"));
        r.put("cores", Runtime.getRuntime().availableProcessors());
        if (a.flag("json")) {
            out.println(Json.PRETTY.toJson(r));
        } else {
            r.forEach((k, v) -> out.println(k + ": " + v));
        }
        return 0;
    }
}
