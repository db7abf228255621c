package dev.jreg.error;

import java.io.IOException;

/** Content did not hash to, or was not the size of, what its descriptor promised. */
public class DigestMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what was expected and what arrived */
    public DigestMismatchException(String message) {
        super(message);
    }
}
