package io.rayscribe.app;

import io.rayscribe.core.Args;
import io.rayscribe.ui.RayScribeApp;
import io.rayscribe.ui.RenderDefaults;
import javafx.application.Application;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code rayscribe gui [PATH...] [--model DIR] [--light]}: the workstation. With no PATH it opens the
 * demo study (assets/studies/demo) and with no --model the demo model (assets/models/demo), both under
 * the system property rayscribe.home (else the working directory).
 */
public final class GuiCommand implements Command {
    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        Args a = Args.parse(argv, Set.of("light", "dark", "no-model"));
        a.rejectUnknown(Set.of("model"));
        Path home = home();
        List<Path> paths = a.positional().isEmpty() ? List.of(home.resolve("assets/studies/demo"))
                : a.positional().stream().map(Path::of).toList();
        Path model = a.flag("no-model") ? null : a.has("model") ? Path.of(a.get("model")) : home.resolve("assets/models/demo");
        RayScribeApp.configure(new RayScribeApp.Options(paths, model, !a.flag("light")));
        io.rayscribe.ui.StudyPreloader.start(paths.stream().filter(java.nio.file.Files::exists).toList());
        RenderDefaults.apply();
        Application.launch(RayScribeApp.class);
        return 0;
    }

    /** rayscribe.home, else the working directory. */
    public static Path home() {
        String h = System.getProperty("rayscribe.home");
        return (h != null ? Path.of(h) : Path.of("")).toAbsolutePath().normalize();
    }
}
