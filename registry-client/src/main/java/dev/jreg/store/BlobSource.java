package dev.jreg.store;

import java.io.IOException;
import java.io.InputStream;

/** A blob's bytes that can be opened again, so a sink may retry or change upload strategy. */
@FunctionalInterface
public interface BlobSource {
    /** Opens the bytes from the start; the caller closes the stream. */
    InputStream open() throws IOException;
}
