package dev.jreg.internal.layer;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.jreg.internal.store.HashingOutputStream;
import dev.jreg.model.Digest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a layer (OCI image spec, "Image Layer Filesystem Changeset") into a stream in one pass:
 * a POSIX tar stream (ustar headers; PAX records for names of 100 bytes or more or not ASCII,
 * numbers a header cannot hold and extended attributes, as {@code SCHILY.xattr.NAME}),
 * compressed or not, while hashing the tar bytes (the diff ID). The digest and size of the bytes
 * written are those of the {@link HashingOutputStream} written into: the store's ingest of a new
 * blob hashes what reaches its temp file, and that one hash is the layer's digest (without
 * compression, its diff ID too). Each file is read once, as its entry is written; no layer or file
 * is held in memory.
 *
 * <p>The same entries give the same bytes, whoever writes them and wherever their files lie:
 * entries in {@link LayerEntry#PATH_ORDER} whatever order they come in; numeric owners only, no
 * user or group names; modification times to the second and, given a clamp
 * ({@code SOURCE_DATE_EPOCH}, {@code --timestamp}), none later than it; no access or change
 * times; the JDK's gzip header, which holds no file name, modification time 0 and operating system
 * 255 (unknown), as Go's gzip writes it. As docker and containerd write layers, a directory's name
 * ends with {@code /}, the mode field holds permission bits only, and the stream ends with two zero
 * records, unpadded. Defaults: gzip level 6 ({@link #DEFAULT_GZIP_LEVEL}), zstd level 3
 * ({@link #DEFAULT_ZSTD_LEVEL}), which are what containerd, docker and BuildKit compress with when
 * not told otherwise. Compressed bytes depend on the compression library's version (zlib,
 * libzstd) as they do for those tools; the diff ID does not. The root's own entry (path
 * {@code ""}) is written {@code ./}. {@link #withExactTimes()} keeps the times of entries read
 * from other layers (a flattened image) to the nanosecond, in a PAX record where they have a
 * fraction of a second.
 */
public final class LayerWriter {
    /** gzip's level unless one is chosen: zlib's and Go's default, which containerd, docker and BuildKit use. */
    public static final int DEFAULT_GZIP_LEVEL = 6;
    /** zstd's level unless one is chosen: zstd's own default, which containerd and BuildKit use. */
    public static final int DEFAULT_ZSTD_LEVEL = 3;
    private static final int BUFFER = 256 * 1024;
    private static final int GZIP_BUFFER = 64 * 1024;

    private final Compression compression;
    private final int level;
    private final Optional<Instant> clamp;
    private final boolean exactTimes;

    /**
     * @param compression how the tar stream is compressed
     * @param level gzip's 0 (stored) to 9, or zstd's 1 to 22; not used without compression
     * @param clamp the latest modification time written: later ones are written as this one
     * @throws IllegalArgumentException for a level the compression does not have
     */
    public LayerWriter(Compression compression, int level, Optional<Instant> clamp) {
        this(compression, level, clamp, false);
    }

    private LayerWriter(Compression compression, int level, Optional<Instant> clamp, boolean exactTimes) {
        this.compression = Objects.requireNonNull(compression, "compression");
        this.level = level;
        this.clamp = Objects.requireNonNull(clamp, "clamp");
        this.exactTimes = exactTimes;
        if (compression == Compression.GZIP && (level < 0 || level > 9)) {
            throw new IllegalArgumentException("gzip compression levels are 0 to 9, not " + level);
        }
        if (compression == Compression.ZSTD && (level < 1 || level > 22)) {
            throw new IllegalArgumentException("zstd compression levels are 1 to 22, not " + level);
        }
    }

    /** A writer at the compression's default level. */
    public static LayerWriter of(Compression compression, Optional<Instant> clamp) {
        return new LayerWriter(compression, compression == Compression.ZSTD ? DEFAULT_ZSTD_LEVEL : DEFAULT_GZIP_LEVEL,
                clamp);
    }

    /**
     * This writer, keeping modification times to the nanosecond (a fraction of a second in a PAX
     * {@code mtime} record), as the entries give them, rather than to the second; a clamp still
     * applies. For entries read from layers, which a flattened image must keep as they were.
     */
    public LayerWriter withExactTimes() {
        return new LayerWriter(compression, level, clamp, true);
    }

    /**
     * Writes a layer of these entries into {@code out}, which is flushed and left open, and whose
     * digest and size are the layer's (so its content is complete once this returns). A file is
     * read when its entry is written, {@link LayerEntry#size()} bytes of it.
     *
     * @throws IllegalArgumentException when two entries have one path, or a hard link's target
     *     is a later entry of the layer (a target no entry has is taken to be a lower layer's)
     * @throws IOException when a file cannot be read, or no longer has the size it was listed
     *     with (then what was written is no layer)
     */
    public WrittenLayer write(Collection<SourcedEntry> entries, HashingOutputStream out) throws IOException {
        return write(entries, SourcedEntry::entry, (sourced, tar, buffer) -> copy(sourced.content(),
                sourced.entry().size(), tar, buffer), out);
    }

    /** Where the bytes of the files of a layer come from, as {@link #write(Collection, Content, HashingOutputStream)} writes them. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the {@link LayerEntry#size()} bytes of a {@link LayerEntry.Type#FILE} entry that
         * has some; called once per such entry, in the order the entries are written.
         *
         * @param tar where they go; fewer or more bytes than the size fail the layer
         */
        void writeTo(LayerEntry entry, OutputStream tar) throws IOException;
    }

    /**
     * Writes a layer of these entries into {@code out}, which is flushed and left open, and whose
     * digest and size are the layer's, their files' bytes given by {@code content} as each is
     * written, in {@link LayerEntry#PATH_ORDER}.
     *
     * @throws IllegalArgumentException when two entries have one path, or a hard link's target
     *     is a later entry of the layer (a target no entry has is taken to be a lower layer's)
     * @throws IOException what {@code content} throws, or when it gives a file more or fewer bytes
     *     than its size (then what was written is no layer)
     */
    public WrittenLayer write(Collection<LayerEntry> entries, Content content, HashingOutputStream out)
            throws IOException {
        return write(entries, entry -> entry, (entry, tar, buffer) -> content.writeTo(entry, tar), out);
    }

    /** How a file's bytes reach the tar, through the writer's buffer. */
    @FunctionalInterface
    private interface EntryContent<T> {
        void writeTo(T entry, OutputStream tar, byte[] buffer) throws IOException;
    }

    private <T> WrittenLayer write(Collection<T> entries, Function<T, LayerEntry> entryOf, EntryContent<T> content,
            HashingOutputStream out) throws IOException {
        List<T> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(item -> entryOf.apply(item).path(), LayerEntry.PATH_ORDER));
        // Closing the compressor, after the tar, finishes it and leaves out open (only flushed).
        OutputStream compressed = compression == Compression.NONE ? out : compressor(out);
        // Compressed, the tar bytes are hashed on their way to the compressor; else out's digest is theirs.
        HashingOutputStream tarBytes = compression == Compression.NONE ? null : HashingOutputStream.over(compressed);
        try (compressed; TarArchiveOutputStream tar = new TarArchiveOutputStream(new BufferedOutputStream(
                tarBytes != null ? tarBytes : compressed, BUFFER), StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            byte[] buffer = new byte[BUFFER];
            Set<String> written = new HashSet<>();
            Set<String> paths = new HashSet<>();
            sorted.forEach(item -> paths.add(entryOf.apply(item).path()));
            for (T item : sorted) {
                LayerEntry entry = entryOf.apply(item);
                // A target no entry has is a lower layer's file, as a commit links a new name to one.
                if (entry.type() == LayerEntry.Type.HARDLINK && !written.contains(entry.linkName())
                        && paths.contains(entry.linkName())) {
                    throw new IllegalArgumentException("hard link " + entry.path() + " points at " + entry.linkName()
                            + ", which is not an earlier entry of the layer");
                }
                if (!written.add(entry.path())) {
                    throw new IllegalArgumentException("the layer would hold " + entry.path() + " twice");
                }
                writeEntry(tar, entry);
                if (entry.type() == LayerEntry.Type.FILE && entry.size() > 0) {
                    content.writeTo(item, tar, buffer);
                }
                tar.closeArchiveEntry();
            }
        }
        Digest digest = out.digest();
        return new WrittenLayer(digest, tarBytes == null ? digest : tarBytes.digest(), out.size(),
                compression.ociMediaType());
    }

    private OutputStream compressor(OutputStream out) throws IOException {
        return compression == Compression.GZIP ? new LeveledGzip(out, level) : new ZstdOutputStreamNoFinalizer(out, level);
    }

    private void writeEntry(TarArchiveOutputStream tar, LayerEntry entry) throws IOException {
        String tarName = entry.path().isEmpty() ? "./" : entry.type() == LayerEntry.Type.DIRECTORY ? entry.path() + "/"
                : entry.path();
        TarArchiveEntry header = new TarArchiveEntry(tarName, linkFlag(entry.type()));
        header.setUserName("");
        header.setGroupName("");
        header.setMode(entry.mode() & 07777);
        header.setUserId(entry.uid());
        header.setGroupId(entry.gid());
        Instant mtime = clamp.filter(entry.mtime()::isAfter).orElse(entry.mtime());
        header.setLastModifiedTime(FileTime.from(exactTimes ? mtime : Instant.ofEpochSecond(mtime.getEpochSecond())));
        header.setLinkName(entry.linkName());
        header.setDevMajor(entry.devMajor());
        header.setDevMinor(entry.devMinor());
        new TreeMap<>(entry.xattrs()).forEach((name, value) -> header.addPaxHeader("SCHILY.xattr." + name, value));
        boolean content = entry.type() == LayerEntry.Type.FILE && entry.size() > 0;
        header.setSize(content ? entry.size() : 0);
        tar.putArchiveEntry(header);
    }

    private static byte linkFlag(LayerEntry.Type type) {
        return switch (type) {
            case FILE -> TarConstants.LF_NORMAL;
            case DIRECTORY -> TarConstants.LF_DIR;
            case SYMLINK -> TarConstants.LF_SYMLINK;
            case HARDLINK -> TarConstants.LF_LINK;
            case CHAR_DEVICE -> TarConstants.LF_CHR;
            case BLOCK_DEVICE -> TarConstants.LF_BLK;
            case FIFO -> TarConstants.LF_FIFO;
        };
    }

    /** Copies exactly {@code size} bytes of the file, which must have no more. */
    private static void copy(Path file, long size, OutputStream tar, byte[] buffer) throws IOException {
        try (InputStream in = ClosedDirectories.newInputStream(file)) {
            long left = size;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException(file + " changed while the layer was written: it had " + size
                            + " bytes when listed, " + (size - left) + " now");
                }
                tar.write(buffer, 0, n);
                left -= n;
            }
            if (in.read() >= 0) {
                throw new IOException(file + " changed while the layer was written: it had " + size
                        + " bytes when listed, more now");
            }
        } catch (NoSuchFileException e) {
            throw new IOException(file + " was removed while the layer was written", e);
        }
    }

    /** The JDK's gzip at a chosen level; its header is the fixed ten bytes the class Javadoc names. */
    private static final class LeveledGzip extends GZIPOutputStream {
        LeveledGzip(OutputStream out, int level) throws IOException {
            super(out, GZIP_BUFFER);
            def.setLevel(level);
        }
    }
}
