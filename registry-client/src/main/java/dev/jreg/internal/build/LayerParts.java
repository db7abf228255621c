package dev.jreg.internal.build;

import dev.jreg.internal.layer.Flattener;
import dev.jreg.internal.layer.LayerEntry;
import dev.jreg.internal.layer.LayerWriter;
import dev.jreg.internal.layer.WrittenLayer;
import dev.jreg.internal.store.HashingOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The entries of one layer a step writes and where each file's bytes come from — a file on disk,
 * bytes in memory, a flattened image's or archive's files —, written in one pass by a
 * {@link LayerWriter}. An entry put at a path another holds replaces it, as a later source of a
 * {@code COPY} replaces an earlier one's file.
 */
final class LayerParts {
    private final Map<String, Part> parts = new TreeMap<>(LayerEntry.PATH_ORDER);
    private final List<Flattener> flattened = new ArrayList<>();

    /**
     * An entry, and what writes its bytes: {@code content}, or the flattening of that index.
     *
     * @param content null for bytes from a flattening, or for none
     * @param flattening the index of the flattening that holds the bytes, or -1
     */
    private record Part(LayerEntry entry, LayerWriter.Content content, int flattening) {
        Part(LayerEntry entry, LayerWriter.Content content) {
            this(entry, content, -1);
        }
    }

    /** An entry without bytes: a directory, a link, an empty file. */
    void put(LayerEntry entry) {
        parts.put(entry.path(), new Part(entry, null));
    }

    /** A file whose bytes are a file's on disk, which must keep the entry's size. */
    void put(LayerEntry entry, Path file) {
        parts.put(entry.path(), new Part(entry, (e, tar) -> {
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                in.transferTo(tar);
            }
        }));
    }

    /** A file whose bytes are these. */
    void put(LayerEntry entry, byte[] bytes) {
        parts.put(entry.path(), new Part(entry, (e, tar) -> tar.write(bytes)));
    }

    /** Every entry of a flattening ({@link Flattener#select}), each file's bytes read from its layers. */
    void put(Flattener selection) {
        flattened.add(selection);
        int index = flattened.size() - 1;
        for (LayerEntry entry : selection.entries()) {
            parts.put(entry.path(), new Part(entry, null, index));
        }
    }

    /** Whether an entry is at this path. */
    boolean has(String path) {
        return parts.containsKey(path);
    }

    boolean isEmpty() {
        return parts.isEmpty();
    }

    /** The entries' paths, in path order. */
    List<String> paths() {
        return new ArrayList<>(parts.keySet());
    }

    /**
     * Writes the layer into {@code out}.
     *
     * @throws IOException when a file cannot be read or has changed size, or a flattening's layers cannot be read
     */
    WrittenLayer write(LayerWriter writer, HashingOutputStream out) throws IOException {
        List<Flattener.Contents> contents = new ArrayList<>();
        try {
            for (Flattener selection : flattened) {
                contents.add(selection.contents());
            }
            List<LayerEntry> entries = parts.values().stream().map(Part::entry).toList();
            return writer.write(entries, (entry, tar) -> {
                Part part = parts.get(entry.path());
                if (part.flattening() >= 0) {
                    contents.get(part.flattening()).writeTo(entry, tar);
                } else {
                    part.content().writeTo(entry, tar);
                }
            }, out);
        } finally {
            for (Flattener.Contents each : contents) {
                each.close();
            }
        }
    }
}
