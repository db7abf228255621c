package dev.jreg.error;

import java.util.List;

/** An index holds no image for the platform asked for (exit code: not found). */
public class NoMatchingPlatformException extends NotFoundException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the platform asked for, the index and the platforms it has
     * @param location the index's location, for {@link RegistryException#url()}
     */
    public NoMatchingPlatformException(String message, String location) {
        super(message, 404, "GET", location, List.of());
    }
}
