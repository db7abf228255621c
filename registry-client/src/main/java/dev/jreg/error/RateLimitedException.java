package dev.jreg.error;

import java.util.List;

/** The registry asked the client to slow down (429). */
public class RateLimitedException extends RegistryException {
    private static final long serialVersionUID = 1L;

    /** See {@link RegistryException#RegistryException}. */
    public RateLimitedException(String message, int status, String method, String url, List<RegistryError> errors) {
        super(message, status, method, url, errors);
    }
}
