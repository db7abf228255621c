package dev.jreg.internal.layer;

import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What an unpack wrote, kept so that a later diff of the directory tells edits from what an
 * unprivileged unpack could not reproduce (owners, device nodes), as umoci keeps an mtree beside
 * its bundle: for each path, the entry as the image's layers describe it and the file's stamp on
 * disk right after unpacking.
 *
 * @param items by path ({@link LayerEntry#path()} form), in path order
 */
public record UnpackRecord(SortedMap<String, Item> items) {

    public UnpackRecord {
        items = new TreeMap<>(Objects.requireNonNull(items, "items"));
    }

    /**
     * One path of the unpacked filesystem.
     *
     * @param entry the path as the image's filesystem has it (owner, mode, mtime, link target)
     * @param stamp the path's stamp right after unpacking; null where nothing was written for it
     *     (a device node an unprivileged unpack skipped)
     */
    public record Item(LayerEntry entry, FileStamp stamp) {
    }
}
