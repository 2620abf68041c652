package io.rayscribe.app;

import io.rayscribe.core.Args;
import io.rayscribe.core.RayScribeException;
import io.rayscribe.ui.FxDriver;
import io.rayscribe.ui.Screenshots;
import javafx.application.Platform;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code rayscribe screenshots [--out DIR] [--study PATH] [--model DIR] [--window]}: renders the main
 * window states to PNG (headless via Monocle unless --window). Defaults: target/screenshots, the demo
 * study and the demo model under rayscribe.home.
 */
public final class ScreenshotsCommand implements Command {
    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of("window"));
        a.rejectUnknown(Set.of("out", "study", "model"));
        Path home = GuiCommand.home();
        Path dir = Path.of(a.get("out", home.resolve("target/screenshots").toString()));
        Path study = Path.of(a.get("study", home.resolve("assets/studies/demo").toString()));
        Path model = Path.of(a.get("model", home.resolve("assets/models/demo").toString()));
        if (!Files.exists(study)) {
            throw RayScribeException.forFile(study, "no study here (pass --study PATH)");
        }
        if (!Files.isDirectory(model)) {
            throw RayScribeException.forFile(model, "no model bundle here (pass --model DIR)");
        }
        FxDriver.start(!a.flag("window"), 1600, 1000);
        try {
            List<Path> files = Screenshots.render(study, model, dir, out);
            out.println(files.size() + " screenshots in " + dir);
        } finally {
            Platform.exit();
        }
        return 0;
    }
}
