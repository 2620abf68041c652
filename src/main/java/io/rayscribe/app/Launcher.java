package io.rayscribe.app;

/**
 * Plain main class for the GUI: JavaFX on the classpath refuses to start an Application
 * subclass directly as the main class, so this delegates to {@code rayscribe gui}.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "gui";
        System.arraycopy(args, 0, argv, 1, args.length);
        Cli.main(argv);
    }
}
