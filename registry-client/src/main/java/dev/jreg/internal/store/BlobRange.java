package dev.jreg.internal.store;

import java.io.InputStream;

/**
 * A blob's bytes from some offset on.
 *
 * @param stream the bytes
 * @param offset where they start: the offset asked for, or 0 when the source could only start over
 */
public record BlobRange(InputStream stream, long offset) {
}
