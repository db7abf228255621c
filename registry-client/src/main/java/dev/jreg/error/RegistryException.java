package dev.jreg.error;

import java.io.IOException;
import java.util.List;

/**
 * A registry answered with an error status. Subclasses name the cases callers act on. The URL is
 * kept without its query string, which may carry upload state or tokens.
 */
public class RegistryException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String method;
    private final String url;
    private final transient List<RegistryError> errors;

    /**
     * @param message what failed, for the user
     * @param status HTTP status
     * @param method HTTP method
     * @param url request URL without query
     * @param errors parsed errors from the body, possibly empty
     */
    public RegistryException(String message, int status, String method, String url, List<RegistryError> errors) {
        super(message);
        this.status = status;
        this.method = method;
        this.url = url;
        this.errors = List.copyOf(errors);
    }

    /** HTTP status of the answer. */
    public int status() {
        return status;
    }

    /** HTTP method of the request. */
    public String method() {
        return method;
    }

    /** URL of the request, without query. */
    public String url() {
        return url;
    }

    /** Errors the registry listed in its body. */
    public List<RegistryError> errors() {
        return errors;
    }

    /** True when trying again later may succeed. */
    public boolean isRetryable() {
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }
}
