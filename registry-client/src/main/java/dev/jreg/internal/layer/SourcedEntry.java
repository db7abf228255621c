package dev.jreg.internal.layer;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An entry of a layer to write, and the file its content is read from.
 *
 * @param entry the tar entry
 * @param content the file holding a {@link LayerEntry.Type#FILE} entry's {@link LayerEntry#size()}
 *     bytes, read once, when the entry is written (not at all when there are none); null for an
 *     empty file and for every other type
 */
public record SourcedEntry(LayerEntry entry, Path content) {

    public SourcedEntry {
        Objects.requireNonNull(entry, "entry");
        boolean file = entry.type() == LayerEntry.Type.FILE;
        if (file ? entry.size() > 0 && content == null : content != null) {
            throw new IllegalArgumentException(entry.path() + ": a file with bytes needs its content, and only a file has any");
        }
    }

    /** An entry without content: a directory, a link, a device, an empty file or a whiteout. */
    public static SourcedEntry of(LayerEntry entry) {
        return new SourcedEntry(entry, null);
    }
}
