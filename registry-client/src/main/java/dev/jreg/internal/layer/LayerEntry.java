package dev.jreg.internal.layer;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a layer's tar stream, as the layer engine reads and writes it.
 *
 * @param path the path relative to the filesystem's root, with {@code /} separators, no leading
 *     {@code /} or {@code ./} and no trailing {@code /} ({@code etc/passwd}, {@code usr/bin})
 * @param type what the entry is
 * @param mode the permission bits with setuid, setgid and sticky ({@code 07777} at most)
 * @param uid the numeric owner
 * @param gid the numeric group
 * @param mtime the modification time, to the second in a ustar header and finer in a PAX one
 * @param size the content's length in bytes; 0 for anything but {@link Type#FILE}
 * @param linkName a symbolic link's target as written, or a hard link's target path in the same
 *     form as {@code path}; empty for other types
 * @param xattrs extended attributes by name ({@code security.capability}), values as stored
 *     (PAX {@code SCHILY.xattr.} records); empty when none
 * @param devMajor a device node's major number; 0 for other types
 * @param devMinor a device node's minor number; 0 for other types
 */
public record LayerEntry(String path, Type type, int mode, long uid, long gid, Instant mtime, long size,
        String linkName, Map<String, String> xattrs, int devMajor, int devMinor) {

    /** What a tar entry is. */
    public enum Type {
        FILE, DIRECTORY, SYMLINK, HARDLINK, CHAR_DEVICE, BLOCK_DEVICE, FIFO
    }

    /** The prefix of a whiteout's name: {@code .wh.NAME} deletes {@code NAME} from lower layers. */
    public static final String WHITEOUT_PREFIX = ".wh.";
    /** A directory's entry of this name hides everything lower layers put in that directory. */
    public static final String OPAQUE_WHITEOUT = ".wh..wh..opq";

    public LayerEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mtime, "mtime");
        linkName = Objects.requireNonNullElse(linkName, "");
        xattrs = Map.copyOf(Objects.requireNonNullElse(xattrs, Map.of()));
    }

    /** The last path element. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
