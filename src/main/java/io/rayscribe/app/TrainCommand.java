package io.rayscribe.app;

import io.rayscribe.core.Args;
import io.rayscribe.train.TrainConfig;
import io.rayscribe.train.Trainer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code train --config FILE [--resume]}: runs the configured stages (see docs/training.md).
 * Progress goes to stderr, the summary to stdout. Ctrl-C stops after the current step and writes
 * a checkpoint that {@code --resume} continues from.
 */
public final class TrainCommand implements Command {
    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, Set.of("resume"));
        args.rejectUnknown(Set.of("config"));
        TrainConfig cfg = TrainConfig.load(Path.of(args.require("config")));
        Trainer trainer = new Trainer(cfg, err, args.flag("resume"));
        long t0 = System.nanoTime();
        Trainer.Result r = trainer.run();
        double secs = (System.nanoTime() - t0) / 1e9;
        for (Trainer.StageResult s : r.stages()) {
            out.printf(Locale.ROOT, "stage %-10s %-16s steps %5d  loss %.4f -> %.4f  %.1f s  bundle %s%n", s.name(), s.type(),
                    s.steps(), s.firstLoss(), s.lastLoss(), s.seconds(), s.bundle());
        }
        out.printf(Locale.ROOT, "%s: %s (%d examples, %d skipped) in %.1f s%n", r.interrupted() ? "interrupted" : "trained",
                r.finalBundle(), r.examples(), r.skipped(), secs);
        return r.interrupted() ? 130 : 0;
    }
}
