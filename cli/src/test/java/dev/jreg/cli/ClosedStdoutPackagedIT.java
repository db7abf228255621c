package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped launcher writing into a pipe whose reader is gone, as {@code jreg export IMAGE |
 * head -c 0}: exit 141, as a shell reports a process SIGPIPE killed, and no message. The archives
 * are larger than a pipe holds, so the reader's going is always seen.
 */
class ClosedStdoutPackagedIT {
    @TempDir
    Path home;
    @TempDir
    Path store;

    @Test
    void anArchiveIntoAClosedPipeEndsQuietlyWith141() throws Exception {
        TestImages.writeImage(OciLayout.open(store), Reference.parse("big:1"), Platform.of("linux", "amd64", null),
                List.of(TestImages.layer(7, 2_000_000)));
        Cli cli = new Cli(home, store);
        for (List<String> args : List.of(List.of("export", "big:1"), List.of("save", "-o", "-", "big:1"))) {
            for (String reader : List.of("head -c 0", "head -c 10 >/dev/null")) {
                Cli.Result result = cli.launchPipedInto(reader, args.toArray(String[]::new));
                assertEquals(ExitCodes.STDOUT_CLOSED, result.exitCode(), () -> args + " | " + reader + ": " + result);
                assertEquals("", result.err().replace(LauncherMessagesTest.RECORDING + "\n", ""), result::toString);
            }
        }
    }

    /** Text into a full disk is a lost result: said in one line, exit 1, for the shipped launcher too. */
    @Test
    void textIntoAFullDiskIsReported() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/full")), "no /dev/full");
        TestImages.writeImage(OciLayout.open(store), Reference.parse("app:1"), Platform.of("linux", "amd64", null),
                List.of(TestImages.layer(7, 1000)));
        Cli cli = new Cli(home, store);
        for (List<String> args : List.of(List.of("images"), List.of("history", "--local", "app:1"),
                List.of("generate-completion"), List.of("export", "app:1"))) {
            Cli.Result result = cli.launchRedirected("> /dev/full", args.toArray(String[]::new));
            assertEquals(ExitCodes.FAILURE, result.exitCode(), () -> args + ": " + result);
            assertEquals(List.of("jreg: cannot write to stdout: No space left on device"),
                    result.err().replace(LauncherMessagesTest.BUILDING + "\n", "")
                            .replace(LauncherMessagesTest.RECORDING + "\n", "").lines()
                            .filter(line -> line.startsWith("jreg:")).toList(), () -> args + ": " + result);
        }
    }
}
