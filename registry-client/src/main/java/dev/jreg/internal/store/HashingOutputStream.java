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
 * there rather than hashing the bytes a second time. Closing it flushes it and leaves what it
 * writes to open, so that a compressor or tar writer on top may close it.
 */
public abstract class HashingOutputStream extends OutputStream {
    /** The empty content's digest, whose algorithm gives hashers and digests of it. */
    private static final Digest SHA256 = Digest.sha256(new byte[0]);
    private final MessageDigest sha256 = SHA256.newHasher();
    private long count;
    private Digest digest;

    /** The bytes hashed so far: every byte written, once the digest is taken. */
    public final long size() {
        return count;
    }

    /**
     * The SHA-256 of every byte written. Asking for it completes the content: what is buffered is
     * passed on first ({@link #complete}), and nothing more may be written.
     *
     * @throws IOException when the bytes buffered cannot be passed on
     */
    public final Digest digest() throws IOException {
        if (digest == null) {
            complete();
            digest = SHA256.withHash(sha256.digest());
        }
        return digest;
    }

    /** One byte, as the array writes take it: none of the writers here writes byte by byte. */
    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public abstract void write(byte[] bytes, int offset, int length) throws IOException;

    @Override
    public final void close() throws IOException {
        flush();
    }

    /** Passes on what is buffered, before the digest is taken; nothing to do for a stream that buffers nothing. */
    protected void complete() throws IOException {
    }

    /** Hashes and counts bytes as they reach where they go, each once. */
    protected final void hash(byte[] bytes, int offset, int length) {
        sha256.update(bytes, offset, length);
        count += length;
    }

    /** Refuses a write once the digest is taken. */
    protected final void requireOpen() {
        if (digest != null) {
            throw new IllegalStateException("the content was complete when its digest was taken");
        }
    }

    /** A stream that passes bytes on to {@code out} as they come, hashing and counting them; closing it flushes {@code out}. */
    public static HashingOutputStream over(OutputStream out) {
        return new PassingOn(out);
    }

    private static final class PassingOn extends HashingOutputStream {
        private final OutputStream out;

        PassingOn(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            requireOpen();
            hash(bytes, offset, length);
            out.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
