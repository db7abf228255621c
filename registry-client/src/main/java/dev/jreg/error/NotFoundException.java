package dev.jreg.error;

import java.util.List;

/** The registry has no such repository, manifest or blob (404). */
public class NotFoundException extends RegistryException {
    private static final long serialVersionUID = 1L;

    /** See {@link RegistryException#RegistryException}. */
    public NotFoundException(String message, int status, String method, String url, List<RegistryError> errors) {
        super(message, status, method, url, errors);
    }
}
