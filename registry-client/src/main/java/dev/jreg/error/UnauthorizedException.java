package dev.jreg.error;

import java.util.List;

/** Authentication failed or is required (401), or access was denied (403). */
public class UnauthorizedException extends RegistryException {
    private static final long serialVersionUID = 1L;

    /** See {@link RegistryException#RegistryException}. */
    public UnauthorizedException(String message, int status, String method, String url, List<RegistryError> errors) {
        super(message, status, method, url, errors);
    }
}
