package dev.jreg.error;

import java.io.IOException;
import java.util.List;

/**
 * A location has no image by the name, tag, digest or image ID asked for — docker's
 * {@code No such image: NAME}. Thrown for the local store and OCI layouts, whose index says so,
 * and for a registry repository where a {@code HEAD} found nothing or the tag list is empty. It
 * carries no HTTP details: a registry's error answer to a request is a {@link NotFoundException}.
 */
public class ImageNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final transient List<String> stored;

    /**
     * @param message what was looked for and where, for the user
     * @param name what was looked for, as given or completed ({@code nginx:latest}, a digest, an
     *     image ID prefix, a repository)
     * @param stored the names the location holds in that repository, in the short form commands
     *     print ({@code nginx:1.24.0}); empty when it holds none or the caller does not know them
     */
    public ImageNotFoundException(String message, String name, List<String> stored) {
        super(message);
        this.name = name;
        this.stored = List.copyOf(stored);
    }

    /** What was looked for. */
    public String name() {
        return name;
    }

    /** The names the location holds in that repository; possibly empty. */
    public List<String> stored() {
        return stored;
    }
}
