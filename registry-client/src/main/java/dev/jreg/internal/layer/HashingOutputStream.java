package dev.jreg.internal.layer;

import dev.jreg.model.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Passes bytes on, hashing them with SHA-256 and counting them as they pass. */
final class HashingOutputStream extends OutputStream {
    private final OutputStream out;
    private final boolean closesOut;
    private final MessageDigest sha256;
    private long count;
    private Digest digest;

    /** @param closesOut whether closing this stream closes {@code out}, or only flushes it (a caller's stream) */
    HashingOutputStream(OutputStream out, boolean closesOut) {
        this.out = out;
        this.closesOut = closesOut;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
            digest = new Digest("sha256", HexFormat.of().formatHex(sha256.digest()));
        }
        return digest;
    }
}
