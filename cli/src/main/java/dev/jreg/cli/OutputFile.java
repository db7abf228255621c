package dev.jreg.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file a command writes an archive to ({@code -o FILE}): checked before any work, so that bad
 * input is exit 2 for every such command, and named in a refusal instead of the hidden temp file
 * the library writes beside it.
 */
final class OutputFile {
    /** Writes the archive to a file. */
    interface Writer {
        void to(Path file) throws IOException;
    }

    private OutputFile() {
    }

    /** The refusal of stdout that is a terminal, where an archive would be garbage: one line of 80 columns. */
    static IllegalArgumentException terminalRefused() {
        return new IllegalArgumentException("refusing to write an archive to a terminal; use -o FILE or redirect"
                + " stdout");
    }

    /**
     * The file as an absolute path.
     *
     * @throws IllegalArgumentException when the name is empty or a directory, or its directory is missing
     */
    static Path checked(String output) {
        if (output.isEmpty()) {
            throw new IllegalArgumentException("-o is \"\": name the file to write (- for stdout)");
        }
        Path file = Path.of(output).toAbsolutePath();
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("cannot write " + output + ": it is a directory");
        }
        if (!Files.isDirectory(file.getParent())) {
            throw new IllegalArgumentException("cannot write " + output + ": no such directory " + file.getParent());
        }
        return file;
    }

    /** Runs the write, a refusal to write the temp file beside {@code file} said of {@code file}. */
    static void write(Path file, Writer writer) throws IOException {
        try {
            writer.to(file);
        } catch (AccessDeniedException e) {
            if (e.getFile() == null || Path.of(e.getFile()).equals(file)) {
                throw e;
            }
            AccessDeniedException named = new AccessDeniedException(file.toString());
            named.initCause(e);
            throw named;
        }
    }
}
