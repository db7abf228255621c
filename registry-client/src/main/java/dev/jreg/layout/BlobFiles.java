package dev.jreg.layout;

import dev.jreg.error.StoreWriteException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Opens the store's blob files. Their writes reach the kernel in pieces of at most
 * {@value #WRITE_PIECE} bytes, whatever the caller's buffer: a larger write gets a larger page-cache
 * folio, taken from the kernel's free lists of large blocks rather than its per-CPU lists of small
 * ones. In a VM whose balloon driver reports free memory to the host (common in clouds), those
 * large blocks are the memory the host has taken back, and every first write into them faults in
 * the host: a cold pull of 847 MB over HTTPS took 3.30 s (1.70 s of system time) writing in 256 KB
 * pieces and 2.70 s (0.92 s) in 32 KB ones. Where no memory is reported the smaller pieces cost
 * about 3% more CPU.
 */
final class BlobFiles {
    static final int WRITE_PIECE = 32 * 1024;

    private BlobFiles() {
    }

    /**
     * {@link Files#newOutputStream(Path, OpenOption...)}, writing in pieces. A write that fails (a
     * full disk) is a {@link StoreWriteException} naming the file.
     */
    static OutputStream open(Path file, OpenOption... options) throws IOException {
        return new PieceWrites(file, Files.newOutputStream(file, options));
    }

    static final class PieceWrites extends FilterOutputStream {
        private final Path file;

        PieceWrites(Path file, OutputStream out) {
            super(out);
            this.file = file;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            try {
                for (int done = 0; done < length; done += WRITE_PIECE) {
                    out.write(bytes, offset + done, Math.min(WRITE_PIECE, length - done));
                }
            } catch (ClosedChannelException e) {
                throw e; // the writer was interrupted (a cancelled copy): nothing wrong with the file
            } catch (IOException e) {
                throw new StoreWriteException(file, e, null);
            }
        }
    }
}
