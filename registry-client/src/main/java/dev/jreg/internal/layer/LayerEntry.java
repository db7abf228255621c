package dev.jreg.internal.layer;

import dev.jreg.internal.fs.LinkResolver;
import java.nio.file.FileSystemLoopException;
import java.time.Instant;
import java.util.Comparator;
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

    /**
     * The order of entries in a layer jreg writes: paths compared element by element, each
     * element by its code points (UTF-8 byte order), so a directory comes right before what it
     * holds ({@code a}, {@code a/b}, {@code a-b}), as a walk of sorted directories visits them.
     */
    public static final Comparator<String> PATH_ORDER = LayerEntry::comparePaths;

    public LayerEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mtime, "mtime");
        linkName = Objects.requireNonNullElse(linkName, "");
        xattrs = Map.copyOf(Objects.requireNonNullElse(xattrs, Map.of()));
    }

    /**
     * A path resolved through the symbolic links among entries ({@link LinkResolver}), with the
     * entries' root as the root; a path without an entry is kept as written.
     *
     * @param entries each path's entry, paths in {@link #path()}'s form
     * @param path relative to the root or absolute, {@code /}-separated
     * @param followLast whether the last component is followed when it is a symbolic link
     * @throws FileSystemLoopException after more than {@value LinkResolver#MAX_LINKS} links
     */
    public static String resolve(Map<String, LayerEntry> entries, String path, boolean followLast)
            throws FileSystemLoopException {
        return LinkResolver.resolve(path, followLast ? LinkResolver.Mode.FOLLOW : LinkResolver.Mode.NOFOLLOW,
                each -> stat(entries.get(each))).path();
    }

    /**
     * What {@code lstat} would tell of an entry's path: a directory, a symbolic link, or anything
     * else; {@link LinkResolver.Stat#MISSING} for no entry (null).
     */
    static LinkResolver.Stat stat(LayerEntry entry) {
        if (entry == null) {
            return LinkResolver.Stat.MISSING;
        }
        return switch (entry.type()) {
            case DIRECTORY -> LinkResolver.Stat.DIRECTORY;
            case SYMLINK -> LinkResolver.Stat.symlink(entry.linkName());
            default -> LinkResolver.Stat.OTHER;
        };
    }

    /** The last path element. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * The entry that deletes {@code path} from lower layers: an empty regular file {@code .wh.NAME}
     * beside it, mode 0, owner 0:0 and modification time 0, as containerd writes one, so that a
     * layer's bytes do not depend on when it was made.
     */
    public static LayerEntry whiteout(String path) {
        int slash = path.lastIndexOf('/');
        return marker(path.substring(0, slash + 1) + WHITEOUT_PREFIX + path.substring(slash + 1));
    }

    /** The entry that hides what lower layers hold in this directory ({@value #OPAQUE_WHITEOUT}), as {@link #whiteout}. */
    public static LayerEntry opaque(String directory) {
        return marker(directory.isEmpty() ? OPAQUE_WHITEOUT : directory + "/" + OPAQUE_WHITEOUT);
    }

    private static LayerEntry marker(String path) {
        return new LayerEntry(path, Type.FILE, 0, 0, 0, Instant.EPOCH, 0, "", Map.of(), 0, 0);
    }

    private static int comparePaths(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                // '/' ends an element: before any character another element may hold there.
                return x == '/' ? -1 : y == '/' ? 1 : Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
