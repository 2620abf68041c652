package io.rayscribe.app;

import io.rayscribe.core.Args;
import io.rayscribe.train.phantom.PhantomGenerator;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code phantom --out DIR --count N --seed S [--size PX] [--previews]}: writes synthetic chest studies. */
public final class PhantomCommand implements Command {
    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, Set.of("previews"));
        args.rejectUnknown(Set.of("out", "count", "seed", "size"));
        Path dir = Path.of(args.require("out"));
        int count = args.getInt("count", 1);
        long seed = args.getInt("seed", 1);
        int size = args.getInt("size", PhantomGenerator.DEFAULT_SIZE);
        PhantomGenerator generator = new PhantomGenerator(size);
        long t0 = System.nanoTime();
        generator.writeAll(dir, count, seed, args.flag("previews"), n -> {
            if (n % 50 == 0 || n == count) {
                err.print("\rphantom: " + n + "/" + count);
                if (n == count) {
                    err.println();
                }
            }
        });
        out.printf("wrote %d phantom studies (seed %d, %dx%d) to %s in %.1f s%n", count, seed, size, size, dir,
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
