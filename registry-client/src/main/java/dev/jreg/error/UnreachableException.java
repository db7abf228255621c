package dev.jreg.error;

import java.io.IOException;

/** A registry could not be reached: name not resolved, connection refused, timed out, TLS failed. */
public class UnreachableException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which registry and why
     * @param cause the network error
     */
    public UnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
