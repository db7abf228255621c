package dev.jreg.cli;

import dev.jreg.JregOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command reads from the world: environment, home directory, output streams and whether
 * stderr is a terminal. Tests build their own.
 *
 * @param env environment variables
 * @param home the user's home directory
 * @param stdin standard input (passwords with --password-stdin)
 * @param stdout standard output as bytes, for raw manifests and blobs
 * @param out standard output as text (results); flushed before raw bytes are written
 * @param err standard error (progress, messages)
 * @param terminal true when stderr is a terminal, so progress may redraw lines
 * @param stdinTerminal true when stdin is a terminal, which holds no archive to load
 * @param stdoutTerminal true when stdout is a terminal, where an archive must not go
 */
record CliContext(Map<String, String> env, Path home, InputStream stdin, OutputStream stdout, PrintWriter out, PrintWriter err,
        boolean terminal, boolean stdinTerminal, boolean stdoutTerminal) {
    /** A context whose stdin and stdout are not terminals. */
    CliContext(Map<String, String> env, Path home, InputStream stdin, OutputStream stdout, PrintWriter out, PrintWriter err,
            boolean terminal) {
        this(env, home, stdin, stdout, out, err, terminal, false, false);
    }

    /**
     * The real process's context. Text and raw bytes go to the descriptor itself, through a
     * {@link StdoutStream} that tells when the reader went away.
     */
    static CliContext system() {
        StdoutStream stdout = StdoutStream.system();
        return new CliContext(System.getenv(), JregOptions.userHome(System.getenv()), System.in, stdout,
                new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true), isTerminal(2),
                isTerminal(0), isTerminal(1));
    }

    /**
     * True once a write to stdout failed because its reader went away ({@code jreg … | head -1}):
     * the command is over, quietly, as SIGPIPE would have ended it.
     */
    boolean stdoutClosed() {
        return stdout instanceof StdoutStream stream && stream.closed();
    }

    /**
     * The first write to stdout that failed other than to a closed pipe (a full disk), or null:
     * the text printer swallows it, so the run reports it when the command is over.
     */
    IOException stdoutFailure() {
        return stdout instanceof StdoutStream stream ? stream.failure() : null;
    }

    /** Writes bytes exactly as they are to stdout, after any text already printed. */
    void writeRaw(byte[] bytes) throws IOException {
        out.flush();
        stdout.write(bytes);
        stdout.flush();
    }

    /** Java cannot ask isatty(3); on Linux the descriptor's link names the terminal device. */
    private static boolean isTerminal(int descriptor) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + descriptor)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return System.console() != null;
        }
    }
}
