package dev.jreg.internal.layer;

import dev.jreg.internal.layer.DirectoryScan.Found;
import dev.jreg.internal.layer.DirectoryScan.Owners;
import dev.jreg.internal.store.HashingOutputStream;
import dev.jreg.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What changed in a directory since it was unpacked from an image: the entries of a layer that,
 * laid on the image, gives the directory (OCI image spec, "Change Types" and "Whiteouts"), ready
 * for {@link LayerWriter}, in path order.
 *
 * <ul>
 * <li>Added: a path the image does not have (a directory the image implies by a path below it, and
 *     which it lists no entry for, is not added).
 * <li>Changed: a path whose type, permission bits (not a symbolic link's, which Linux does not
 *     keep), modification time (to the second, as layers keep it, or
 *     {@linkplain #withExactTimes() to the nanosecond}), size (a file's), target (a symbolic
 *     link's), device numbers, {@code user.*} extended attributes (a file's or directory's) or,
 *     when {@code privileged}, owner differ from the image's; with
 *     {@code checksum}, also a file whose bytes differ from the image's: its SHA-256, streamed,
 *     against the one {@link ImageContent} gives for the image's file — where it gives none, the
 *     file counts as changed, since a layer that holds an unchanged file is still right and one
 *     that misses a change is not.
 * <li>Deleted: a whiteout for a path the image has and the directory lacks; a deleted directory is
 *     one whiteout, whatever it held, and a path under a directory that became something else
 *     needs none (the new entry replaces the directory).
 * </ul>
 *
 * The parent directories of those paths come along as the image has them (as they are on disk
 * where the image has none), as docker's diff layers hold them. A changed path keeps the image's
 * owner, since an unprivileged unpack could not give it, unless {@code privileged} and the owner
 * on disk differs; it keeps the image's extended attributes other than {@code user.*}, which it
 * takes from disk. An added path's owner is the one on disk when {@code privileged}, else 0:0. A
 * file with a name the layer holds and another the layer leaves as the image has it (a file there)
 * is a hard link to the first of those, as umoci and docker write a new name of a file; a file
 * whose names are all in the layer is that file at the first of them in path order and hard links
 * to it at the others.
 */
public final class FilesystemDiff {
    private final boolean privileged;
    private final boolean checksum;
    private final ImageContent content;
    private final boolean exactTimes;

    /** The digests of the image's files, to compare files' bytes with. */
    @FunctionalInterface
    public interface ImageContent {
        /** None: every file compared by its bytes counts as changed. */
        ImageContent NONE = paths -> Map.of();

        /**
         * The SHA-256 of the content of the image's files at these paths (each a
         * {@link LayerEntry.Type#FILE} entry's), all at once, so that each layer is read at most
         * once more; a path left out counts as changed.
         */
        Map<String, Digest> digests(Set<String> paths) throws IOException;
    }

    /**
     * @param privileged whether owners on disk mean anything: true where the directory was unpacked
     *     by root, which gave every file its owner
     * @param checksum whether files whose attributes are the image's are compared byte for byte too
     * @param content the image's file contents, for {@code checksum}
     */
    public FilesystemDiff(boolean privileged, boolean checksum, ImageContent content) {
        this(privileged, checksum, content, false);
    }

    private FilesystemDiff(boolean privileged, boolean checksum, ImageContent content, boolean exactTimes) {
        this.privileged = privileged;
        this.checksum = checksum;
        this.content = content;
        this.exactTimes = exactTimes;
    }

    /**
     * This diff, comparing modification times to the nanosecond rather than to the second: for a
     * record whose entries hold the times on disk, as {@link UnpackRecord#withChanges} keeps them,
     * so that a file rewritten at the same size within the second of its last change is changed.
     */
    public FilesystemDiff withExactTimes() {
        return new FilesystemDiff(privileged, checksum, content, true);
    }

    /** A diff that takes owners on disk to mean something when this process runs as root. */
    public static FilesystemDiff forThisProcess(boolean checksum, ImageContent content) {
        return new FilesystemDiff(DirectoryScan.processIsRoot(), checksum, content);
    }

    /**
     * The changes in {@code root} since the unpack that {@code record} describes. A path whose stamp
     * is the one recorded is unchanged, not even compared; a path the unpack skipped (no stamp) and
     * the directory lacks is not deleted. A directory unchanged since the unpack gives no entries.
     *
     * @throws IOException when the directory cannot be read
     */
    public List<SourcedEntry> changes(Path root, UnpackRecord record) throws IOException {
        return diff(root, record.items(), true);
    }

    /**
     * The fallback for a directory jreg's unpack did not make, so that no record tells what it
     * wrote: every path is compared with the image's entry by type, size, permission bits,
     * modification time and link target (owners only when this process runs as root), as
     * {@link #changes(Path, UnpackRecord)} compares a path whose stamp changed.
     *
     * @param image the image's filesystem: each path's entry as the last layer that wrote it has it
     * @throws IOException when the directory cannot be read
     */
    public List<SourcedEntry> changesWithoutRecord(Path root, Map<String, LayerEntry> image) throws IOException {
        SortedMap<String, UnpackRecord.Item> items = new TreeMap<>();
        image.forEach((path, entry) -> items.put(path, new UnpackRecord.Item(entry, null)));
        return diff(root, items, false);
    }

    private List<SourcedEntry> diff(Path root, SortedMap<String, UnpackRecord.Item> image, boolean recorded)
            throws IOException {
        Map<String, Found> onDisk = new HashMap<>();
        Map<String, SourcedEntry> layer = new TreeMap<>(LayerEntry.PATH_ORDER);
        Map<String, String> toRead = new TreeMap<>(); // a file whose attributes are the image's → the image's path of its bytes
        for (Found found : DirectoryScan.walk(root, privileged ? Owners.ON_DISK : Owners.of(0, 0), false)) {
            String path = found.entry().path();
            onDisk.put(path, found);
            UnpackRecord.Item item = image.get(path);
            if (item == null) {
                if (!impliedDirectory(found, image)) {
                    layer.put(path, withXattrs(found, Map.of()).sourced());
                }
            } else if (!(recorded && found.stamp().equals(item.stamp())) && changed(found, item.entry(), image)) {
                layer.put(path, changedEntry(found, item.entry()));
            } else if (checksum && !(recorded && found.stamp().equals(item.stamp()))
                    && linkTarget(item.entry(), image).type() == LayerEntry.Type.FILE) {
                toRead.put(path, linkTarget(item.entry(), image).path());
            }
        }
        Map<String, Digest> imageDigests = toRead.isEmpty() ? Map.of() : content.digests(new HashSet<>(toRead.values()));
        for (Map.Entry<String, String> each : toRead.entrySet()) {
            Found found = onDisk.get(each.getKey());
            if (!digest(found.file()).equals(imageDigests.get(each.getValue()))) {
                layer.put(each.getKey(), changedEntry(found, image.get(each.getKey()).entry()));
            }
        }
        for (Map.Entry<String, UnpackRecord.Item> each : image.entrySet()) {
            String path = each.getKey();
            if (!onDisk.containsKey(path) && !(recorded && each.getValue().stamp() == null)
                    && parentIsDirectoryOnDisk(path, onDisk)) {
                LayerEntry whiteout = LayerEntry.whiteout(path);
                layer.put(whiteout.path(), SourcedEntry.of(whiteout));
            }
        }
        for (String path : new ArrayList<>(layer.keySet())) {
            for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
                String parent = path.substring(0, slash);
                if (layer.containsKey(parent)) {
                    break; // and so are its own parents
                }
                UnpackRecord.Item item = image.get(parent);
                layer.put(parent, item != null ? SourcedEntry.of(item.entry()) : withXattrs(onDisk.get(parent), Map.of()).sourced());
            }
        }
        return hardLinks(layer, onDisk, image, recorded);
    }

    /** A directory the image has no entry for but paths below, as a layer without parent entries implies it. */
    private static boolean impliedDirectory(Found found, SortedMap<String, UnpackRecord.Item> image) {
        String below = found.entry().path() + "/";
        return found.entry().type() == LayerEntry.Type.DIRECTORY && !image.tailMap(below).isEmpty()
                && image.tailMap(below).firstKey().startsWith(below);
    }

    private static boolean parentIsDirectoryOnDisk(String path, Map<String, Found> onDisk) {
        int slash = path.lastIndexOf('/');
        if (slash < 0) {
            return true;
        }
        Found parent = onDisk.get(path.substring(0, slash));
        return parent != null && parent.entry().type() == LayerEntry.Type.DIRECTORY;
    }

    private boolean changed(Found found, LayerEntry image, SortedMap<String, UnpackRecord.Item> items) {
        LayerEntry disk = found.entry();
        LayerEntry was = linkTarget(image, items);
        long size = found.stamp().size();
        LayerEntry.Type type = disk.type() == LayerEntry.Type.HARDLINK ? LayerEntry.Type.FILE : disk.type();
        boolean timeChanged = exactTimes ? !disk.mtime().equals(was.mtime())
                : disk.mtime().getEpochSecond() != was.mtime().getEpochSecond();
        // A symbolic link's mode is not its own on Linux (always 0777): not compared.
        return type != was.type() || type != LayerEntry.Type.SYMLINK && disk.mode() != (was.mode() & 07777) || timeChanged
                || privileged && (disk.uid() != was.uid() || disk.gid() != was.gid())
                || type == LayerEntry.Type.FILE && size != was.size()
                || type == LayerEntry.Type.SYMLINK && !disk.linkName().equals(was.linkName())
                || disk.devMajor() != was.devMajor() || disk.devMinor() != was.devMinor()
                || (type == LayerEntry.Type.FILE || type == LayerEntry.Type.DIRECTORY)
                        && !DirectoryScan.userXattrs(found.file()).equals(userXattrs(was));
    }

    private static Map<String, String> userXattrs(LayerEntry entry) {
        Map<String, String> user = new TreeMap<>(entry.xattrs());
        user.keySet().removeIf(name -> !name.startsWith("user."));
        return user;
    }

    /** A hard link's entry in the image resolved to the file it names; any other entry as it is. */
    private static LayerEntry linkTarget(LayerEntry entry, SortedMap<String, UnpackRecord.Item> items) {
        LayerEntry target = entry;
        // An image's hard link names an earlier entry; a bound guards against a cycle in a bad one.
        for (int hops = 0; target.type() == LayerEntry.Type.HARDLINK && hops < items.size(); hops++) {
            UnpackRecord.Item item = items.get(target.linkName());
            if (item == null) {
                return target;
            }
            target = item.entry();
        }
        return target;
    }

    /** The SHA-256 of a file's bytes, streamed. */
    private static Digest digest(Path file) throws IOException {
        try (InputStream in = ClosedDirectories.newInputStream(file);
                HashingOutputStream hashed = HashingOutputStream.over(OutputStream.nullOutputStream())) {
            in.transferTo(hashed);
            return hashed.digest();
        }
    }

    /** A changed path of the image, with the owner and extended attributes the class Javadoc gives it. */
    private SourcedEntry changedEntry(Found found, LayerEntry image) {
        LayerEntry disk = found.entry();
        Map<String, String> kept = new TreeMap<>(image.xattrs());
        kept.keySet().removeIf(name -> name.startsWith("user."));
        Found owned = privileged ? found : new Found(new LayerEntry(disk.path(), disk.type(), disk.mode(), image.uid(),
                image.gid(), disk.mtime(), disk.size(), disk.linkName(), disk.xattrs(), disk.devMajor(), disk.devMinor()),
                found.file(), found.stamp());
        return withXattrs(owned, kept).sourced();
    }

    /** The path with its {@code user.*} attributes from disk, added to {@code others}. */
    private static Found withXattrs(Found found, Map<String, String> others) {
        LayerEntry e = found.entry();
        Map<String, String> xattrs = new TreeMap<>(others);
        if (e.type() == LayerEntry.Type.FILE || e.type() == LayerEntry.Type.DIRECTORY) {
            xattrs.putAll(DirectoryScan.userXattrs(found.file()));
        }
        return new Found(new LayerEntry(e.path(), e.type(), e.mode(), e.uid(), e.gid(), e.mtime(), e.size(),
                e.linkName(), xattrs, e.devMajor(), e.devMinor()), found.file(), found.stamp());
    }

    /**
     * The layer's entries, each hard link naming a file the layer holds or one the image has at
     * that path: where a file has a name the layer leaves as the image has it, the names the layer
     * holds link to the first such; else where a file's first name on disk is not in the layer, its
     * first name in the layer holds the content and the others link to that one.
     */
    private static List<SourcedEntry> hardLinks(Map<String, SourcedEntry> layer, Map<String, Found> onDisk,
            SortedMap<String, UnpackRecord.Item> image, boolean recorded) {
        Map<String, String> inImage = namesInImage(layer, onDisk, image, recorded);
        List<SourcedEntry> entries = new ArrayList<>();
        Map<String, String> firstInLayer = new HashMap<>(); // a disk file's first name → its first name in the layer
        for (SourcedEntry sourced : layer.values()) {
            LayerEntry e = sourced.entry();
            String imageName = inImage.get(firstName(onDisk.get(e.path())));
            if (imageName != null) {
                entries.add(SourcedEntry.of(new LayerEntry(e.path(), LayerEntry.Type.HARDLINK, e.mode(), e.uid(), e.gid(),
                        e.mtime(), 0, imageName, e.xattrs(), 0, 0)));
                continue;
            }
            if (e.type() != LayerEntry.Type.HARDLINK) {
                entries.add(sourced);
                continue;
            }
            String first = e.linkName();
            String inLayer = layer.containsKey(first) ? first : firstInLayer.putIfAbsent(first, e.path());
            if (inLayer != null) {
                entries.add(sourced.entry().linkName().equals(inLayer) ? sourced : SourcedEntry.of(new LayerEntry(e.path(),
                        e.type(), e.mode(), e.uid(), e.gid(), e.mtime(), 0, inLayer, e.xattrs(), 0, 0)));
            } else {
                entries.add(new SourcedEntry(new LayerEntry(e.path(), LayerEntry.Type.FILE, e.mode(), e.uid(), e.gid(),
                        e.mtime(), onDisk.get(e.path()).stamp().size(), "", e.xattrs(), 0, 0), onDisk.get(e.path()).file()));
            }
        }
        return entries;
    }

    /** A file's first name on disk, for a file or a hard link found; null for anything else or nothing. */
    private static String firstName(Found found) {
        if (found == null) {
            return null;
        }
        LayerEntry e = found.entry();
        return e.type() == LayerEntry.Type.HARDLINK ? e.linkName() : e.type() == LayerEntry.Type.FILE ? e.path() : null;
    }

    /**
     * For each file on disk with a name in the layer and another the layer leaves as the image has
     * it, a file there: its first name on disk → the first of those names in path order.
     */
    private static Map<String, String> namesInImage(Map<String, SourcedEntry> layer, Map<String, Found> onDisk,
            SortedMap<String, UnpackRecord.Item> image, boolean recorded) {
        Map<String, String> names = new HashMap<>();
        for (String path : layer.keySet()) {
            String first = firstName(onDisk.get(path));
            if (first != null) {
                names.put(first, null);
            }
        }
        for (Found found : onDisk.values()) {
            String path = found.entry().path();
            String first = firstName(found);
            UnpackRecord.Item item = image.get(path);
            if (first != null && names.containsKey(first) && !layer.containsKey(path) && item != null
                    && !(recorded && item.stamp() == null) && linkTarget(item.entry(), image).type() == LayerEntry.Type.FILE) {
                names.merge(first, path, (a, b) -> LayerEntry.PATH_ORDER.compare(a, b) <= 0 ? a : b);
            }
        }
        names.values().removeIf(Objects::isNull);
        return names;
    }
}
