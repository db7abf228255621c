package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jreg.BuildStep;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link BuildOutput}'s lines: BuildKit's plain progress, and on a terminal one line a step drawn
 * when it begins and completed in place, its time at the right, cut to the width.
 */
class BuildOutputTest {
    private final StringWriter err = new StringWriter();

    private BuildOutput output(BuildOutput.Mode mode, String columns) {
        CliContext context = new CliContext(Map.of("COLUMNS", columns), Path.of("/nonexistent"),
                new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), new PrintWriter(new StringWriter()),
                new PrintWriter(err, true), true);
        return new BuildOutput(new JregCommand(context), mode);
    }

    @Test
    void aTerminalGetsOneLineAStepCompletedInPlace() {
        BuildOutput tty = output(BuildOutput.Mode.TTY, "60");
        tty.started(new BuildStep(null, 1, 2, "FROM docker.io/library/base:1", 1));
        tty.cached(new BuildStep(null, 1, 2, "FROM docker.io/library/base:1", 1));
        tty.started(new BuildStep(null, 2, 2, "COPY a-very-long-source-name-that-goes-on-and-on.txt /app/", 2));
        tty.output(new BuildStep(null, 2, 2, "COPY a-very-long-source-name-that-goes-on-and-on.txt /app/", 2), "out");
        tty.done(new BuildStep(null, 2, 2, "COPY a-very-long-source-name-that-goes-on-and-on.txt /app/", 2),
                Duration.ofMillis(1250));
        String cached = " => CACHED [1/2] FROM docker.io/library/base:1";
        String copy = " => [2/2] COPY a-very-long-source-name-that-goes-on-and-o";
        assertEquals(" => [1/2] FROM docker.io/library/base:1"
                + "\r" + cached + " ".repeat(60 - cached.length() - 4) + "0.0s\n"
                + " => [2/2] COPY a-very-long-source-name-that-goes-on-and-on.…\n"
                + "    out\n"
                + copy.substring(0, 54) + "… 1.3s\n", err.toString());
        assertEquals(List.of(60, 60, 7, 60), err.toString().substring(err.toString().indexOf('\r') + 1).lines()
                .map(String::length).toList(), "every line as wide as the terminal, or narrower");
    }

    @Test
    void plainLinesAreBuildKitsNumberedOnes() {
        BuildOutput plain = output(BuildOutput.Mode.PLAIN, "80");
        BuildStep step = new BuildStep("builder", 2, 12, "WORKDIR /app", 3);
        plain.started(step);
        plain.output(step, "a line");
        plain.done(step, Duration.ofMillis(40));
        assertEquals("#1 [builder  2/12] WORKDIR /app\n#1 a line\n#1 DONE 0.0s\n\n", err.toString());
    }
}
