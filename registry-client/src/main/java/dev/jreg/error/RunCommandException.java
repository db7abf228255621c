package dev.jreg.error;

/**
 * A build's {@code RUN} command ended with a status other than 0, which stops the build. The
 * message reads as BuildKit's, {@code Dockerfile:LINE: process "/bin/sh -c exit 3" did not
 * complete successfully: exit code: 3}, the file named as the caller gave it.
 */
public class RunCommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final int status;

    /**
     * @param file the Dockerfile's name as given
     * @param line the {@code RUN}'s first line, from 1
     * @param command the command as it ran, its words joined by spaces
     * @param status its exit status, or 128 + N when signal N ended it
     */
    public RunCommandException(String file, int line, String command, int status) {
        super(file + ":" + line + ": process \"" + command + "\" did not complete successfully: exit code: " + status);
        this.file = file;
        this.line = line;
        this.status = status;
    }

    /** The Dockerfile's name as given. */
    public String file() {
        return file;
    }

    /** The {@code RUN}'s first line, from 1. */
    public int line() {
        return line;
    }

    /** The command's exit status, or 128 + N when signal N ended it. */
    public int status() {
        return status;
    }
}
