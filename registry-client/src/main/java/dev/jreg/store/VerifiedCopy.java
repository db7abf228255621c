package dev.jreg.store;

import dev.jreg.error.DigestMismatchException;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Copies a blob's bytes while hashing them, in one pass, and fails unless size and digest match
 * the descriptor. Reads at most one byte past the promised size, so an endless body ends early.
 */
public final class VerifiedCopy {
    private static final int BUFFER = 256 * 1024;

    private VerifiedCopy() {
    }

    /**
     * @param in the bytes (not closed here)
     * @param out where they go (not closed here)
     * @param blob what they must be
     * @throws DigestMismatchException when they are not; {@code out} then holds unverified bytes
     */
    public static void copy(InputStream in, OutputStream out, Descriptor blob) throws IOException {
        Digest digest = blob.digest();
        MessageDigest hasher = digest.newHasher();
        long limit = blob.size();
        long written = 0;
        byte[] buffer = new byte[BUFFER];
        int n;
        // Full buffers, so each write and hash step covers many socket reads.
        while ((n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, limit - written + 1))) > 0) {
            written += n;
            if (written > limit) {
                throw longer(digest, null, limit);
            }
            hasher.update(buffer, 0, n);
            out.write(buffer, 0, n);
        }
        if (written != limit) {
            throw wrongSize(digest, null, limit, String.valueOf(written));
        }
        Digest actual = digest.withHash(hasher.digest());
        if (!actual.equals(digest)) {
            throw new DigestMismatchException("blob digest mismatch: expected " + digest + ", got " + actual);
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

    /** A blob that went on past its descriptor's size; reading stopped there. */
    public static DigestMismatchException longer(Digest digest, String from, long expected) {
        return wrongSize(digest, from, expected, "more than " + expected);
    }
}
