package dev.jreg.internal.layer;

import dev.jreg.error.InvalidContentException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The filesystem an image's layers describe, read from their tar headers alone, nothing written:
 * each path with the entry of the last layer that wrote it (OCI image spec, "Applying
 * Changesets"), as {@link LayerApplier} would leave it, but for paths through symbolic links,
 * which only a real directory resolves. It is what {@link FilesystemDiff#changesWithoutRecord}
 * compares a directory with that jreg did not unpack. Call {@link #add} for each layer in the
 * manifest's order.
 *
 * <p>A whiteout {@code .wh.NAME} removes {@code NAME} and what is under it, an opaque whiteout
 * what lower layers put in its directory, neither what its own layer writes; an entry that is
 * not a directory replaces a lower tree; aufs's other {@code .wh..wh.} names are skipped. An
 * entry that climbs out of the root or holds a NUL is refused, as {@link LayerApplier} refuses it.
 */
public final class ImageEntries {
    private final TreeMap<String, LayerEntry> entries = new TreeMap<>();
    /** The paths whose bytes are kept, and at most how many. */
    private final Set<String> kept;
    private final int maxKept;
    /** The bytes of the kept paths that are files now. */
    private final Map<String, byte[]> contents = new HashMap<>();

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
        this.kept = Set.copyOf(kept);
        this.maxKept = maxKept;
    }

    /**
     * Lays one layer's entries over those of the layers added before, reading its blob to the
     * tar's end.
     *
     * @param layer how errors name the layer: its digest
     * @param blob the layer's bytes, compressed or not ({@link LayerReader}); not closed here
     * @throws InvalidContentException when the layer cannot be read or holds a refused entry
     * @throws IOException from the blob's stream
     */
    public void add(String layer, InputStream blob) throws IOException {
        TreeMap<String, LayerEntry> written = new TreeMap<>();
        Map<String, byte[]> read = new HashMap<>();
        List<String> hidden = new ArrayList<>();
        List<String> emptied = new ArrayList<>();
        LayerReader reader;
        try {
            reader = LayerReader.open(blob);
        } catch (IOException e) {
            throw new InvalidContentException("layer " + layer + " cannot be read: " + e.getMessage(), e);
        }
        for (LayerEntry entry = next(reader, layer); entry != null; entry = next(reader, layer)) {
            String path = entry.path();
            if (ChangesetRules.climbs(path) || path.indexOf('\0') >= 0 || entry.linkName().indexOf('\0') >= 0) {
                throw new InvalidContentException("layer " + layer + ": entry \"" + Names.quote(path)
                        + "\" leaves the root or holds a NUL character");
            }
            String name = entry.name();
            if (path.isEmpty() || ChangesetRules.aufsMetadata(path)) {
                continue;
            }
            if (name.equals(LayerEntry.OPAQUE_WHITEOUT)) {
                emptied.add(ChangesetRules.parentOf(path));
            } else if (name.startsWith(LayerEntry.WHITEOUT_PREFIX)) {
                String parent = ChangesetRules.parentOf(path);
                String target = name.substring(LayerEntry.WHITEOUT_PREFIX.length());
                hidden.add(parent.isEmpty() ? target : parent + "/" + target);
            } else {
                written.put(path, entry);
                if (kept.contains(path) && entry.type() == LayerEntry.Type.FILE && entry.size() <= maxKept) {
                    read.put(path, content(reader, layer));
                }
            }
        }
        emptied.forEach(directory -> below(directory).clear());
        for (String path : hidden) {
            entries.remove(path);
            below(path).clear();
        }
        written.forEach((path, entry) -> {
            if (entry.type() != LayerEntry.Type.DIRECTORY) {
                below(path).clear();
            }
            entries.put(path, entry);
        });
        contents.keySet().removeIf(path -> !entries.containsKey(path) || written.containsKey(path));
        contents.putAll(read);
    }

    private static byte[] content(LayerReader reader, String layer) throws InvalidContentException {
        try (InputStream content = reader.content()) {
            return content.readAllBytes();
        } catch (IOException e) {
            throw new InvalidContentException("layer " + layer + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The bytes of a file kept ({@link #ImageEntries(Set, int)}), or empty when it is none now. */
    public Optional<byte[]> content(String path) {
        return Optional.ofNullable(contents.get(path)).map(byte[]::clone);
    }

    private static LayerEntry next(LayerReader reader, String layer) throws InvalidContentException {
        try {
            return reader.next();
        } catch (IOException e) {
            throw new InvalidContentException("layer " + layer + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** What the layers added so far hold under {@code directory} (the root for ""), as a live view. */
    private SortedMap<String, LayerEntry> below(String directory) {
        // '/' + 1 is '0': the paths that start with "directory/" sort between the two.
        return directory.isEmpty() ? entries : entries.subMap(directory + "/", directory + "0");
    }

    /** Each path the layers added so far describe, with its entry, in path order (the root not included). */
    public SortedMap<String, LayerEntry> entries() {
        return Collections.unmodifiableSortedMap(entries);
    }
}
