package io.rayscribe.app;

import io.rayscribe.core.AppEnvironment;
import io.rayscribe.core.RayScribeException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of {@code bin/rayscribe}. Sub-commands are looked up by class name so each
 * layer adds its command without touching this dispatcher.
 */
public final class Cli {
    /** name → {implementing class, one-line help}. */
    static final Map<String, String[]> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("gui", new String[] {"io.rayscribe.app.GuiCommand", "gui [PATH]  open the workstation (demo study and model when no PATH)"});
        COMMANDS.put("info", new String[] {"io.rayscribe.app.InfoCommand", "info PATH... [--json]  list patients/studies/series/instances"});
        COMMANDS.put("render", new String[] {"io.rayscribe.app.RenderCommand", "render FILE --out OUT.png [--frame N] [--window C,W]  render a frame to PNG"});
        COMMANDS.put("lm", new String[] {"io.rayscribe.app.LmCommand", "lm --model DIR (--prompt TEXT | --prompt-ids 1,2) [--max-new-tokens N] [--greedy | --temperature T --top-p P --seed S] [--stop-at-eos] [--json]"});
        COMMANDS.put("draft", new String[] {"io.rayscribe.app.DraftCommand", "draft [--model BUNDLE] STUDY_PATH [--max-new-tokens N] [--greedy] [--attention OUT.json]  stream a draft report"});
        COMMANDS.put("phantom", new String[] {"io.rayscribe.app.PhantomCommand", "phantom --out DIR --count N --seed S [--size PX] [--previews]  write synthetic chest radiograph studies"});
        COMMANDS.put("train", new String[] {"io.rayscribe.app.TrainCommand", "train --config FILE [--resume]  run the two-stage training protocol"});
        COMMANDS.put("eval", new String[] {"io.rayscribe.app.EvalCommand", "eval --model BUNDLE --data DIR_OR_MANIFEST [--json] [--limit N] [--layer L] [--head H] [--max-new-tokens N] [--predictions FILE.jsonl]  report-generation metrics"});
        COMMANDS.put("analyze", new String[] {"io.rayscribe.app.AnalyzeCommand", "analyze --model BUNDLE --data DIR [--out DIR] [--limit N]  soft-visual-prompt and attention analyses"});
        COMMANDS.put("bench", new String[] {"io.rayscribe.app.BenchCommand", "bench (dicom PATH | llm --model DIR | draft --model BUNDLE STUDY | ui) [--json]  benchmarks"});
        COMMANDS.put("screenshots", new String[] {"io.rayscribe.app.ScreenshotsCommand", "screenshots [--out DIR]  render the main UI states to PNG"});
    }

    private Cli() {
    }

    public static void main(String[] argv) {
        AppEnvironment.init();
        System.exit(run(Arrays.asList(argv), System.out, System.err));
    }

    /** Runs one command line; never throws, returns the exit code. */
    public static int run(List<String> argv, PrintStream out, PrintStream err) {
        if (argv.isEmpty() || argv.get(0).equals("--help") || argv.get(0).equals("-h") || argv.get(0).equals("help")) {
            printHelp(out);
            return argv.isEmpty() ? 1 : 0;
        }
        String name = argv.get(0);
        String[] entry = COMMANDS.get(name);
        if (entry == null) {
            err.println("rayscribe: unknown command '" + name + "' (see rayscribe --help)");
            return 2;
        }
        List<String> rest = new ArrayList<>(argv.subList(1, argv.size()));
        if (rest.contains("--help")) {
            out.println("usage: rayscribe " + entry[1]);
            return 0;
        }
        return dispatch(name, entry[0], rest, out, err);
    }

    static int dispatch(String name, String className, List<String> rest, PrintStream out, PrintStream err) {
        Command command;
        try {
            command = (Command) Class.forName(className).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            err.println("rayscribe " + name + ": not available in this build (" + e.getClass().getSimpleName() + ")");
            return 2;
        }
        try {
            return command.run(rest, out, err);
        } catch (RayScribeException e) {
            err.println("rayscribe " + name + ": " + e.getMessage());
            return 2;
        } catch (OutOfMemoryError e) {
            err.println("rayscribe " + name + ": out of memory (raise -Xmx via RAYSCRIBE_JAVA_OPTS)");
            return 1;
        } catch (Exception | StackOverflowError e) {
            err.println("rayscribe " + name + ": internal error: " + e);
            if (System.getenv("RAYSCRIBE_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    static void printHelp(PrintStream out) {
        out.println("RayScribe — radiology workstation with a local report-drafting model");
        out.println();
        out.println("usage: rayscribe COMMAND [ARGS]");
        out.println();
        out.println("commands:");
        for (String[] entry : COMMANDS.values()) {
            out.println("  " + entry[1]);
        }
        out.println();
        out.println("AI drafts are labelled as such until a radiologist accepts them. Not a medical device.");
    }
}
