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
                throw new DigestMismatchException("blob " + digest + " is larger than its descriptor's " + limit + " bytes");
            }
            hasher.update(buffer, 0, n);
            out.write(buffer, 0, n);
        }
        if (written != limit) {
            throw new DigestMismatchException("blob " + digest + " ended after " + written + " of " + limit + " bytes");
        }
        Digest actual = digest.withHash(hasher.digest());
        if (!actual.equals(digest)) {
            throw new DigestMismatchException("blob digest mismatch: expected " + digest + ", got " + actual);
        }
    }
}
