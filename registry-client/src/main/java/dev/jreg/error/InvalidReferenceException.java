package dev.jreg.error;

/** An image reference that does not follow docker's grammar. The message names the problem. */
public class InvalidReferenceException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with the reference */
    public InvalidReferenceException(String message) {
        super(message);
    }
}
