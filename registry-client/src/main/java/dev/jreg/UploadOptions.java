package dev.jreg;

/**
 * How blobs are uploaded.
 *
 * @param chunkSize 0 for one monolithic PUT per blob (the default, and what every registry
 *     handles best); otherwise PATCH chunks of this many bytes, raised to the registry's
 *     {@code OCI-Chunk-Min-Length} when it states one
 */
public record UploadOptions(long chunkSize) {
    /** The largest chunk, in bytes: the most memory one chunk may take, whatever a registry asks for. */
    public static final long MAX_CHUNK = 256L * 1024 * 1024;

    /** Validates. */
    public UploadOptions {
        if (chunkSize < 0 || chunkSize > MAX_CHUNK) {
            throw new IllegalArgumentException(
                    "chunk size must be 0 (one upload per blob) or between 1 byte and 256 MiB");
        }
    }

    /** Monolithic uploads. */
    public static UploadOptions monolithic() {
        return new UploadOptions(0);
    }
}
