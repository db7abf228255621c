package dev.jreg.internal.layer;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Reads a layer blob as its tar entries, one at a time, in one pass and without holding the layer
 * (OCI image spec, "Image Layer Filesystem Changeset"). The compression is told from the first
 * bytes, not from a media type: gzip ({@code 1f 8b}), zstd ({@code 28 b5 2f fd}), else a plain
 * tar. Tar is read by Commons Compress: ustar, PAX (long names and links, large ids and sizes,
 * sub-second times, {@code SCHILY.xattr.} records) and GNU long names. Names and link targets are
 * UTF-8, whatever the platform's encoding, from their bytes in the header or the PAX record; one
 * whose bytes are not UTF-8 is refused, since no Java file name would write it as it is.
 *
 * <p>Paths are given in {@link LayerEntry#path()}'s form, as tar readers take them relative to the
 * root: leading {@code /} and {@code ./}, doubled {@code /}, {@code .} components and a trailing
 * {@code /} are dropped, and {@code ..} is resolved against the components before it (Go's
 * {@code path.Clean}, as containerd reads names). A path that climbs above the root keeps its
 * leading {@code ..} components ({@code ../x}), for the reader's caller to refuse; a hard link's
 * target is cleaned the same way, a symbolic link's target is kept as written.
 *
 * <p>The blob is read only as far as the tar's end-of-archive blocks. A tar header record (PAX,
 * GNU long name) larger than {@value #MAX_HEADER_RECORD} bytes is refused, since Commons Compress
 * holds one in memory. Errors are {@link IOException}s whose message says what is wrong with the
 * stream; the caller adds which layer it was.
 */
public final class LayerReader implements Closeable {
    /** Far above any real path, link or xattr set; what a PAX or GNU header entry may hold. */
    static final int MAX_HEADER_RECORD = 1 << 20;
    private static final String XATTR_PREFIX = "SCHILY.xattr.";
    private static final int BUFFER = 64 * 1024;
    /**
     * How header names are read: a character a byte, whatever the platform's encoding, so that
     * {@link #utf8} has their bytes.
     */
    private static final String HEADER_ENCODING = StandardCharsets.ISO_8859_1.name();

    private final Compression compression;
    private final GuardedTarStream tar;
    private byte[] skipped;

    private LayerReader(Compression compression, InputStream decompressed) {
        this.compression = compression;
        this.tar = new GuardedTarStream(decompressed);
    }

    /**
     * Opens a layer blob, reading its first bytes to tell how it is compressed.
     *
     * @param blob the blob's bytes from the start; closed by {@link #close()}
     * @throws IOException when the blob cannot be read or its gzip or zstd header is damaged
     */
    public static LayerReader open(InputStream blob) throws IOException {
        BufferedInputStream in = new BufferedInputStream(blob, BUFFER);
        Compression compression = detect(in);
        return new LayerReader(compression, decompressed(in, compression));
    }

    /**
     * A layer blob's tar bytes, uncompressed as {@link #open} tells the compression: what its diff
     * ID is the digest of.
     *
     * @param blob the blob's bytes from the start; closed when the result is
     * @throws IOException when the blob cannot be read or its gzip or zstd header is damaged
     */
    public static InputStream uncompressed(InputStream blob) throws IOException {
        BufferedInputStream in = new BufferedInputStream(blob, BUFFER);
        return decompressed(in, detect(in));
    }

    /** The compression the first bytes tell, the stream left where it was. */
    private static Compression detect(BufferedInputStream in) throws IOException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        return detect(magic);
    }

    private static InputStream decompressed(BufferedInputStream in, Compression compression) throws IOException {
        return switch (compression) {
            case GZIP -> new GZIPInputStream(in, BUFFER);
            case ZSTD -> new BufferedInputStream(new ZstdInputStream(in), BUFFER);
            case NONE -> in;
        };
    }

    static Compression detect(byte[] magic) {
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return Compression.GZIP;
        }
        if (magic.length >= 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            return Compression.ZSTD;
        }
        return Compression.NONE;
    }

    /** How the blob is compressed. */
    public Compression compression() {
        return compression;
    }

    /**
     * The next entry, or null after the last. Whatever of the previous entry's content was not
     * read is skipped.
     *
     * @throws IOException when the tar is damaged or truncated, or an entry's type is not one a
     *     layer holds (a tape volume label, a multi-volume continuation)
     */
    public LayerEntry next() throws IOException {
        if (tar.getCurrentEntry() != null) {
            // Commons Compress would skip it through a new 8 KB array per read: garbage as large as the content.
            if (skipped == null) {
                skipped = new byte[BUFFER];
            }
            while (tar.read(skipped, 0, skipped.length) >= 0) {
                // skipped
            }
        }
        tar.pax.reset();
        TarArchiveEntry entry = tar.getNextEntry();
        return entry == null ? null : entry(entry, tar.pax.toByteArray());
    }

    /**
     * The content of the entry {@link #next()} gave last: {@link LayerEntry#size()} bytes for a
     * {@link LayerEntry.Type#FILE}, none for others. Closing it does not close the layer.
     */
    public InputStream content() {
        return new EntryContent(tar);
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }

    /** @param pax the entry's own PAX header record, as read; empty without one */
    private static LayerEntry entry(TarArchiveEntry tar, byte[] pax) throws IOException {
        String name = utf8(tar.getName(), paxValue(pax, "path"));
        LayerEntry.Type type = type(tar, name);
        boolean device = type == LayerEntry.Type.CHAR_DEVICE || type == LayerEntry.Type.BLOCK_DEVICE;
        String link = switch (type) {
            case HARDLINK -> clean(utf8(tar.getLinkName(), paxValue(pax, "linkpath")));
            case SYMLINK -> utf8(tar.getLinkName(), paxValue(pax, "linkpath"));
            default -> "";
        };
        return new LayerEntry(clean(name), type, tar.getMode() & 07777, tar.getLongUserId(),
                tar.getLongGroupId(), tar.getLastModifiedTime().toInstant(),
                type == LayerEntry.Type.FILE ? tar.getRealSize() : 0, link, xattrs(tar),
                device ? tar.getDevMajor() : 0, device ? tar.getDevMinor() : 0);
    }

    /**
     * A name as UTF-8 from its bytes: the PAX record's when there is one, else the header's (read
     * one byte a character, {@link #HEADER_ENCODING}).
     *
     * @throws IOException when the bytes are not UTF-8, which a layer's paths are (a PAX record's
     *     by the POSIX spec, a ustar header's as Go and Docker write them): Java's file names are
     *     UTF-8 too, so such a name cannot be written as it is
     */
    private static String utf8(String header, byte[] pax) throws IOException {
        byte[] bytes = pax != null ? pax : header.getBytes(StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("entry \"" + Names.quote(bytes) + "\" has a name that is not UTF-8,"
                    + " which cannot be written as it is");
        }
    }

    /** The value of a record of a PAX header ({@code LENGTH KEY=VALUE\n}, POSIX pax), as bytes; null without it. */
    private static byte[] paxValue(byte[] pax, String key) {
        byte[] value = null;
        int at = 0;
        while (at < pax.length) {
            int space = at;
            while (space < pax.length && pax[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(pax, at, space - at, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                return value; // Commons Compress has refused a malformed record already
            }
            if (length <= space - at || at + length > pax.length) {
                return value;
            }
            String record = new String(pax, space + 1, at + length - space - 2, StandardCharsets.ISO_8859_1);
            if (record.startsWith(key + "=")) {
                value = record.substring(key.length() + 1).getBytes(StandardCharsets.ISO_8859_1);
            }
            at += length;
        }
        return value;
    }

    private static LayerEntry.Type type(TarArchiveEntry tar, String name) throws IOException {
        if (tar.isSymbolicLink()) {
            return LayerEntry.Type.SYMLINK;
        }
        if (tar.isLink()) {
            return LayerEntry.Type.HARDLINK;
        }
        if (tar.isCharacterDevice()) {
            return LayerEntry.Type.CHAR_DEVICE;
        }
        if (tar.isBlockDevice()) {
            return LayerEntry.Type.BLOCK_DEVICE;
        }
        if (tar.isFIFO()) {
            return LayerEntry.Type.FIFO;
        }
        if (tar.isDirectory()) {
            return LayerEntry.Type.DIRECTORY;
        }
        byte flag = tar.getLinkFlag();
        if (flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM || flag == TarConstants.LF_CONTIG
                || flag == TarConstants.LF_GNUTYPE_SPARSE) {
            return LayerEntry.Type.FILE;
        }
        throw new IOException("entry \"" + Names.quote(name) + "\" has tar type '" + Names.quote(
                String.valueOf((char) flag)) + "', which a layer does not hold");
    }

    private static Map<String, String> xattrs(TarArchiveEntry tar) {
        Map<String, String> xattrs = new TreeMap<>();
        for (Map.Entry<String, String> header : tar.getExtraPaxHeaders().entrySet()) {
            if (header.getKey().startsWith(XATTR_PREFIX)) {
                xattrs.put(header.getKey().substring(XATTR_PREFIX.length()), header.getValue());
            }
        }
        return xattrs;
    }

    /**
     * A tar name in {@link LayerEntry#path()}'s form, resolved lexically as Go's {@code path.Clean}
     * does for a relative path: {@code ..} removes the component before it, and those that climb
     * above the root are kept at the front.
     */
    public static String clean(String name) {
        Deque<String> kept = new ArrayDeque<>();
        int climbs = 0;
        for (String component : name.split("/")) {
            if (component.isEmpty() || component.equals(".")) {
                continue;
            }
            if (!component.equals("..")) {
                kept.addLast(component);
            } else if (kept.isEmpty()) {
                climbs++;
            } else {
                kept.removeLast();
            }
        }
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < climbs; i++) {
            path.append(path.isEmpty() ? "" : "/").append("..");
        }
        for (String component : kept) {
            path.append(path.isEmpty() ? "" : "/").append(component);
        }
        return path.toString();
    }

    /**
     * Commons Compress reads a PAX or GNU long-name record whole into memory: one is refused when
     * it is larger than {@link #MAX_HEADER_RECORD}, before its bytes are read, so that a small
     * compressed layer cannot exhaust the heap.
     */
    private static final class GuardedTarStream extends TarArchiveInputStream {
        /**
         * The bytes of the PAX header record read last: Commons Compress decodes its values as
         * UTF-8 and would replace bytes that are not, so a name is decoded again from them.
         */
        final ByteArrayOutputStream pax = new ByteArrayOutputStream();

        GuardedTarStream(InputStream in) {
            super(in, HEADER_ENCODING);
        }

        @Override
        public int read(byte[] buf, int offset, int length) throws IOException {
            TarArchiveEntry current = getCurrentEntry();
            if (current != null && current.getSize() > MAX_HEADER_RECORD && (current.isPaxHeader()
                    || current.isGlobalPaxHeader() || current.isGNULongNameEntry() || current.isGNULongLinkEntry())) {
                throw new IOException("a tar header record of " + current.getSize() + " bytes, more than the "
                        + MAX_HEADER_RECORD + " a layer's may hold");
            }
            int read = super.read(buf, offset, length);
            if (read > 0 && current != null && current.isPaxHeader() && !current.isGlobalPaxHeader()) {
                pax.write(buf, offset, read);
            }
            return read;
        }
    }

    /** One entry's content: reads end at the entry's end, and closing leaves the tar open. */
    private static final class EntryContent extends InputStream {
        private final InputStream tar;

        EntryContent(InputStream tar) {
            this.tar = tar;
        }

        @Override
        public int read() throws IOException {
            return tar.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return tar.read(b, off, len);
        }
    }
}
