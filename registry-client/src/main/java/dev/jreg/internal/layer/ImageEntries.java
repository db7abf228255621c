package dev.jreg.internal.layer;

import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.store.HashingOutputStream;
import dev.jreg.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The filesystem an image's layers describe, read from their tar headers alone, nothing written:
 * each path with the entry of the last layer that wrote it (OCI image spec, "Applying
 * Changesets"), as {@link LayerApplier} would leave it, with the same rules ({@link
 * ChangesetRules}: the same entries refused, paths resolved through the layers' symbolic links).
 * It is what {@link FilesystemDiff#changesWithoutRecord} compares a directory with that jreg did
 * not unpack. Call {@link #add} for each layer in the manifest's order.
 *
 * <p>Hard links are as on disk, whatever later layers did to their names: the paths that share a
 * file are that file at the first of them in path order and hard links to it at the others, so a
 * link whose first name a later layer replaced or deleted keeps the file it was made to.
 */
public final class ImageEntries {
    private final Flattener.Tree tree = new Flattener.Tree(LayerLimits.DEFAULT);
    private int layers;

    /** Entries alone. */
    public ImageEntries() {
        this(Set.of(), 0);
    }

    /**
     * Entries, and the bytes of a few small files as the top-most layer writing them holds them
     * ({@code etc/passwd} and {@code etc/group}, whose names a build resolves owners with).
     *
     * @param kept the paths, in {@link LayerEntry#path()}'s form
     * @param maxKept the most bytes kept of each; a larger file's are not
     */
    public ImageEntries(Set<String> kept, int maxKept) {
        tree.kept = Set.copyOf(kept);
        tree.maxKept = maxKept;
    }

    /** Opens a layer's bytes from their start. */
    @FunctionalInterface
    public interface Layers {
        /** @param index the layer's place in the order {@link #add} took them, from 0 */
        InputStream open(int index) throws IOException;
    }

    /**
     * Lays one layer's entries over those of the layers added before, reading its blob to its end.
     *
     * @param layer how errors name the layer: its digest
     * @param blob the layer's bytes, compressed or not ({@link LayerReader}); not closed here
     * @throws InvalidContentException when the layer cannot be read or holds a refused entry
     * @throws IOException from the blob's stream
     */
    public void add(String layer, InputStream blob) throws IOException {
        tree.index = layers++;
        tree.applyLayer(layer, blob);
        blob.transferTo(OutputStream.nullOutputStream());
    }

    /**
     * As {@link #add(String, InputStream)}, and returns the layer's listing, which {@link
     * #add(String, LayerListing)} takes instead of the blob the next time.
     */
    public LayerListing addAndList(String layer, InputStream blob) throws IOException {
        tree.listing = new LayerListing.Builder(LayerListing.names(tree.kept), tree.maxKept);
        try {
            add(layer, blob);
            return tree.listing.build();
        } finally {
            tree.listing = null;
        }
    }

    /**
     * Lays one layer's entries over those of the layers added before, from its listing: the
     * same as adding its blob.
     *
     * @param listing what {@link #addAndList} gave for the layer, by an {@code ImageEntries}
     *     keeping the same files or more
     * @throws IllegalArgumentException when the listing lacks bytes this one keeps
     * @throws InvalidContentException as {@link #add(String, InputStream)} throws it
     */
    public void add(String layer, LayerListing listing) throws IOException {
        if (!listing.keeps(tree.kept, tree.maxKept)) {
            throw new IllegalArgumentException("the listing of " + layer + " keeps fewer files' bytes than these entries");
        }
        tree.index = layers++;
        tree.applyListing(layer, listing);
    }

    /** The bytes of a file kept ({@link #ImageEntries(Set, int)}), or empty when it is none now. */
    public Optional<byte[]> content(String path) {
        Flattener.Node node = tree.nodes.get(path);
        return Optional.ofNullable(node == null ? null : tree.keptContents.get(node)).map(byte[]::clone);
    }

    /**
     * Each path the layers added so far describe, with its entry, in path order (the root, and
     * directories that only paths below them imply, not included).
     */
    public SortedMap<String, LayerEntry> entries() {
        SortedMap<String, LayerEntry> entries = new TreeMap<>();
        Map<Flattener.Node, String> firstNames = new IdentityHashMap<>();
        List<String> paths = new ArrayList<>(tree.nodes.keySet());
        paths.sort(LayerEntry.PATH_ORDER);
        for (String path : paths) {
            Flattener.Node node = tree.nodes.get(path);
            LayerEntry e = node.entry;
            String first = e.type() == LayerEntry.Type.DIRECTORY ? null : firstNames.putIfAbsent(node, path);
            if (node.layer < 0) {
                continue;
            }
            entries.put(path, first != null
                    ? new LayerEntry(path, LayerEntry.Type.HARDLINK, e.mode(), e.uid(), e.gid(), e.mtime(), 0, first,
                            Map.of(), 0, 0)
                    : new LayerEntry(path, e.type(), e.mode(), e.uid(), e.gid(), e.mtime(), e.size(), e.linkName(),
                            e.xattrs(), e.devMajor(), e.devMinor()));
        }
        return Collections.unmodifiableSortedMap(entries);
    }

    /**
     * The SHA-256 of the content of the files at these paths, each streamed from the layer that
     * holds it: only those layers are read again, each once and only as far as the last file
     * needed. A path that is no file of the layers has none.
     *
     * @param paths resolved paths, as {@link #entries()} gives them
     * @param blobs the layers {@link #add} took, each the same bytes again
     * @throws IOException when a layer cannot be read, or from a blob's stream
     */
    public Map<String, Digest> digests(Collection<String> paths, Layers blobs) throws IOException {
        // By layer, by the entry's position in it: the paths whose bytes it holds.
        Map<Integer, Map<Integer, List<String>>> wanted = new TreeMap<>();
        for (String path : paths) {
            Flattener.Node node = tree.nodes.get(path);
            if (node != null && node.layer >= 0 && node.entry.type() == LayerEntry.Type.FILE) {
                wanted.computeIfAbsent(node.layer, layer -> new HashMap<>())
                        .computeIfAbsent(node.position, position -> new ArrayList<>()).add(path);
            }
        }
        Map<String, Digest> digests = new HashMap<>();
        for (Map.Entry<Integer, Map<Integer, List<String>>> layer : wanted.entrySet()) {
            Map<Integer, List<String>> positions = layer.getValue();
            try (InputStream blob = blobs.open(layer.getKey()); LayerReader reader = LayerReader.open(blob)) {
                for (int position = 0; !positions.isEmpty() && reader.next() != null; position++) {
                    List<String> at = positions.remove(position);
                    if (at != null) {
                        HashingOutputStream hashed = HashingOutputStream.over(OutputStream.nullOutputStream());
                        reader.content().transferTo(hashed);
                        Digest digest = hashed.digest();
                        at.forEach(path -> digests.put(path, digest));
                    }
                }
            }
        }
        return digests;
    }
}
