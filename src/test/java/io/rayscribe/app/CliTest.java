package io.rayscribe.app;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        return Cli.run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommand() {
        assertEquals(0, run("--help"));
        String text = out.toString(StandardCharsets.UTF_8);
        for (String name : Cli.COMMANDS.keySet()) {
            assertTrue(text.contains("  " + name), "help lists " + name);
        }
    }

    @Test
    void unknownCommandIsOneLineExit2() {
        assertEquals(2, run("frobnicate"));
        String text = err.toString(StandardCharsets.UTF_8).strip();
        assertEquals(1, text.lines().count());
        assertTrue(text.contains("frobnicate"));
    }
}
