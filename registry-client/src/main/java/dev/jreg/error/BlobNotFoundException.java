package dev.jreg.error;

import dev.jreg.model.Digest;
import java.io.IOException;

/**
 * A blob is not where it was asked for: the local store or an OCI layout lost one that a name
 * still reaches (an incomplete image, as {@code verify --repair} leaves it; pulling the image again
 * fetches it), or a registry repository answered a blob's {@code HEAD} with nothing. It carries
 * no HTTP details: a registry's error answer to a request is a {@link NotFoundException}.
 */
public class BlobNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Digest digest;

    /**
     * @param message which blob, where, and what to do about it, for the user
     * @param digest the blob's digest
     */
    public BlobNotFoundException(String message, Digest digest) {
        super(message);
        this.digest = digest;
    }

    /** The digest of the missing blob. */
    public Digest digest() {
        return digest;
    }
}
