package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.error.UnreachableException;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.TestImages;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * stdout whose reader went away ({@code jreg export IMAGE | head -c 0}) ends a command quietly with
 * 141, as SIGPIPE ends a shell's process; known by the stream that failed, never by a message: a
 * registry's broken pipe, or a full disk under stdout, is reported as ever.
 */
class ClosedStdoutTest {
    @TempDir
    Path home;
    @TempDir
    Path store;

    private final StringWriter err = new StringWriter();

    @BeforeEach
    void storeImage() throws IOException {
        TestImages.writeImage(OciLayout.open(store), Reference.parse("app:1"), Platform.of("linux", "amd64", null),
                List.of(TestImages.layer(5, 200_000)));
    }

    /** stdout that takes {@code accepted} bytes, then fails as a write to a closed pipe or a full disk does. */
    private CliContext context(int accepted, boolean pipe) {
        OutputStream failing = new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                written += len;
                if (written > accepted) {
                    throw new IOException(pipe ? "Broken pipe" : "No space left on device");
                }
            }
        };
        StdoutStream stdout = new StdoutStream(failing, () -> pipe);
        return new CliContext(Map.of("JREG_HOME", store.toString()), home, new ByteArrayInputStream(new byte[0]), stdout,
                new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true), new PrintWriter(err, true),
                false);
    }

    @Test
    void aClosedPipeEndsEachCommandQuietlyWith141() {
        for (String[] args : List.of(new String[] {"export", "app:1"}, new String[] {"save", "app:1"},
                new String[] {"save", "-o", "-", "app:1"}, new String[] {"history", "--local", "app:1"},
                new String[] {"images"}, new String[] {"inspect", "--raw", "--local", "app:1"})) {
            for (int accepted : new int[] {0, 10}) {
                err.getBuffer().setLength(0);
                int code = JregCommand.run(context(accepted, true), args);
                String command = String.join(" ", args) + " after " + accepted + " bytes: " + err;
                assertEquals(ExitCodes.STDOUT_CLOSED, code, command);
                assertTrue(err.toString().lines().noneMatch(line -> line.startsWith("jreg:")), command);
            }
        }
    }

    /** A write to a file that fails (a full disk) is no closed reader: one line, as any failure. */
    @Test
    void aFailedWriteToAFileIsReported() {
        assertEquals(ExitCodes.FAILURE, JregCommand.run(context(10, false), "export", "app:1"));
        assertEquals("jreg: cannot write to stdout: No space left on device\n", err.toString());
    }

    /**
     * Text goes through a printer that swallows a failed write: each command's lost result (a list,
     * a script, an image ID) is still reported once the command is over, and no closed pipe is.
     */
    @Test
    void aFailedWriteOfTextIsReportedByEachCommand() throws IOException {
        Path archive = store.resolveSibling(store.getFileName() + ".tar");
        new Cli(home, store).ok("save", "-o", archive.toString(), "app:1");
        for (String[] args : List.of(new String[] {"history", "--local", "app:1"},
                new String[] {"history", "--local", "--format", "json", "app:1"}, new String[] {"images"},
                new String[] {"generate-completion"}, new String[] {"load", "-i", archive.toString()},
                new String[] {"squash", "app:1", "app:flat"}, new String[] {"commit", "--base", "app:1", "app:c"})) {
            for (boolean pipe : new boolean[] {false, true}) {
                err.getBuffer().setLength(0);
                int code = JregCommand.run(context(0, pipe), args);
                String command = String.join(" ", args) + (pipe ? " into a closed pipe: " : ": ") + err;
                assertEquals(pipe ? ExitCodes.STDOUT_CLOSED : ExitCodes.FAILURE, code, command);
                assertEquals(pipe ? List.of() : List.of("jreg: cannot write to stdout: No space left on device"),
                        err.toString().lines().filter(line -> line.startsWith("jreg:")).toList(), command);
            }
        }
    }

    /**
     * A registry that refuses a client certificate breaks the connection under a TLS write: an
     * IOException saying "Broken pipe", not stdout's, so it is reported, stdout a pipe or not.
     */
    @Test
    void aRegistrysBrokenPipeIsReported() {
        CliContext context = context(0, true);
        UnreachableException refused = new UnreachableException("cannot reach registry 127.0.0.1:5000: TLS failed"
                + " (Broken pipe); the registry may require a client certificate",
                new SSLException("Broken pipe", new SocketException("Broken pipe")));
        int code = new ErrorReporter(context, new JregCommand(context)).report(refused);
        assertEquals(ExitCodes.NETWORK, code);
        assertEquals("jreg: cannot reach registry 127.0.0.1:5000: TLS failed (Broken pipe); the registry may require"
                + " a client certificate\n", err.toString());
    }
}
