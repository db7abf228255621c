package dev.jreg.error;

import java.io.IOException;

/** A registry or file gave content jreg refuses: malformed JSON, a bad manifest, an oversized body. */
public class InvalidContentException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong */
    public InvalidContentException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong
     * @param cause the parser's error
     */
    public InvalidContentException(String message, Throwable cause) {
        super(message, cause);
    }
}
