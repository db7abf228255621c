package dev.jreg.internal.layer;

import dev.jreg.error.InvalidContentException;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * What {@link ImageEntries} needs of a layer, without its blob: the tar's entries in their
 * order, and the bytes of its files whose names a reader keeps ({@code passwd}, {@code group}),
 * so that the files of a base a build reads again and again are read from its blob once.
 *
 * @param entries the layer's entries, in the tar's order
 * @param kept the bytes of the files named in {@code keptNames} of at most {@code maxKept}
 *     bytes, by their position among the entries
 * @param keptNames the last path components whose files' bytes are kept
 * @param maxKept the most bytes kept of a file
 */
public record LayerListing(List<LayerEntry> entries, Map<Integer, byte[]> kept, Set<String> keptNames, int maxKept) {
    private static final int VERSION = 1;
    private static final int MAX_STRING = 1 << 20;

    public LayerListing {
        entries = List.copyOf(entries);
        kept = Map.copyOf(kept);
        keptNames = Set.copyOf(keptNames);
    }

    /** Whether the listing kept the bytes an {@link ImageEntries} keeping {@code paths} needs. */
    public boolean keeps(Set<String> paths, int max) {
        return max <= maxKept && keptNames.containsAll(names(paths));
    }

    static Set<String> names(Set<String> paths) {
        Set<String> names = new TreeSet<>();
        paths.forEach(path -> names.add(path.substring(path.lastIndexOf('/') + 1)));
        return names;
    }

    /** The bytes of the entry at {@code position}, which the listing kept. */
    InputStream content(int position) {
        byte[] bytes = kept.get(position);
        if (bytes == null) {
            throw new UncheckedIOException(new IOException("the layer listing kept no bytes of its entry " + position));
        }
        return new ByteArrayInputStream(bytes);
    }

    /**
     * Writes the listing, gzip'd, to {@code out}, which is left open.
     *
     * @throws IOException from {@code out}
     */
    public void write(OutputStream out) throws IOException {
        GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16);
        DataOutputStream data = new DataOutputStream(gzip);
        data.writeInt(VERSION);
        data.writeInt(maxKept);
        data.writeInt(keptNames.size());
        for (String name : new TreeSet<>(keptNames)) {
            string(data, name);
        }
        data.writeInt(entries.size());
        for (LayerEntry e : entries) {
            string(data, e.path());
            data.writeByte(e.type().ordinal());
            data.writeInt(e.mode());
            data.writeLong(e.uid());
            data.writeLong(e.gid());
            data.writeLong(e.mtime().getEpochSecond());
            data.writeInt(e.mtime().getNano());
            data.writeLong(e.size());
            string(data, e.linkName());
            data.writeInt(e.xattrs().size());
            for (Map.Entry<String, String> xattr : new TreeMap<>(e.xattrs()).entrySet()) {
                string(data, xattr.getKey());
                string(data, xattr.getValue());
            }
            data.writeInt(e.devMajor());
            data.writeInt(e.devMinor());
        }
        data.writeInt(kept.size());
        for (Map.Entry<Integer, byte[]> bytes : new TreeMap<>(kept).entrySet()) {
            data.writeInt(bytes.getKey());
            data.writeInt(bytes.getValue().length);
            data.write(bytes.getValue());
        }
        data.flush();
        gzip.finish();
    }

    private static void string(DataOutputStream data, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        data.writeInt(bytes.length);
        data.write(bytes);
    }

    /**
     * Reads a listing {@link #write} wrote.
     *
     * @throws InvalidContentException when the bytes are not a whole listing of this version
     * @throws IOException from {@code in}
     */
    public static LayerListing read(InputStream in) throws IOException {
        try {
            DataInputStream data = new DataInputStream(new GZIPInputStream(in, 1 << 16));
            if (data.readInt() != VERSION) {
                throw new InvalidContentException("the layer listing has another version");
            }
            int maxKept = data.readInt();
            Set<String> names = new TreeSet<>();
            for (int i = count(data); i > 0; i--) {
                names.add(string(data));
            }
            int size = count(data);
            List<LayerEntry> entries = new ArrayList<>(size);
            LayerEntry.Type[] types = LayerEntry.Type.values();
            for (int i = 0; i < size; i++) {
                String path = string(data);
                int type = data.readUnsignedByte();
                if (type >= types.length) {
                    throw new InvalidContentException("the layer listing is damaged: an entry of no type");
                }
                int mode = data.readInt();
                long uid = data.readLong();
                long gid = data.readLong();
                Instant mtime = Instant.ofEpochSecond(data.readLong(), data.readInt());
                long length = data.readLong();
                String linkName = string(data);
                Map<String, String> xattrs = new HashMap<>();
                for (int x = count(data); x > 0; x--) {
                    xattrs.put(string(data), string(data));
                }
                entries.add(new LayerEntry(path, types[type], mode, uid, gid, mtime, length, linkName, xattrs,
                        data.readInt(), data.readInt()));
            }
            Map<Integer, byte[]> kept = new HashMap<>();
            for (int i = count(data); i > 0; i--) {
                int position = data.readInt();
                int length = data.readInt();
                if (length < 0 || length > maxKept || position < 0 || position >= size) {
                    throw new InvalidContentException("the layer listing is damaged: kept bytes out of range");
                }
                kept.put(position, data.readNBytes(length));
            }
            if (data.read() >= 0) {
                throw new InvalidContentException("the layer listing is damaged: bytes after its end");
            }
            return new LayerListing(entries, kept, names, maxKept);
        } catch (EOFException | java.util.zip.ZipException | IllegalArgumentException | java.time.DateTimeException e) {
            throw new InvalidContentException("the layer listing is damaged: " + e.getMessage());
        }
    }

    private static int count(DataInputStream data) throws IOException {
        int count = data.readInt();
        if (count < 0) {
            throw new InvalidContentException("the layer listing is damaged: a negative count");
        }
        return count;
    }

    private static String string(DataInputStream data) throws IOException {
        int length = data.readInt();
        if (length < 0 || length > MAX_STRING) {
            throw new InvalidContentException("the layer listing is damaged: a string of " + length + " bytes");
        }
        byte[] bytes = data.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException("a string cut short");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A listing made while a layer is read: each entry as it comes, and the bytes it keeps. */
    static final class Builder {
        private final List<LayerEntry> entries = new ArrayList<>();
        private final Map<Integer, byte[]> kept = new HashMap<>();
        private final Set<String> keptNames;
        private final int maxKept;

        Builder(Set<String> keptNames, int maxKept) {
            this.keptNames = Set.copyOf(keptNames);
            this.maxKept = maxKept;
        }

        /** Takes the entry; returns what opens its content for the reader after this listing. */
        Supplier<InputStream> add(LayerEntry entry, Supplier<InputStream> content) throws IOException {
            int position = entries.size();
            entries.add(entry);
            if (entry.type() != LayerEntry.Type.FILE || entry.size() > maxKept || !keptNames.contains(entry.name())) {
                return content;
            }
            byte[] bytes;
            try (InputStream in = content.get()) {
                bytes = in.readAllBytes();
            }
            kept.put(position, bytes);
            return () -> new ByteArrayInputStream(bytes);
        }

        LayerListing build() {
            return new LayerListing(entries, kept, keptNames, maxKept);
        }
    }
}
