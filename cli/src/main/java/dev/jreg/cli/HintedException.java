package dev.jreg.cli;

import java.io.IOException;

/**
 * A failure with what the user can do instead: reported as the failure's own line with the hint
 * after it, and with the failure's exit code (its cause's, as {@link ExitCodes} reads a wrapped
 * {@code IOException}).
 */
final class HintedException extends IOException {
    private final String hint;

    HintedException(IOException failure, String hint) {
        super(failure.getMessage(), failure);
        this.hint = hint;
    }

    String hint() {
        return hint;
    }
}
