package dev.jreg.internal.store;

import java.io.IOException;
import java.io.InputStream;

/** A blob's bytes that can be opened again, so a sink may retry, resume or change upload strategy. */
@FunctionalInterface
public interface BlobSource {
    /** Opens the bytes from the start; the caller closes the stream. */
    InputStream open() throws IOException;

    /**
     * Opens the bytes from an offset, to resume; a source that cannot seek starts over and says
     * so with offset 0.
     */
    default BlobRange openFrom(long offset) throws IOException {
        return new BlobRange(open(), 0);
    }

    /**
     * Told once when the sink waits for another writer of the same blob (another process
     * downloading it into the same store) before it can take the blob from there or write it.
     */
    default void waiting() {
    }
}
