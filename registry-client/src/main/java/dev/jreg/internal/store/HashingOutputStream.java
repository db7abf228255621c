package dev.jreg.internal.store;

import dev.jreg.model.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * An output stream that hashes (SHA-256) and counts the bytes written to it, as they reach where
 * they go: the digest and size of content known only once it is written — a layer being made, its
 * uncompressed tar stream (the diff ID). The store's ingest of a new blob is one, hashing exactly
 * the bytes that reach its temp file, so that whoever writes a blob into it takes the digest from
 * there rather than hashing the bytes a second time.
 */
public abstract class HashingOutputStream extends OutputStream {
    /** The empty content's digest, whose algorithm gives hashers and digests of it. */
    protected static final Digest SHA256 = Digest.sha256(new byte[0]);

    /**
     * The bytes written so far.
     */
    public abstract long size();

    /**
     * The SHA-256 of every byte written. Asking for it completes the content: what is buffered is
     * passed on first, and nothing more may be written.
     *
     * @throws IOException when the bytes buffered cannot be passed on
     */
    public abstract Digest digest() throws IOException;

    /**
     * A stream that passes bytes on to {@code out} as they come, hashing and counting them.
     *
     * @param closesOut whether closing this stream closes {@code out}, or only flushes it (a
     *     caller's stream)
     */
    public static HashingOutputStream over(OutputStream out, boolean closesOut) {
        return new PassingOn(out, closesOut);
    }

    private static final class PassingOn extends HashingOutputStream {
        private final OutputStream out;
        private final boolean closesOut;
        private final MessageDigest sha256 = SHA256.newHasher();
        private long count;
        private Digest digest;

        PassingOn(OutputStream out, boolean closesOut) {
            this.out = out;
            this.closesOut = closesOut;
        }

        @Override
        public void write(int b) throws IOException {
            requireOpen();
            sha256.update((byte) b);
            count++;
            out.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            requireOpen();
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

        @Override
        public long size() {
            return count;
        }

        private void requireOpen() {
            if (digest != null) {
                throw new IllegalStateException("the content was complete when its digest was taken");
            }
        }

        @Override
        public Digest digest() {
            if (digest == null) {
                digest = SHA256.withHash(sha256.digest());
            }
            return digest;
        }
    }
}
