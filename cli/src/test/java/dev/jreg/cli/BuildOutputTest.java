package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jreg.BuildStep;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
        tty.done(new BuildStep(null, 2, 2, "COPY a-very-long-source-name-that-goes-on-and-on.txt /app/", 2),
                Duration.ofMillis(1250));
        String cached = " => CACHED [1/2] FROM docker.io/library/base:1";
        String copy = " => [2/2] COPY a-very-long-source-name-that-goes-on-and-o";
        assertEquals(" => [1/2] FROM docker.io/library/base:1"
                + "\r" + cached + " ".repeat(60 - cached.length() - 4) + "0.0s\n"
                + " => [2/2] COPY a-very-long-source-name-that-goes-on-and-on.…"
                + "\r" + copy.substring(0, 54) + "… 1.3s\n", err.toString());
        assertEquals(List.of(39, 60, 60, 60), Arrays.stream(err.toString().split("[\r\n]")).map(String::length)
                .toList(), "every line as wide as the terminal, or narrower");
    }

    @Test
    void aTerminalShowsARunningCommandsLastLinesUnderItsStepUntilItEnds() {
        BuildOutput tty = output(BuildOutput.Mode.TTY, "40");
        BuildStep from = new BuildStep(null, 1, 2, "FROM docker.io/library/base:1", 1);
        BuildStep run = new BuildStep(null, 2, 2, "RUN make all", 2);
        tty.started(from);
        tty.cached(from);
        tty.started(run);
        String cached = " => CACHED [1/2] FROM docker.io/library/base:1";
        String cachedLine = cached.substring(0, 34) + "… 0.0s";
        tty.output(run, Duration.ofMillis(5), "first");
        assertEquals(List.of(cachedLine, " => [2/2] RUN make all", " => => # first"), screen(40));
        for (int i = 2; i <= 8; i++) {
            tty.output(run, Duration.ofMillis(5 * i), "line " + i);
        }
        tty.output(run, Duration.ofMillis(50), "\033[31mred\033[0m\ttab");
        tty.output(run, Duration.ofMillis(55), " 50%\r100%");
        tty.output(run, Duration.ofMillis(60), "x".repeat(100));
        assertEquals(List.of(cachedLine, " => [2/2] RUN make all", " => => # line 6", " => => # line 7",
                " => => # line 8", " => => # red tab", " => => # 100%", " => => # " + "x".repeat(30) + "…"),
                screen(40), "the last six lines, each on one row: no control character reaches the terminal");

        tty.done(run, Duration.ofMillis(1500));
        String ranLine = " => [2/2] RUN make all" + " ".repeat(40 - 22 - 4) + "1.5s";
        VirtualScreen done = new VirtualScreen(40, 24);
        done.write(err.toString());
        assertEquals(List.of(cachedLine, ranLine), done.everything(), "the window gone once the step is done");
        assertEquals(0, done.wraps(), "no line wider than the terminal");
    }

    @Test
    void plainOutputLinesTellTheSecondsSinceTheirStepBeganAsBuildKitDoes() {
        BuildOutput plain = output(BuildOutput.Mode.PLAIN, "40");
        BuildStep run = new BuildStep(null, 2, 2, "RUN make", 2);
        plain.started(new BuildStep(null, 1, 2, "FROM docker.io/library/base:1", 1));
        plain.cached(new BuildStep(null, 1, 2, "FROM docker.io/library/base:1", 1));
        plain.started(run);
        plain.output(run, Duration.ofMillis(123), "hello");
        plain.output(run, Duration.ofNanos(9_999_600_000L), "nearly ten");
        plain.output(run, Duration.ofMillis(12_346), "a long line that the command wrote, kept whole however wide");
        plain.output(run, Duration.ofMillis(123_456), "");
        plain.done(run, Duration.ofMillis(123_500));
        assertEquals("#1 [1/2] FROM docker.io/library/base:1\n#1 CACHED\n\n#2 [2/2] RUN make\n"
                + "#2 0.123 hello\n#2 10.000 nearly ten\n"
                + "#2 12.35 a long line that the command wrote, kept whole however wide\n#2 123.5 \n"
                + "#2 DONE 123.5s\n\n", err.toString());
    }

    @Test
    void secondsSinceAStepBeganHaveThreeDecimalsUnderTenTwoUnderAHundredOneBeyond() {
        assertEquals("0.000", BuildOutput.elapsed(Duration.ZERO));
        assertEquals("0.001", BuildOutput.elapsed(Duration.ofNanos(500_001)));
        assertEquals("9.999", BuildOutput.elapsed(Duration.ofMillis(9_999)));
        assertEquals("10.00", BuildOutput.elapsed(Duration.ofSeconds(10)));
        assertEquals("99.99", BuildOutput.elapsed(Duration.ofMillis(99_990)));
        assertEquals("100.0", BuildOutput.elapsed(Duration.ofSeconds(100)));
        assertEquals("3600.0", BuildOutput.elapsed(Duration.ofHours(1)));
    }

    /** What a terminal of that width shows of the progress so far. */
    private List<String> screen(int columns) {
        VirtualScreen screen = new VirtualScreen(columns, 24);
        screen.write(err.toString());
        assertEquals(0, screen.wraps(), "no line wider than the terminal");
        return screen.everything();
    }

    @Test
    void plainLinesAreBuildKitsNumberedOnes() {
        BuildOutput plain = output(BuildOutput.Mode.PLAIN, "80");
        BuildStep step = new BuildStep("builder", 2, 12, "WORKDIR /app", 3);
        plain.started(step);
        plain.done(step, Duration.ofMillis(40));
        assertEquals("#1 [builder  2/12] WORKDIR /app\n#1 DONE 0.0s\n\n", err.toString());
    }

    @Test
    void plainProgressKeepsEveryTitleWholeHoweverNarrowTheColumns() {
        BuildOutput plain = output(BuildOutput.Mode.PLAIN, "40");
        String from = "FROM docker.io/library/python:3.9-slim@sha256:" + "9addebd9".repeat(8);
        BuildStep step = new BuildStep(null, 1, 2, from, 1);
        plain.started(step);
        plain.cached(step);
        assertEquals("#1 [1/2] " + from + "\n#1 CACHED\n\n", err.toString(), "as BuildKit's plain progress: never cut");
    }

    private static final String EXIT_3 = "process \"/bin/sh -c exit 3\" did not complete successfully: exit code: 3";

    /** A step begun, its command's lines, a millisecond apart from 5 ms, then its failure at 100 ms. */
    private void failing(BuildOutput output, BuildStep run, String... lines) {
        output.started(run);
        for (int i = 0; i < lines.length; i++) {
            output.output(run, Duration.ofMillis(5 + i), lines[i]);
        }
        output.failed(run, Duration.ofMillis(100), EXIT_3);
    }

    @Test
    void aFailedStepIsMarkedAsBuildKitMarksItInPlainProgress() {
        failing(output(BuildOutput.Mode.PLAIN, "80"), new BuildStep(null, 1, 1, "RUN echo oops; exit 3", 2), "oops");
        assertEquals("#1 [1/1] RUN echo oops; exit 3\n#1 0.005 oops\n#1 ERROR: " + EXIT_3 + "\n\n", err.toString());
    }

    @Test
    void aFailedStepOnATerminalReadsErrorWithItsTimeAndKeepsTheCommandsLastLines() {
        failing(output(BuildOutput.Mode.TTY, "50"), new BuildStep(null, 2, 2, "RUN make", 2), "compiling",
                "error: oops");
        String error = " => ERROR [2/2] RUN make";
        assertEquals(List.of(error + " ".repeat(50 - error.length() - 4) + "0.1s", " => => # compiling",
                " => => # error: oops"), screen(50));
    }

    @Test
    void aFailedStepInJsonIsAnErrorEventWithItsTimeAndError() {
        BuildOutput json = output(BuildOutput.Mode.JSON, "80");
        BuildStep run = new BuildStep("builder", 3, 4, "RUN exit 3", 7);
        json.started(run);
        err.getBuffer().setLength(0);
        json.failed(run, Duration.ofMillis(120), EXIT_3);
        assertEquals("{\"id\":1,\"status\":\"error\",\"stage\":\"builder\",\"step\":3,\"steps\":4,"
                + "\"instruction\":\"RUN exit 3\",\"line\":7,\"milliseconds\":120,\"error\":"
                + "\"process \\\"/bin/sh -c exit 3\\\" did not complete successfully: exit code: 3\"}\n", err.toString());
    }
}
