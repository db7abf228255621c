package dev.jreg.internal.layer;

import com.sun.security.auth.module.UnixSystem;
import dev.jreg.internal.fs.LinkResolver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Directory trees as layer entries, each file with the path its content is read from: what
 * {@code commit} puts in a layer for a directory, and for {@code --add SRC[:DEST]}. Entries come
 * in {@link LayerEntry#PATH_ORDER}, with types, permission bits (setuid, setgid and sticky
 * included), owners as {@link Owners} says, modification times to the nanosecond, symbolic links'
 * targets as written, and {@code user.*} extended attributes whose values are UTF-8 (a PAX record
 * holds text) on files and directories that can be opened. A path with more than one name (a hard
 * link) is a file at its first path in that order, and a {@link LayerEntry.Type#HARDLINK} to it at
 * the others. Sockets are left out, as docker leaves them out; so is the scanned directory itself.
 * Every path is read once, with {@code lstat}: symbolic links are never followed. Not running as
 * root, a directory of the user's own that it may not list or enter (mode 000, 0300) is given
 * {@code u+rx} while it is walked and its mode again after, as {@link LayerApplier} opens such a
 * directory to write it.
 * A name with the whiteout prefix {@code .wh.} is refused ({@link IllegalArgumentException}): a layer cannot hold
 * it as a file; so is a name that is not UTF-8, which a layer's PAX path records hold and Java's
 * file names cannot carry (the launcher runs it with a UTF-8 file-name encoding).
 */
public final class DirectoryScan {
    private static final String UNIX_ATTRIBUTES = "unix:mode,ino,dev,nlink,uid,gid,rdev,size,lastModifiedTime,ctime";
    private static final String USER_XATTR = "user.";
    private static final int TYPE_BITS = 0170000;

    private DirectoryScan() {
    }

    /**
     * Whose files the entries say they are.
     *
     * @param onDisk true to take each file's owner on disk; then {@code uid} and {@code gid} are unused
     * @param uid the owner of every entry otherwise
     * @param gid the group of every entry otherwise
     */
    public record Owners(boolean onDisk, long uid, long gid) {
        /** Each file's owner on disk. */
        public static final Owners ON_DISK = new Owners(true, 0, 0);

        /** One owner for every entry, as {@code COPY --chown} gives. */
        public static Owners of(long uid, long gid) {
            return new Owners(false, uid, gid);
        }

        /**
         * On disk when this process runs as root, which may give files any owner, so that the owners
         * there are meant; otherwise 0:0, since every file is then this user's, who stands for the
         * image's root as rootless tools map it.
         */
        public static Owners forThisProcess() {
            return processIsRoot() ? ON_DISK : of(0, 0);
        }
    }

    /**
     * A file or directory copied into the image: {@code --add SRC[:DEST]}.
     *
     * @param source the file or directory on disk; a symbolic link is added as a link
     * @param destination its path in the image, {@code /} separated, absolute or not; ending with
     *     {@code /}, the path of a directory to put a file in under its own name. A directory's
     *     content goes under its destination; {@code /} puts it at the image's root
     */
    public record Addition(Path source, String destination) {
        public Addition {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(destination, "destination");
        }
    }

    /**
     * A path found on disk: its entry, the file it was found at, and its stamp.
     *
     * @param entry the layer entry, its path relative to where the walk started
     * @param file the path on disk
     * @param stamp its stamp, which tells whether it changed since
     */
    public record Found(LayerEntry entry, Path file, FileStamp stamp) {
        /** The entry, with the file its content is read from. */
        public SourcedEntry sourced() {
            return new SourcedEntry(entry, entry.type() == LayerEntry.Type.FILE ? file : null);
        }
    }

    /** True when this process runs as root. */
    static boolean processIsRoot() {
        return new UnixSystem().getUid() == 0;
    }

    /**
     * The tree below {@code root}, {@code root} itself left out.
     *
     * @throws NoSuchFileException when {@code root} is no directory ({@code ROOT: no such directory})
     * @throws IllegalArgumentException when a name has the whiteout prefix or is not UTF-8
     * @throws IOException when a directory cannot be listed or a path read
     */
    public static List<SourcedEntry> scan(Path root, Owners owners) throws IOException {
        List<SourcedEntry> entries = new ArrayList<>();
        for (Found found : walk(root, owners, true)) {
            entries.add(found.sourced());
        }
        return entries;
    }

    /**
     * The entries that copy these sources into an image, in path order, as docker's {@code COPY}
     * does: a destination is resolved in the base, a symbolic link on its way followed to where it
     * points in the image (its last element too when the source is a directory, whose content then
     * goes into the link's target), at most {@value LinkResolver#MAX_LINKS} of them, as Linux
     * follows ({@link LinkResolver}); the directories on the way the base has are left as they
     * are, with no entry; those it lacks are made mode 0755, owner 0:0, modified at time 0, so
     * that they are the same whenever the layer is made. A directory source whose destination the base has as a directory gives that
     * directory no entry either. A later addition replaces an earlier one's path; paths of
     * different additions with one inode are hard links to the first.
     *
     * @param base the base image's entries by path ({@link ImageEntries#entries()}); empty for none
     * @throws IllegalArgumentException when a destination leaves the image's root ({@code ..}),
     *     names the root for a file, goes through too many symbolic links, or a name has the
     *     whiteout prefix or is not UTF-8
     * @throws NoSuchFileException when a source does not exist
     * @throws IOException when a source cannot be read
     */
    public static List<SourcedEntry> additions(List<Addition> additions, Owners owners, Map<String, LayerEntry> base)
            throws IOException {
        Map<String, SourcedEntry> entries = new TreeMap<>(LayerEntry.PATH_ORDER);
        Map<Inode, String> firstPaths = new HashMap<>();
        for (Addition addition : additions) {
            if (!Files.exists(addition.source(), LinkOption.NOFOLLOW_LINKS)) {
                throw new NoSuchFileException(addition.source().toString(), null, "no such file or directory to add");
            }
            boolean directory = Files.isDirectory(addition.source(), LinkOption.NOFOLLOW_LINKS);
            String destination = resolve(addition.destination(), destination(addition), base, directory);
            List<Found> found = new ArrayList<>();
            if (destination.isEmpty()) {
                if (!directory) {
                    throw new IllegalArgumentException("cannot add " + addition.source() + " as the image's root directory");
                }
                walk(addition.source(), "", owners, true, firstPaths, found);
            } else {
                Found top = read(addition.source(), destination, owners, true, firstPaths);
                if (top != null) {
                    if (!(directory && isDirectory(base.get(destination)))) {
                        found.add(top);
                    }
                    if (directory) {
                        walk(addition.source(), destination, owners, true, firstPaths, found);
                    }
                }
                for (int slash = destination.indexOf('/'); slash > 0; slash = destination.indexOf('/', slash + 1)) {
                    String parent = destination.substring(0, slash);
                    if (!isDirectory(base.get(parent))) {
                        entries.putIfAbsent(parent, SourcedEntry.of(new LayerEntry(parent, LayerEntry.Type.DIRECTORY,
                                0755, 0, 0, Instant.EPOCH, 0, "", Map.of(), 0, 0)));
                    }
                }
            }
            for (Found each : found) {
                entries.put(each.entry().path(), each.sourced());
            }
        }
        return new ArrayList<>(entries.values());
    }

    private static boolean isDirectory(LayerEntry entry) {
        return entry != null && entry.type() == LayerEntry.Type.DIRECTORY;
    }

    /** The addition's destination in {@link LayerEntry#path()} form; empty for the root. */
    private static String destination(Addition addition) {
        String given = addition.destination();
        List<String> elements = new ArrayList<>();
        for (String element : given.split("/")) {
            if (element.equals("..")) {
                throw new IllegalArgumentException("the destination " + given + " leaves the image's root");
            }
            if (!element.isEmpty() && !element.equals(".")) {
                elements.add(notWhiteout(element, given));
            }
        }
        if (given.endsWith("/") && !Files.isDirectory(addition.source(), LinkOption.NOFOLLOW_LINKS)) {
            elements.add(notWhiteout(addition.source().getFileName().toString(), addition.source().toString()));
        }
        return String.join("/", elements);
    }

    /**
     * {@code path} with the base's symbolic links on its way followed inside the image, as the
     * kernel follows them with the image's root as {@code /} ({@code ..} stops at the root); the
     * last element followed only when {@code followLast}.
     *
     * @param given the destination as given, for the message
     */
    private static String resolve(String given, String path, Map<String, LayerEntry> base, boolean followLast) {
        try {
            return LayerEntry.resolve(base, path, followLast);
        } catch (FileSystemLoopException e) {
            throw new IllegalArgumentException("the destination " + given + " goes through more than "
                    + LinkResolver.MAX_LINKS + " symbolic links in the base");
        }
    }

    /**
     * The name, refused when it has the whiteout prefix: in a layer it would delete a file of the
     * base rather than be one (umoci refuses it too).
     *
     * @param path how the message names the file
     */
    private static String notWhiteout(String name, String path) {
        if (name.startsWith(LayerEntry.WHITEOUT_PREFIX)) {
            throw new IllegalArgumentException("invalid path has whiteout prefix \"" + LayerEntry.WHITEOUT_PREFIX
                    + "\": " + path);
        }
        return name;
    }

    /**
     * Every path below {@code root}, in path order, without xattrs unless asked for.
     *
     * @throws NoSuchFileException when {@code root} is no directory
     */
    static List<Found> walk(Path root, Owners owners, boolean xattrs) throws IOException {
        return walk(root, owners, xattrs, directory -> true);
    }

    /**
     * Every path below {@code root} in path order, paths relative to it, as {@link #scan} reads
     * them, but for what is in the directories {@code descend} refuses: such a directory is
     * listed, what it holds is not read (a build context's walk, which leaves out what
     * {@code .dockerignore} excludes).
     *
     * @param descend whether to read what a directory holds, given its path relative to {@code root}
     * @throws NoSuchFileException when {@code root} is no directory
     */
    public static List<Found> walk(Path root, Owners owners, Predicate<String> descend) throws IOException {
        return walk(root, owners, true, descend);
    }

    private static List<Found> walk(Path root, Owners owners, boolean xattrs, Predicate<String> descend)
            throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(root.toString(), null, "no such directory");
        }
        List<Found> found = new ArrayList<>();
        walk(root, "", owners, xattrs, new HashMap<>(), found, descend);
        return found;
    }

    /**
     * One path as a walk reads it ({@code lstat}, {@code user.*} attributes), a symbolic link
     * itself and not its target; null for a socket.
     *
     * @param path the entry's path
     * @throws NoSuchFileException when nothing is at {@code file}
     */
    public static Found read(Path file, String path, Owners owners) throws IOException {
        return read(file, path, owners, true, new HashMap<>());
    }

    private static void walk(Path directory, String prefix, Owners owners, boolean xattrs, Map<Inode, String> firstPaths,
            List<Found> found) throws IOException {
        walk(directory, prefix, owners, xattrs, firstPaths, found, path -> true);
    }

    private static void walk(Path directory, String prefix, Owners owners, boolean xattrs, Map<Inode, String> firstPaths,
            List<Found> found, Predicate<String> descend) throws IOException {
        int mode = (Integer) Files.getAttribute(directory, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        // The user's own directory it may not list or enter (an image's 000 or 0300 one, as an
        // unprivileged unpack leaves it): opened for the walk, then given its mode again. The
        // path was found a directory, not a link, by lstat.
        boolean opened = (mode & 0500) != 0500 && !processIsRoot();
        if (opened) {
            ClosedDirectories.setMode(directory, mode | 0500);
        }
        try {
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
                for (Path child : children) {
                    String name = child.getFileName().toString();
                    // A name that is not in the file-name encoding (UTF-8) comes as another, which names no file.
                    if (!directory.resolve(name).equals(child)) {
                        throw new IllegalArgumentException("invalid path is not UTF-8: " + Names.quote(child));
                    }
                    names.add(name);
                }
            }
            names.sort(LayerEntry.PATH_ORDER);
            for (String name : names) {
                Path file = directory.resolve(name);
                Found each = read(file, prefix.isEmpty() ? name : prefix + "/" + name, owners, xattrs, firstPaths);
                if (each != null) {
                    found.add(each);
                    if (each.entry().type() == LayerEntry.Type.DIRECTORY && descend.test(each.entry().path())) {
                        walk(file, each.entry().path(), owners, xattrs, firstPaths, found, descend);
                    }
                }
            }
        } finally {
            if (opened) {
                ClosedDirectories.setMode(directory, mode);
            }
        }
    }

    /** One path, as {@code lstat} and its xattrs give it; null for a socket. */
    private static Found read(Path file, String path, Owners owners, boolean xattrs, Map<Inode, String> firstPaths)
            throws IOException {
        notWhiteout(path.substring(path.lastIndexOf('/') + 1), file.toString());
        Map<String, Object> unix = Files.readAttributes(file, UNIX_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) unix.get("mode");
        LayerEntry.Type type = switch (mode & TYPE_BITS) {
            case 0100000 -> LayerEntry.Type.FILE;
            case 0040000 -> LayerEntry.Type.DIRECTORY;
            case 0120000 -> LayerEntry.Type.SYMLINK;
            case 0020000 -> LayerEntry.Type.CHAR_DEVICE;
            case 0060000 -> LayerEntry.Type.BLOCK_DEVICE;
            case 0010000 -> LayerEntry.Type.FIFO;
            default -> null; // a socket: no tar entry holds one
        };
        if (type == null) {
            return null;
        }
        long size = type == LayerEntry.Type.FILE ? (Long) unix.get("size") : 0;
        String linkName = type == LayerEntry.Type.SYMLINK ? Files.readSymbolicLink(file).toString() : "";
        if (type != LayerEntry.Type.DIRECTORY && (Integer) unix.get("nlink") > 1) {
            String first = firstPaths.putIfAbsent(new Inode((Long) unix.get("dev"), (Long) unix.get("ino")), path);
            if (first != null) {
                type = LayerEntry.Type.HARDLINK;
                size = 0;
                linkName = first;
            }
        }
        long rdev = (Long) unix.get("rdev");
        boolean device = type == LayerEntry.Type.CHAR_DEVICE || type == LayerEntry.Type.BLOCK_DEVICE;
        LayerEntry entry = new LayerEntry(path, type, mode & 07777,
                owners.onDisk() ? Integer.toUnsignedLong((Integer) unix.get("uid")) : owners.uid(),
                owners.onDisk() ? Integer.toUnsignedLong((Integer) unix.get("gid")) : owners.gid(),
                ((FileTime) unix.get("lastModifiedTime")).toInstant(), size, linkName,
                xattrs && (type == LayerEntry.Type.FILE || type == LayerEntry.Type.DIRECTORY) ? userXattrs(file) : Map.of(),
                device ? major(rdev) : 0, device ? minor(rdev) : 0);
        return new Found(entry, file, FileStamp.of(unix));
    }

    /**
     * A file's or directory's {@code user.*} extended attributes whose values are UTF-8; none where
     * the file system keeps none or the file cannot be opened, after its owner's closed directories
     * were opened for it ({@link ClosedDirectories#reach}). Only files and directories hold
     * {@code user.*} attributes, and opening anything else (a FIFO) could block.
     */
    static Map<String, String> userXattrs(Path file) {
        try {
            return ClosedDirectories.reach(file, DirectoryScan::readUserXattrs);
        } catch (IOException | UnsupportedOperationException unreadable) {
            return Map.of();
        }
    }

    private static Map<String, String> readUserXattrs(Path file) throws IOException {
        Map<String, String> xattrs = new TreeMap<>();
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        for (String name : view.list()) {
            ByteBuffer value = ByteBuffer.allocate(view.size(name));
            view.read(name, value);
            try {
                xattrs.put(USER_XATTR + name, StandardCharsets.UTF_8.newDecoder().decode(value.flip()).toString());
            } catch (CharacterCodingException binary) {
                // a PAX record holds text: a binary value cannot be written
            }
        }
        return xattrs;
    }

    /** Linux's encoding of a device number (glibc's {@code gnu_dev_major}). */
    private static int major(long rdev) {
        return (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
    }

    private static int minor(long rdev) {
        return (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
    }

    private record Inode(long dev, long ino) {
    }
}
