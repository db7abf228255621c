package dev.jreg.error;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file of the local store (or an OCI layout) could not be written: the disk is full, a file size
 * limit was reached, the device failed. Not a registry's fault, so never retried; the message
 * names the file and gives the system's reason.
 */
public class StoreWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * @param file the file being written
     * @param cause the system's error ({@code No space left on device})
     * @param consequence what became of the file, for the user, or null
     */
    public StoreWriteException(Path file, IOException cause, String consequence) {
        super("cannot write " + file + ": " + cause.getMessage() + (consequence == null ? "" : "; " + consequence), cause);
        this.file = file;
    }

    /** The file being written. */
    public Path file() {
        return file;
    }
}
