package dev.jreg.error;

/**
 * A build definition Docker refuses: a Dockerfile, or the {@code .dockerignore} beside it, with an
 * unknown instruction, a bad flag, missing arguments, an unterminated here-document, no
 * {@code FROM}, a stage name used twice, a bad parser directive or pattern; or words whose
 * variables cannot be replaced. The message reads as Docker's do, {@code Dockerfile:LINE: what is
 * wrong}, the file named as the caller gave it ({@code build/Dockerfile.dev:3: …}).
 */
public class DockerfileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The file's name as given. */
    private final String file;
    /** The line, from 1. */
    private final int line;
    /** What is wrong, without the file and line. */
    private final String reason;

    /**
     * @param file the file's name as given
     * @param line the line the error is on (an instruction's first line), from 1
     * @param reason what is wrong
     */
    public DockerfileException(String file, int line, String reason) {
        this(file, line, reason, null);
    }

    /**
     * @param file the file's name as given
     * @param line the line the error is on, from 1
     * @param reason what is wrong
     * @param cause what found it, or null
     */
    public DockerfileException(String file, int line, String reason, Throwable cause) {
        super(file + ":" + line + ": " + reason, cause);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    /** The file's name as given. */
    public String file() {
        return file;
    }

    /** The line, from 1. */
    public int line() {
        return line;
    }

    /** What is wrong, without the file and line. */
    public String reason() {
        return reason;
    }
}
