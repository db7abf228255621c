package dev.jreg.store;

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
}
