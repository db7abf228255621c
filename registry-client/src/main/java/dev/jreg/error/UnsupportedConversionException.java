package dev.jreg.error;

import dev.jreg.model.Digest;
import java.io.IOException;

/**
 * A manifest or index cannot be converted to the format a copy asked for
 * ({@code CopyOptions.format}): what it holds has no place in that format — a zstd or encrypted
 * layer, an artifact, a nested index or an entry without a platform in Docker's. Nothing is
 * written; the same copy without a format keeps the image as it is.
 */
public class UnsupportedConversionException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Digest digest;

    /**
     * @param digest the manifest or index that cannot be converted
     * @param message the whole message, naming it, the format and why
     */
    public UnsupportedConversionException(Digest digest, String message) {
        super(message);
        this.digest = digest;
    }

    /** The manifest or index that cannot be converted. */
    public Digest digest() {
        return digest;
    }
}
