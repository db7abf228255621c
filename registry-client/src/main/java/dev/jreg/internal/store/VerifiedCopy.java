package dev.jreg.internal.store;

import dev.jreg.error.DigestMismatchException;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * The one check of a blob's bytes as they pass, wherever they go (a registry's body into the
 * store, a stored blob to a registry or a file): counted against the descriptor's size, an end
 * before it or a byte past it failing (no more than one byte past it is read, so an endless body
 * ends early), and, when a hash is kept, hashed and checked at the end.
 */
public class VerifiedCopy extends FilterInputStream {
    private final Descriptor blob;
    private final String from;
    private final MessageDigest hasher;
    private final String repair;
    private long done;
    private boolean ended;

    /**
     * @param in the bytes after the blob's first {@code start} (a resumed download)
     * @param from the source, for messages; null where unknown, and then a failed read passes as it is
     * @param hasher the hash of the first {@code start} bytes, checked at the end; null to check the size only
     * @param repair what to do about a stored blob that does not hash to its name; null for other sources
     */
    public VerifiedCopy(InputStream in, Descriptor blob, String from, MessageDigest hasher, String repair, long start) {
        super(in);
        this.blob = blob;
        this.from = from;
        this.hasher = hasher;
        this.repair = repair;
        this.done = start;
    }

    /** The bytes held to the blob's size only. */
    public static VerifiedCopy sized(InputStream in, Descriptor blob, String from, long start) {
        return new VerifiedCopy(in, blob, from, null, null, start);
    }

    /** The bytes held to the blob's size and digest. */
    public static VerifiedCopy hashed(InputStream in, Descriptor blob, String from, String repair) {
        return new VerifiedCopy(in, blob, from, blob.digest().newHasher(), repair, 0);
    }

    /** Copies the whole blob, checked, to {@code out}, which holds unverified bytes when it fails. */
    public static void copy(InputStream in, OutputStream out, Descriptor blob) throws IOException {
        try (VerifiedCopy verified = hashed(in, blob, null, null)) {
            byte[] buffer = new byte[256 * 1024]; // full buffers: each write covers many socket reads
            for (int n; (n = verified.readNBytes(buffer, 0, buffer.length)) > 0;) {
                out.write(buffer, 0, n);
            }
        }
    }

    /** Told after each read, with the bytes of the blob read so far. */
    protected void advanced(long bytes) {
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws IOException {
        int n;
        try {
            n = super.read(buffer, off, (int) Math.min(len, blob.size() - done + 1));
        } catch (DigestMismatchException | Failed e) {
            throw e;
        } catch (IOException e) {
            if (from == null) {
                throw e;
            }
            throw new Failed(sizes(blob.digest(), from, blob.size(), done + ", then the stream failed: " + e.getMessage()), e);
        }
        if (n > 0) {
            if (done + n > blob.size()) {
                throw wrongSize(blob.digest(), from, blob.size(), "more than " + blob.size());
            }
            done += n;
            if (hasher != null) {
                hasher.update(buffer, off, n);
            }
            advanced(done);
        } else if (n < 0 && !ended) {
            // Readers may ask again at the end, so the end is checked once.
            ended = true;
            if (done != blob.size()) {
                throw wrongSize(blob.digest(), from, blob.size(), String.valueOf(done));
            }
            checkDigest();
        }
        return n;
    }

    private void checkDigest() throws DigestMismatchException {
        Digest actual = hasher == null ? blob.digest() : blob.digest().withHash(hasher.digest());
        if (!actual.equals(blob.digest())) {
            throw new DigestMismatchException(repair == null ? "blob digest mismatch: expected " + blob.digest() + ", got "
                    + actual : "blob " + blob.digest() + " from " + from + " is damaged: its bytes hash to " + actual + "; " + repair);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        // Read, not skipped: every byte is counted and hashed.
        return Math.max(0, read(new byte[(int) Math.max(0, Math.min(n, 64 * 1024))]));
    }

    /** A read that failed, already reported with the blob and the bytes that came. */
    private static final class Failed extends IOException {
        Failed(String message, IOException cause) {
            super(message, cause);
        }
    }

    /**
     * The one shape in which every copy reports a blob of the wrong size, whichever way it goes:
     * {@code blob sha256:… from SOURCE: expected 21 bytes, got 16}.
     *
     * @param from where the bytes came from, or null where that is not known
     * @param got what arrived: a byte count, possibly followed by why it stopped
     */
    public static String sizes(Digest digest, String from, long expected, String got) {
        return "blob " + digest + (from != null ? " from " + from : "") + ": expected " + expected + " bytes, got " + got;
    }

    /** A blob whose size is not its descriptor's (exit code 6 in the command line), worded by {@link #sizes}. */
    public static DigestMismatchException wrongSize(Digest digest, String from, long expected, String got) {
        return new DigestMismatchException(sizes(digest, from, expected, got));
    }
}
