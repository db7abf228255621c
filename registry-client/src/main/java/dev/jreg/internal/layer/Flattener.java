package dev.jreg.internal.layer;

import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.fs.LinkResolver;
import dev.jreg.internal.store.HashingOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The filesystem an image's layers give when applied in order (OCI image spec, "Applying
 * Changesets"), as the entries of one layer, written as one tar stream without unpacking anything:
 * what {@link LayerApplier} would leave on disk, with the same rules ({@link ChangesetRules}: the
 * same entries refused with the same messages, {@code ..} included, paths resolved through the
 * layers' symbolic links as the applier resolves them). No whiteout is left; each path has the
 * entry of the top-most layer that wrote it (a directory written again keeps what it holds and
 * takes the new entry's metadata); a directory that entries needed and none describes is mode
 * 0755, owner 0:0, time 0. The entries come in {@link LayerEntry#PATH_ORDER}, so the stream's
 * bytes depend on the layers alone.
 *
 * <p>Hard links stay valid whatever later layers did to their names: the paths that share a file
 * (a hard link shares the file its target held when the link was made, as on disk) are written as
 * that file at the first of them in path order, with its content, and hard links to it at the
 * others; a file whose first name a later layer deleted or replaced keeps its content at the names
 * that remain.
 *
 * <p>Two passes, each reading every layer at most once: {@link #read} reads the headers of every
 * layer, lowest first, and keeps in memory one header per path, never content, deciding which
 * entry of which layer each path takes; {@link #write} reads the layers again, all at once, each
 * forward only, taking each file's content from its layer as the output reaches it. A layer whose
 * entries are in path order, as tools that walk directories in name order write them (jreg,
 * docker, containerd), is read once through in step with the output. An entry that a layer holds out of path order is reached
 * before the output needs it: its content, and only such content, goes to a temp file (mode 0600,
 * deleted at the end) until it is written.
 */
public final class Flattener {
    private static final int BUFFER = 256 * 1024;
    private static final int IMPLICIT_DIRECTORY_MODE = 0755;

    private final List<Source> layers;
    private final LayerLimits limits;
    /** Each path of the filesystem the layers give, with what it holds: what {@link #select} chooses from. */
    private final SortedMap<String, Node> nodes;
    private final List<LayerEntry> entries;
    /** Each file of the output that has content: the node whose entry, in its layer, holds it. */
    private final Map<String, Node> origins;
    /** By layer: the positions of entries whose content is reached before the output needs it. */
    private final BitSet[] spooled;
    /** By layer: the last position whose content the output needs, or -1. */
    private final int[] lastNeeded;

    /**
     * A layer to flatten.
     *
     * @param name how errors name it: its digest ({@code sha256:…})
     * @param blob its bytes, compressed or not, opened once by {@link #read} and at most once by
     *     each {@link #write}
     */
    public record Source(String name, Blob blob) {
        public Source {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(blob, "blob");
        }
    }

    /** Opens a layer's bytes from their start. */
    @FunctionalInterface
    public interface Blob {
        InputStream open() throws IOException;
    }

    /** What a path holds: an entry as its layer gave it, and where; a hard link shares its target's node. */
    static final class Node {
        final LayerEntry entry;
        final int layer;
        final int position;

        Node(LayerEntry entry, int layer, int position) {
            this.entry = entry;
            this.layer = layer;
            this.position = position;
        }
    }

    /** An entry of the output, at its path there, and the node whose file it is. */
    private record Placed(LayerEntry entry, Node node) {
    }

    private Flattener(List<Source> layers, LayerLimits limits, SortedMap<String, Node> nodes, List<LayerEntry> entries,
            Map<String, Node> origins, BitSet[] spooled, int[] lastNeeded) {
        this.layers = layers;
        this.limits = limits;
        this.nodes = nodes;
        this.entries = entries;
        this.origins = origins;
        this.spooled = spooled;
        this.lastNeeded = lastNeeded;
    }

    /**
     * Reads the headers of every layer, lowest first, each blob read to its end (so that a
     * source that checks a blob's digest at its end does), and decides what the flattened
     * filesystem holds.
     *
     * @param layers the image's layers, base first
     * @param limits the entries the layers may hold and the bytes their files may hold, counted as
     *     an unpack counts them: every file of every layer, from its header
     * @throws InvalidContentException when a layer cannot be read or holds an entry refused, or
     *     the layers exceed the limits
     * @throws IOException from a blob's stream, as it was thrown
     */
    public static Flattener read(List<Source> layers, LayerLimits limits) throws IOException {
        Tree tree = new Tree(limits);
        for (int i = 0; i < layers.size(); i++) {
            Source layer = layers.get(i);
            tree.index = i;
            try (InputStream blob = layer.blob().open()) {
                tree.applyLayer(layer.name(), blob);
                blob.transferTo(OutputStream.nullOutputStream());
            }
        }
        List<Placed> placed = new ArrayList<>(tree.nodes.size());
        tree.nodes.forEach((path, node) -> placed.add(new Placed(at(node.entry, path), node)));
        placed.sort(Comparator.comparing(each -> each.entry().path(), LayerEntry.PATH_ORDER));
        return plan(List.copyOf(layers), limits, tree.nodes, tree.rootEntry, placed);
    }

    /** The entry at another path, all else kept. */
    private static LayerEntry at(LayerEntry e, String path) {
        return e.path().equals(path) ? e : new LayerEntry(path, e.type(), e.mode(), e.uid(), e.gid(), e.mtime(), e.size(),
                e.linkName(), e.xattrs(), e.devMajor(), e.devMinor());
    }

    /**
     * Part of the flattened filesystem, placed elsewhere: what {@code COPY --from} takes from an
     * image and {@code ADD} from an archive. {@code placement} is given each path's entry as the
     * flattened filesystem holds it — every name of a hard-linked file as the file itself, at its
     * own path, the root's own entry left out — and returns the entry to write instead (another
     * path, owner or mode), or null to leave it out. The result holds the entries placed, in
     * {@link LayerEntry#PATH_ORDER} of their new paths, the names of one file after the first as
     * hard links to it; its files' contents are read from the layers as {@link #write} reads them.
     *
     * @throws IllegalArgumentException when two paths are placed at one
     */
    public Flattener select(Function<LayerEntry, LayerEntry> placement) throws InvalidContentException {
        Map<String, Placed> chosen = new TreeMap<>(LayerEntry.PATH_ORDER);
        nodes.forEach((path, node) -> {
            LayerEntry placed = placement.apply(at(node.entry, path));
            if (placed != null && chosen.put(placed.path(), new Placed(placed, node)) != null) {
                throw new IllegalArgumentException("two paths would be placed at " + placed.path());
            }
        });
        return plan(layers, limits, nodes, null, new ArrayList<>(chosen.values()));
    }

    /**
     * The entries in output order, the files' hard links to their first names, and where each
     * content is read.
     *
     * @param root the root's own entry, written first, or null
     * @param placed the output's entries, in path order
     */
    private static Flattener plan(List<Source> layers, LayerLimits limits, SortedMap<String, Node> nodes,
            LayerEntry root, List<Placed> placed) throws InvalidContentException {
        List<LayerEntry> entries = new ArrayList<>(placed.size() + 1);
        if (root != null) {
            entries.add(root);
        }
        Map<Node, String> firstNames = new IdentityHashMap<>();
        Map<String, Node> origins = new HashMap<>();
        List<List<int[]>> needs = new ArrayList<>();
        layers.forEach(layer -> needs.add(new ArrayList<>()));
        for (Placed each : placed) {
            Node node = each.node();
            LayerEntry e = each.entry();
            String path = e.path();
            String first = e.type() == LayerEntry.Type.DIRECTORY ? null : firstNames.putIfAbsent(node, path);
            if (first != null) {
                entries.add(new LayerEntry(path, LayerEntry.Type.HARDLINK, e.mode(), e.uid(), e.gid(), e.mtime(), 0, first,
                        Map.of(), 0, 0));
                continue;
            }
            if (e.type() == LayerEntry.Type.FILE && e.size() > 0) {
                origins.put(path, node);
                needs.get(node.layer).add(new int[] {node.position, entries.size()});
            }
            entries.add(e);
        }
        BitSet[] spooled = new BitSet[layers.size()];
        int[] lastNeeded = new int[layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            spooled[i] = new BitSet();
            lastNeeded[i] = outOfOrder(needs.get(i), spooled[i]);
        }
        return new Flattener(layers, limits, nodes, List.copyOf(entries), origins, spooled, lastNeeded);
    }

    /**
     * Marks the contents of one layer that its reader passes before the output needs them: those
     * with a later position in the layer needed earlier in the output.
     *
     * @param needs position in the layer and index in the output of each content the layer gives
     * @return the last position needed, or -1
     */
    private static int outOfOrder(List<int[]> needs, BitSet spooled) {
        needs.sort((a, b) -> Integer.compare(b[0], a[0]));
        int firstOutputAfter = Integer.MAX_VALUE;
        for (int[] need : needs) {
            if (firstOutputAfter < need[1]) {
                spooled.set(need[0]);
            }
            firstOutputAfter = Math.min(firstOutputAfter, need[1]);
        }
        return needs.isEmpty() ? -1 : needs.get(0)[0];
    }

    /** The flattened filesystem's entries, in {@link LayerEntry#PATH_ORDER}: the root's own first where a layer gave one. */
    public List<LayerEntry> entries() {
        return entries;
    }

    /**
     * Writes the flattened filesystem as one layer, reading the layers again, each forward only.
     *
     * @param writer how: compression, clamp, times ({@link LayerWriter#withExactTimes()} keeps them as the layers give them)
     * @param out where the layer goes, whose digest and size become the layer's; flushed and left open
     * @throws IOException from a blob's stream, as it was thrown; when a layer no longer holds
     *     what it held on the first read; when the temp file for contents out of order cannot be
     *     written; or from {@code out}
     */
    public WrittenLayer write(LayerWriter writer, HashingOutputStream out) throws IOException {
        try (Contents contents = contents()) {
            return writer.write(entries, contents, out);
        }
    }

    /**
     * The contents of this flattening's files, for a {@link LayerWriter} that writes its
     * {@link #entries} among others: each asked for once, in {@link LayerEntry#PATH_ORDER}, as
     * {@link #write} asks for them. Closing it closes the layers it opened and deletes its temp file.
     */
    public Contents contents() {
        return new Contents();
    }

    /**
     * The contents of one {@link #write}, or of a layer holding this flattening's entries among
     * others: a reader per layer, opened when first needed and closed after its last need.
     */
    public final class Contents implements LayerWriter.Content, Closeable {
        private final Reading[] readings = new Reading[layers.size()];
        private final Map<Long, Long> spoolOffsets = new HashMap<>();
        private final byte[] buffer = new byte[BUFFER];
        private Path spoolFile;
        private FileChannel spool;

        /**
         * Writes the content of one of this flattening's files.
         *
         * @throws IllegalArgumentException for an entry this flattening does not hold with content
         */
        @Override
        public void writeTo(LayerEntry entry, OutputStream tar) throws IOException {
            Node origin = origins.get(entry.path());
            if (origin == null) {
                throw new IllegalArgumentException(entry.path() + " is no file of this flattening with content");
            }
            try {
                if (spooled[origin.layer].get(origin.position)) {
                    fromSpool(key(origin.layer, origin.position), origin.entry.size(), tar);
                    return;
                }
                Reading reading = readings[origin.layer];
                if (reading == null) {
                    reading = new Reading(origin.layer);
                    readings[origin.layer] = reading;
                }
                LayerEntry again = reading.next();
                while (reading.position < origin.position) {
                    if (spooled[origin.layer].get(reading.position)) {
                        toSpool(key(origin.layer, reading.position), reading, again.size());
                    }
                    again = reading.next();
                }
                if (!again.path().equals(origin.entry.path()) || again.size() != origin.entry.size()) {
                    throw new IOException("layer " + reading.name + " changed between its two reads: its entry "
                            + origin.position + " is \"" + Names.quote(again.path()) + "\" of " + again.size()
                            + " bytes, was \"" + Names.quote(origin.entry.path()) + "\" of " + origin.entry.size());
                }
                copy(reading, tar);
                if (origin.position == lastNeeded[origin.layer]) {
                    readings[origin.layer] = null;
                    reading.close();
                }
            } catch (IOException e) {
                throw ChangesetRules.blobFailure(e);
            }
        }

        private static long key(int layer, int position) {
            return (long) layer << 32 | position;
        }

        private void copy(Reading reading, OutputStream to) throws IOException {
            InputStream content = reading.reader.content();
            for (int n = ChangesetRules.read(reading.name, content, buffer); n >= 0;
                    n = ChangesetRules.read(reading.name, content, buffer)) {
                to.write(buffer, 0, n);
            }
        }

        private void toSpool(long key, Reading reading, long size) throws IOException {
            if (spool == null) {
                spoolFile = Files.createTempFile("jreg-flatten-", ".spool");
                spool = FileChannel.open(spoolFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            long offset = spool.size();
            spoolOffsets.put(key, offset);
            copy(reading, new OutputStream() {
                private long at = offset;

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] bytes, int off, int len) throws IOException {
                    ByteBuffer piece = ByteBuffer.wrap(bytes, off, len);
                    while (piece.hasRemaining()) {
                        at += spool.write(piece, at);
                    }
                }
            });
            if (spool.size() - offset != size) {
                throw new IOException("layer " + reading.name + ": entry " + reading.position + " gave "
                        + (spool.size() - offset) + " bytes of its " + size);
            }
        }

        private void fromSpool(long key, long size, OutputStream tar) throws IOException {
            long at = spoolOffsets.remove(key);
            for (long left = size; left > 0;) {
                ByteBuffer piece = ByteBuffer.wrap(buffer, 0, (int) Math.min(buffer.length, left));
                int n = spool.read(piece, at);
                if (n < 0) {
                    throw new IOException(spoolFile + " ended early");
                }
                tar.write(buffer, 0, n);
                at += n;
                left -= n;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                for (Reading reading : readings) {
                    if (reading != null) {
                        reading.close();
                    }
                }
            } finally {
                if (spool != null) {
                    spool.close();
                    Files.deleteIfExists(spoolFile);
                }
            }
        }
    }

    /** One layer read a second time, forward only. */
    private final class Reading implements Closeable {
        final String name;
        final InputStream blob;
        final LayerReader reader;
        /** The position of the entry read last; -1 before the first. */
        int position = -1;

        Reading(int layer) throws IOException {
            this.name = layers.get(layer).name();
            this.blob = layers.get(layer).blob().open();
            LayerReader opened;
            try {
                opened = ChangesetRules.open(name, blob);
            } catch (IOException e) {
                blob.close();
                throw e;
            }
            this.reader = opened;
        }

        LayerEntry next() throws IOException {
            LayerEntry entry = ChangesetRules.next(name, reader);
            if (entry == null) {
                throw new IOException("layer " + name + " changed between its two reads: it ends after "
                        + (position + 1) + " entries");
            }
            position++;
            return entry;
        }

        @Override
        public void close() throws IOException {
            try (blob) {
                reader.close();
            }
        }
    }

    /**
     * The filesystem the layers give, as applied so far: each resolved path's node, in memory; a
     * directory that entries needed and none describes has a node of layer -1.
     */
    static final class Tree extends ChangesetRules {
        final TreeMap<String, Node> nodes = new TreeMap<>();
        LayerEntry rootEntry;
        /** The layer being applied, from 0. */
        int index;
        /** Paths whose bytes {@link #place} keeps, at most {@link #maxKept} each: {@link ImageEntries}' small files. */
        Set<String> kept = Set.of();
        int maxKept;
        /** The bytes kept, by the node that holds them, so that a path replaced since has none. */
        final Map<Node, byte[]> keptContents = new IdentityHashMap<>();
        /** The sizes of every file the layers hold, as an unpack of them writes them. */
        long bytes;
        /** The listing of the layer being applied, while {@link ImageEntries#addAndList} makes one; else null. */
        LayerListing.Builder listing;

        Tree(LayerLimits limits) {
            super(limits);
        }

        @Override
        Supplier<InputStream> entered(LayerEntry entry, Supplier<InputStream> content) throws IOException {
            return listing == null ? content : listing.add(entry, content);
        }

        @Override
        LinkResolver.Stat at(String path) {
            Node node = nodes.get(path);
            return LayerEntry.stat(node == null ? null : node.entry);
        }

        @Override
        Collection<String> children(String dir) {
            List<String> children = new ArrayList<>();
            for (String path : under(nodes.navigableKeySet(), dir)) {
                if (path.indexOf('/', dir.isEmpty() ? 0 : dir.length() + 1) < 0) {
                    children.add(path);
                }
            }
            return children;
        }

        @Override
        void remove(String path) {
            nodes.remove(path);
            under(nodes.navigableKeySet(), path).clear();
        }

        @Override
        void makeDirectory(String path) {
            nodes.put(path, new Node(new LayerEntry(path, LayerEntry.Type.DIRECTORY, IMPLICIT_DIRECTORY_MODE, 0, 0,
                    Instant.EPOCH, 0, "", Map.of(), 0, 0), -1, -1));
        }

        @Override
        void root(LayerEntry entry) {
            rootEntry = entry;
        }

        @Override
        void place(LayerEntry entry, String resolved, Supplier<InputStream> content) throws IOException {
            Node node;
            if (entry.type() == LayerEntry.Type.HARDLINK) {
                node = nodes.get(linkTarget(entry, resolved));
            } else {
                // Counted from the header, before the content is skipped: a bomb is refused at once, as unpack refuses it.
                if (entry.type() == LayerEntry.Type.FILE && entry.size() > limits().maxBytes() - bytes) {
                    throw limits().tooManyBytes(layer());
                }
                bytes += entry.type() == LayerEntry.Type.FILE ? entry.size() : 0;
                node = new Node(entry, index, position());
                if (entry.type() == LayerEntry.Type.FILE && entry.size() <= maxKept && kept.contains(resolved)) {
                    try (InputStream bytes = content.get()) {
                        keptContents.put(node, bytes.readAllBytes());
                    }
                }
            }
            Node existing = nodes.get(resolved);
            // A path without a node has none under it: every node's parent has one.
            if (existing != null && (existing.entry.type() != LayerEntry.Type.DIRECTORY
                    || entry.type() != LayerEntry.Type.DIRECTORY)) {
                remove(resolved);
            }
            // Memory holds each path once: the entry's own where it is the path resolved, as it mostly is.
            String path = resolved.equals(entry.path()) ? entry.path() : resolved;
            nodes.put(path, node);
            wrote(path);
        }
    }
}
