package dev.jreg.testing;

import com.github.luben.zstd.ZstdOutputStream;
import dev.jreg.model.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Layers for tests, written with Commons Compress's tar writer: entries with exactly the names
 * given (absolute and {@code ..} ones included), PAX headers for long names and large numbers
 * unless GNU long names are asked for.
 */
public final class TarBuilder {
    /** The time of every entry unless a test gives its own. */
    public static final Instant MTIME = Instant.parse("2024-01-02T03:04:05Z");

    private final ByteArrayOutputStream memory;
    private final TarArchiveOutputStream tar;

    /** A layer built in memory, with PAX long names. */
    public TarBuilder() {
        this(new ByteArrayOutputStream(), TarArchiveOutputStream.LONGFILE_POSIX);
    }

    /** A layer written to {@code out} as it is built (closed by {@link #close()}). */
    public TarBuilder(OutputStream out, int longFileMode) {
        this.memory = out instanceof ByteArrayOutputStream bytes ? bytes : null;
        this.tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(longFileMode);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    /** A layer built in memory with GNU long-name entries ({@code ././@LongLink}). */
    public static TarBuilder gnu() {
        return new TarBuilder(new ByteArrayOutputStream(), TarArchiveOutputStream.LONGFILE_GNU);
    }

    /** A header with this name as given, mode, owner 0:0 and {@link #MTIME}. */
    public static TarArchiveEntry header(String name, byte type, int mode) {
        TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
        entry.setMode(mode);
        entry.setLastModifiedTime(FileTime.from(MTIME));
        return entry;
    }

    public TarBuilder dir(String name) {
        return dir(name, 0755);
    }

    public TarBuilder dir(String name, int mode) {
        return add(header(name, TarConstants.LF_DIR, mode), new byte[0]);
    }

    public TarBuilder file(String name, String content) {
        return file(name, content, 0644);
    }

    public TarBuilder file(String name, String content, int mode) {
        return add(header(name, TarConstants.LF_NORMAL, mode), content.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code .wh.}-named entries are empty files, as docker writes them. */
    public TarBuilder whiteout(String name) {
        return file(name, "", 0);
    }

    public TarBuilder symlink(String name, String target) {
        TarArchiveEntry entry = header(name, TarConstants.LF_SYMLINK, 0777);
        entry.setLinkName(target);
        return add(entry, new byte[0]);
    }

    public TarBuilder hardlink(String name, String target) {
        TarArchiveEntry entry = header(name, TarConstants.LF_LINK, 0644);
        entry.setLinkName(target);
        return add(entry, new byte[0]);
    }

    public TarBuilder fifo(String name) {
        return add(header(name, TarConstants.LF_FIFO, 0640), new byte[0]);
    }

    public TarBuilder charDevice(String name, int major, int minor) {
        TarArchiveEntry entry = header(name, TarConstants.LF_CHR, 0666);
        entry.setDevMajor(major);
        entry.setDevMinor(minor);
        return add(entry, new byte[0]);
    }

    /** A file of {@code size} zero bytes, written in pieces. */
    public TarBuilder zeros(String name, long size) {
        TarArchiveEntry entry = header(name, TarConstants.LF_NORMAL, 0644);
        entry.setSize(size);
        try {
            tar.putArchiveEntry(entry);
            byte[] piece = new byte[1 << 16];
            for (long left = size; left > 0; left -= piece.length) {
                tar.write(piece, 0, (int) Math.min(piece.length, left));
            }
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Any header, with its content. */
    public TarBuilder add(TarArchiveEntry entry, byte[] content) {
        try {
            entry.setSize(content.length);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Ends the tar (end-of-archive blocks) and closes what it writes to. */
    public void close() throws IOException {
        tar.close();
    }

    /** The plain tar built in memory. */
    public byte[] tar() {
        try {
            close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return memory.toByteArray();
    }

    public byte[] gzip() {
        return gzip(tar());
    }

    public byte[] zstd() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream zstd = new ZstdOutputStream(out)) {
            zstd.write(tar());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** How errors name a layer: the digest of its bytes. */
    public static String digest(byte[] layer) {
        return Digest.sha256(layer).toString();
    }
}
