package dev.jreg.internal.build;

/**
 * A {@code RUN} command that ended with a status other than 0, which stops the build: the
 * executor names the instruction, as docker does ({@code Dockerfile:LINE: RUN … returned a
 * non-zero code: N}).
 */
final class RunFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    /** @param status the command's exit status, or 128 + N when signal N ended it */
    RunFailedException(int status) {
        super("returned a non-zero code: " + status);
        this.status = status;
    }

    /** The command's exit status, or 128 + N when signal N ended it. */
    int status() {
        return status;
    }
}
