package dev.jreg.internal.layer;

import dev.jreg.model.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/** Passes bytes on, hashing them with SHA-256 and counting them as they pass. */
final class HashingOutputStream extends OutputStream {
    /** The empty content's digest, whose algorithm gives hashers and digests of it. */
    private static final Digest SHA256 = Digest.sha256(new byte[0]);
    private final OutputStream out;
    private final boolean closesOut;
    private final MessageDigest sha256 = SHA256.newHasher();
    private long count;
    private Digest digest;

    /** @param closesOut whether closing this stream closes {@code out}, or only flushes it (a caller's stream) */
    HashingOutputStream(OutputStream out, boolean closesOut) {
        this.out = out;
        this.closesOut = closesOut;
    }

    @Override
    public void write(int b) throws IOException {
        sha256.update((byte) b);
        count++;
        out.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        sha256.update(bytes, offset, length);
        count += length;
        out.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closesOut) {
            out.close();
        } else {
            out.flush();
        }
    }

    /** The bytes passed so far. */
    long count() {
        return count;
    }

    /** The SHA-256 of every byte passed; asked once the stream is complete. */
    Digest digest() {
        if (digest == null) {
            digest = SHA256.withHash(sha256.digest());
        }
        return digest;
    }
}
