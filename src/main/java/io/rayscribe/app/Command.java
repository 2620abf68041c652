package io.rayscribe.app;

import java.io.PrintStream;
import java.util.List;

/**
 * One {@code bin/rayscribe} sub-command. Implementations are thin: parse arguments, call a
 * service, print. Throw {@link io.rayscribe.core.RayScribeException} for user errors (exit 2).
 */
public interface Command {
    /** Returns the process exit code. */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
