package dev.jreg.error;

import java.io.IOException;

/**
 * An archive {@code load} cannot read: not a tar (nor a gzip-, zstd-, xz- or bzip2-compressed one), truncated,
 * holding neither {@code manifest.json} nor {@code index.json}, or lacking a file its manifests
 * name. Content that is there but does not match its digest is a {@link DigestMismatchException}.
 */
public class InvalidArchiveException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the archive */
    public InvalidArchiveException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the archive
     * @param cause the reader's error
     */
    public InvalidArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
