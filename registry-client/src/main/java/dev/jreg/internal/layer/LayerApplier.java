package dev.jreg.internal.layer;

import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.fs.LinkResolver.Stat;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Applies an image's layers, lowest first, to an empty directory: the filesystem the image
 * describes (OCI image spec, "Applying Changesets"), and the {@link UnpackRecord} of what it wrote.
 * Call {@link #apply} for each layer in the manifest's order, then {@link #finish} once; more
 * layers go onto that directory later through an applier made by {@link #onto}.
 *
 * <p>The spec's rules: an entry replaces what lower layers have at its path, unless both are
 * directories, when the directory keeps its contents and takes the entry's metadata. A whiteout
 * {@code .wh.NAME} removes {@code NAME} (a whole tree) as lower layers left it, and an opaque
 * whiteout {@code .wh..wh..opq} empties its directory of what lower layers put there; neither
 * hides what its own layer writes, before or after it. Other {@code .wh..wh.} names (aufs's
 * metadata) are skipped with what is under them, as docker skips them. Within one layer a path
 * given twice takes the last entry, as tar extraction does. Files get their content, mode (setuid, setgid and sticky
 * included), modification time and {@code user.*} extended attributes; symbolic links their target
 * as written (the JDK drops a trailing or doubled {@code /} of a target) and time; hard links
 * share their target's inode and take none of the entry's metadata, as tar extraction does;
 * directories get their mode and time at {@link #finish}, after everything under them is written
 * (so that an unprivileged unpack can write into a read-only directory). Directories the layers
 * do not describe but need are made with mode 0755. FIFOs are made with {@code mkfifo} whoever
 * runs; device nodes with {@code mknod} as root (the JDK makes neither); their times are set with
 * {@code touch -h}, since the JDK sets times only through an open file, and opening a FIFO blocks.
 *
 * <p>Running as root, files get the numeric owners of their entries. What cannot be reproduced is
 * left out and said once, in one line to {@code warnings} at {@link #finish}: without root,
 * owners other than 0:0 (in a rootless container the user's own files are root's) and device
 * nodes; as root, an owner or device node the system refuses (in a user namespace); whoever runs,
 * extended attributes outside {@code user.*} (the JDK writes no others) and those the file system
 * refuses. The record keeps them all, as the layers describe them.
 *
 * <p>Nothing is written outside the target directory, whatever the layers hold. Each path is
 * resolved component by component without following a symbolic link out: a link met on the way
 * is followed inside the target as if the target were the root (an absolute target starts again
 * at the target, and {@code ..} stops there), as containerd and umoci resolve them; at most
 * 40 links per path. The last component is never followed: what is there is
 * removed, and a file is created with {@code O_CREAT|O_EXCL} and without following links, so a
 * link planted at its path is replaced, never written through. Hostile entries are either
 * refused, with an {@link InvalidContentException} of one line naming the layer and the entry
 * ({@code layer sha256:…: entry "../x" leaves the target directory}), or neutralised:
 * <ul>
 * <li>refused: a path or hard link target that climbs above the root with {@code ..}; a NUL in a
 *     name or link; a hard link to a path not extracted before it (in this layer or lower), to a
 *     directory, or to itself or what it replaces; a whiteout of {@code .}, {@code ..} or of
 *     nothing ({@code .wh.}, {@code .wh..}, {@code .wh...}); an entry of another type than a
 *     directory for the root itself; an entry under a path that is not a directory; a path through
 *     more than 40 symbolic links; a symbolic link with an empty target; more
 *     entries or bytes than {@link LayerLimits} allows (checked before a file's content is
 *     written, from its size); and, as an {@link IOException} of the same form with the system's
 *     reason, an entry the file system refuses (a name too long);</li>
 * <li>neutralised: an absolute path is taken from the root, as tar readers do; a path through a
 *     symbolic link that points out of the target (absolutely or with {@code ..}), through a
 *     chain of links, or through a directory that an earlier entry replaced by such a link, lands
 *     inside the target where the link resolves with the target as root; a whiteout or opaque
 *     whiteout through such a link removes only what is there, inside the target, and one whose
 *     directory is missing removes nothing; a hard link to a symbolic link links the link itself,
 *     which is never followed; a device node when not root is left out and said in the warning.</li>
 * </ul>
 * A layer that fails leaves what it wrote so far; the caller removes the target. One thread
 * applies the layers: an applier is not for concurrent use.
 */
public final class LayerApplier extends ChangesetRules {
    /** Reads larger than the reader's 64 KB buffer, which hands a plain tar's bytes over without copying them through it. */
    private static final int BUFFER = 256 * 1024;
    /** Writes of 32 KB: see {@code Ingest} on the page-cache folios of larger writes. */
    private static final int WRITE_PIECE = 32 * 1024;
    private static final int IMPLICIT_DIRECTORY_MODE = 0755;
    private static final String USER_XATTR = "user.";
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final Set<OpenOption> CREATE_NEW = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, NOFOLLOW);
    /** Until the entry's mode is set, nobody else reads what is being written. */
    private static final FileAttribute<?> PRIVATE = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path target;
    private final LayerLimits limits;
    private final Consumer<String> warnings;
    private final boolean root;
    /** The owner a path gets when made, which needs no {@code chown}; -1 where it cannot be known. */
    private final long newPathUid;
    private final long newPathGid;
    /** What the layers applied so far describe at each path (resolved, relative to the target). */
    private final TreeMap<String, LayerEntry> entries = new TreeMap<>();
    /** Directories made because entries needed them, that no entry describes. */
    private final TreeSet<String> implicitDirectories = new TreeSet<>();
    /** The paths hard links were made to, each with the links' paths (some since replaced). */
    private final TreeMap<String, TreeSet<String>> linkedTo = new TreeMap<>();
    private LayerEntry rootEntry;
    private long bytes;
    private boolean ownersLeftOut;
    private int devicesLeftOut;
    private int xattrsLeftOut;
    private boolean failed;
    private boolean finished;

    /**
     * An applier into {@code target}, owners set when this process runs as root.
     *
     * @param target an empty directory, or one to be made (with its parents)
     * @param limits what the layers together may write at most
     * @param warnings receives at most one line, at {@link #finish}, saying what could not be reproduced
     * @throws IOException when the target is not an empty directory or cannot be made
     */
    public LayerApplier(Path target, LayerLimits limits, Consumer<String> warnings) throws IOException {
        this(target, limits, warnings, runningAsRoot());
    }

    LayerApplier(Path target, LayerLimits limits, Consumer<String> warnings, boolean root) throws IOException {
        this(target, limits, warnings, root, null);
    }

    /**
     * An applier of more layers onto a directory that an applier unpacked, each path of which is
     * as {@code record} says: the record {@link #finish} gave, or one that took in every change
     * made there since ({@link UnpackRecord#withChanges}). The layers apply as onto the image the
     * record describes, and {@link #finish} gives the record of it all; it sets every directory's
     * mode and time as the record or a new layer describes it. An empty record onto an empty
     * directory is an unpack.
     *
     * @param target the directory, or one to be made (with its parents) for an empty record
     * @throws IOException when the target is not a directory and cannot be made
     */
    public static LayerApplier onto(Path target, UnpackRecord record, LayerLimits limits, Consumer<String> warnings)
            throws IOException {
        return new LayerApplier(target, limits, warnings, runningAsRoot(), Objects.requireNonNull(record, "record"));
    }

    /** @param record what the target holds, or null for a target that must be empty */
    private LayerApplier(Path target, LayerLimits limits, Consumer<String> warnings, boolean root, UnpackRecord record)
            throws IOException {
        super(limits);
        this.target = Files.createDirectories(target).toAbsolutePath();
        this.limits = limits;
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        this.root = root;
        long uid = -1;
        long gid = -1;
        if (root) {
            // New paths get the process's ids, unless a setgid directory hands down its group.
            Map<String, Object> process = Files.readAttributes(Path.of("/proc/self"), "unix:uid,gid");
            uid = (Integer) process.get("uid");
            gid = ((Integer) Files.getAttribute(this.target, "unix:mode") & 02000) != 0 ? -1 : (Integer) process.get("gid");
        }
        this.newPathUid = uid;
        this.newPathGid = gid;
        if (record != null) {
            for (UnpackRecord.Item item : record.items().values()) {
                LayerEntry entry = item.entry();
                entries.put(entry.path(), entry);
                linked(entry);
                Path path = this.target.resolve(entry.path());
                if (!root && entry.type() == LayerEntry.Type.DIRECTORY && (entry.mode() & 0700) != 0700
                        && Files.isDirectory(path, NOFOLLOW)) {
                    // The user's own directory that it may not list, write or enter (an image's 000,
                    // 0300 or 0555 one): open until finish gives it its mode again, as a first unpack
                    // leaves it. Parents come first in the record, so each is reached once opened.
                    ClosedDirectories.setMode(path, entry.mode() | 0700);
                }
            }
            return;
        }
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(this.target)) {
            if (listing.iterator().hasNext()) {
                throw new IOException("cannot unpack into " + target + ": the directory is not empty");
            }
        }
    }

    /** Whether this process runs as root, and so sets the owners the layers give. */
    public static boolean runningAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false; // no procfs: then owners are not ours to set
        }
    }

    /**
     * Applies one layer above those applied before, reading its blob once to the tar's end.
     *
     * @param layer how errors name the layer: its digest ({@code sha256:…})
     * @param blob the layer's bytes, compressed or not ({@link LayerReader}); not closed here
     * @throws InvalidContentException when the layer cannot be read (damaged compression or tar)
     *     or holds an entry refused as the class describes, or the layers exceed the limits
     * @throws IOException from the blob's stream, as it was thrown, or when the target cannot be
     *     written (a full disk): a message naming the path and the system's reason
     */
    public void apply(String layer, InputStream blob) throws IOException {
        if (failed || finished) {
            throw new IllegalStateException(failed ? "an earlier layer failed" : "finish was called");
        }
        failed = true;
        applyLayer(layer, blob);
        failed = false;
    }

    /**
     * Sets the directories' modes and times, deepest first, then takes every path's stamp in one
     * walk, and says in one line to the warnings what could not be reproduced. Call once, after the
     * last layer.
     *
     * @return each path the layers describe, or that they needed as a directory: its entry (paths
     *     resolved inside the target; a hard link's target likewise) and its stamp, null for what
     *     was left out (a device node); the target itself is not an item
     * @throws IOException when a directory's metadata cannot be set
     */
    public UnpackRecord finish() throws IOException {
        if (failed || finished) {
            throw new IllegalStateException(failed ? "an earlier layer failed" : "finish was called");
        }
        finished = true;
        TreeMap<String, UnpackRecord.Item> items = new TreeMap<>();
        Files.walkFileTree(target, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                String path = relative(file);
                LayerEntry entry = entries.get(path);
                if (entry != null) { // else a socket that a command left in a directory applied onto: no layer holds one
                    items.put(path, new UnpackRecord.Item(entry, FileStamp.of(file)));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                if (dir.equals(target)) {
                    if (rootEntry != null) {
                        setTimeAndMode(dir, rootEntry.mtime(), rootEntry.mode());
                    }
                    return FileVisitResult.CONTINUE;
                }
                String path = relative(dir);
                LayerEntry entry = entries.get(path);
                if (entry != null) {
                    setTimeAndMode(dir, entry.mtime(), entry.mode());
                } else {
                    Files.setAttribute(dir, "unix:mode", IMPLICIT_DIRECTORY_MODE, NOFOLLOW);
                }
                FileStamp stamp = FileStamp.of(dir);
                items.put(path, new UnpackRecord.Item(entry != null ? entry : implicitDirectory(path, stamp), stamp));
                return FileVisitResult.CONTINUE;
            }
        });
        for (Map.Entry<String, LayerEntry> entry : entries.entrySet()) {
            items.putIfAbsent(entry.getKey(), new UnpackRecord.Item(entry.getValue(), null));
        }
        String leftOut = leftOut();
        if (leftOut != null) {
            warnings.accept(leftOut);
        }
        return new UnpackRecord(items);
    }

    private String relative(Path path) {
        return target.relativize(path).toString();
    }

    private static LayerEntry implicitDirectory(String path, FileStamp stamp) {
        Instant mtime = Instant.EPOCH.plusNanos(stamp.mtimeNanos());
        return new LayerEntry(path, LayerEntry.Type.DIRECTORY, IMPLICIT_DIRECTORY_MODE, 0, 0, mtime, 0, "", Map.of(), 0, 0);
    }

    /** The one warning line: what the layers describe that is not on disk, or null when nothing is missing. */
    private String leftOut() {
        List<String> parts = new ArrayList<>();
        if (ownersLeftOut) {
            parts.add(root ? "file owners (the system refused to set them)"
                    : "file owners other than root (not running as root)");
        }
        if (devicesLeftOut > 0) {
            parts.add(devicesLeftOut + (devicesLeftOut == 1 ? " device node" : " device nodes")
                    + (root ? " (the system refused to make them)" : " (not running as root)"));
        }
        if (xattrsLeftOut > 0) {
            parts.add(xattrsLeftOut + (xattrsLeftOut == 1 ? " extended attribute" : " extended attributes")
                    + " (only user.* ones on files and directories are set, where the file system takes them)");
        }
        return parts.isEmpty() ? null : "the unpacked files lack " + String.join(", ", parts)
                + "; the unpack record keeps them";
    }

    @Override
    void place(LayerEntry entry, String resolved, Supplier<InputStream> content) throws IOException {
        Path file = target.resolve(resolved);
        switch (entry.type()) {
            case DIRECTORY -> directory(entry, resolved, file);
            case FILE -> file(entry, resolved, file, content);
            case SYMLINK -> symlink(entry, resolved, file);
            case HARDLINK -> hardLink(entry, resolved, file);
            case FIFO, CHAR_DEVICE, BLOCK_DEVICE -> special(entry, resolved, file);
        }
    }

    @Override
    IOException writeFailure(LayerEntry entry, IOException e) {
        return new IOException("layer " + layer() + ": entry \"" + Names.quote(entry.path()) + "\" cannot be written in "
                + target + ": " + reason(e), e);
    }

    /** The root's own entry ({@code ./}): its owner and attributes now, its mode and time at {@link #finish}. */
    @Override
    void root(LayerEntry entry) throws IOException {
        rootEntry = entry;
        setOwner(target, entry, false);
        setXattrs(target, entry, true);
    }

    private void directory(LayerEntry entry, String resolved, Path file) throws IOException {
        boolean keep = knownDirectory(resolved);
        if (!keep) {
            replace(resolved);
            Files.createDirectory(file);
        }
        setOwner(file, entry, !keep);
        setXattrs(file, entry, keep);
        implicitDirectories.remove(resolved);
        described(resolved, entry, "");
    }

    private void file(LayerEntry entry, String resolved, Path file, Supplier<InputStream> content) throws IOException {
        if (entry.size() > limits.maxBytes() - bytes) {
            throw tooManyBytes();
        }
        replace(resolved);
        try (FileChannel out = FileChannel.open(file, CREATE_NEW, PRIVATE)) {
            copy(content.get(), out);
        }
        setOwner(file, entry, true);
        setXattrs(file, entry, false);
        setTimeAndMode(file, entry.mtime(), entry.mode());
        described(resolved, entry, "");
    }

    /** Copies an entry's content; reads are the layer's (their errors name it), writes the file's. */
    private void copy(InputStream content, FileChannel out) throws IOException {
        byte[] buffer = new byte[BUFFER];
        for (int n = read(layer(), content, buffer); n >= 0; n = read(layer(), content, buffer)) {
            bytes += n;
            if (bytes > limits.maxBytes()) {
                throw tooManyBytes(); // a sparse file's content can exceed the size its header gives
            }
            for (int done = 0; done < n; done += WRITE_PIECE) {
                ByteBuffer piece = ByteBuffer.wrap(buffer, done, Math.min(WRITE_PIECE, n - done));
                while (piece.hasRemaining()) {
                    out.write(piece);
                }
            }
        }
    }

    private InvalidContentException tooManyBytes() {
        return limits.tooManyBytes(layer());
    }

    private void symlink(LayerEntry entry, String resolved, Path file) throws IOException {
        replace(resolved);
        Files.createSymbolicLink(file, Path.of(entry.linkName()));
        setOwner(file, entry, true);
        xattrsLeftOut += entry.xattrs().size(); // Linux takes user.* on files and directories only
        Files.getFileAttributeView(file, BasicFileAttributeView.class, NOFOLLOW)
                .setTimes(FileTime.from(entry.mtime()), null, null);
        described(resolved, entry, entry.linkName());
    }

    private void hardLink(LayerEntry entry, String resolved, Path file) throws IOException {
        String linked = linkTarget(entry, resolved);
        replace(resolved);
        if (attributes(target.resolve(linked)) == null) {
            devicesLeftOut++; // a link to a device node not made: left out with it
        } else {
            Files.createLink(file, target.resolve(linked));
        }
        described(resolved, entry, linked);
    }

    private void special(LayerEntry entry, String resolved, Path file) throws IOException {
        replace(resolved);
        boolean fifo = entry.type() == LayerEntry.Type.FIFO;
        if (!fifo && !root) {
            devicesLeftOut++;
            described(resolved, entry, "");
            return;
        }
        String name = file.toString();
        boolean made = fifo ? run(entry, "mkfifo", "--", name)
                : run(entry, "mknod", "--", name, entry.type() == LayerEntry.Type.CHAR_DEVICE ? "c" : "b",
                        Integer.toString(entry.devMajor()), Integer.toString(entry.devMinor()));
        if (!made) {
            if (fifo) {
                throw new IOException("mkfifo failed");
            }
            devicesLeftOut++;
            described(resolved, entry, "");
            return;
        }
        setOwner(file, entry, true);
        // Opening a FIFO blocks and opening a device acts on it: mode and time by path, never through a descriptor.
        Files.setAttribute(file, "unix:mode", entry.mode());
        Instant mtime = entry.mtime();
        if (!run(entry, "touch", "-h", "-c", "-m", "-d", "@" + mtime.getEpochSecond() + "." + String.format("%09d",
                mtime.getNano()), "--", name)) {
            throw new IOException("touch failed to set its time");
        }
        described(resolved, entry, "");
    }

    private static boolean special(LayerEntry.Type type) {
        return type == LayerEntry.Type.FIFO || type == LayerEntry.Type.CHAR_DEVICE || type == LayerEntry.Type.BLOCK_DEVICE;
    }

    /** Runs a program that makes or touches a special file; false when it fails or is missing. */
    private boolean run(LayerEntry entry, String... command) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return false;
        }
        try {
            return process.waitFor() == 0;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while making \"" + Names.quote(entry.path()) + "\"");
        }
    }

    @Override
    Stat at(String path) throws IOException {
        if (knownDirectory(path)) {
            return Stat.DIRECTORY;
        }
        Path file = target.resolve(path);
        BasicFileAttributes attributes = attributes(file);
        if (attributes == null) {
            // A path the layers describe and the applier left out is a device node.
            return entries.containsKey(path) ? Stat.OTHER : Stat.MISSING;
        }
        if (attributes.isSymbolicLink()) {
            return Stat.symlink(Files.readSymbolicLink(file).toString());
        }
        return attributes.isDirectory() ? Stat.DIRECTORY : Stat.OTHER;
    }

    /** The paths in a directory: on disk, and those the layers describe but left out (device nodes). */
    @Override
    Set<String> children(String dir) throws IOException {
        Set<String> children = new TreeSet<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(target.resolve(dir))) {
            for (Path child : listing) {
                children.add(join(dir, child.getFileName().toString()));
            }
        } catch (NoSuchFileException e) {
            return children;
        }
        for (String described : under(entries.navigableKeySet(), dir)) {
            if (described.indexOf('/', dir.isEmpty() ? 0 : dir.length() + 1) < 0) {
                children.add(described);
            }
        }
        return children;
    }

    /**
     * Removes what is at {@code path} (a directory with its tree; a link itself, never its target),
     * known from what the layers made: only this applier writes the target, which started empty.
     */
    private void replace(String path) throws IOException {
        if (entries.containsKey(path) || implicitDirectories.contains(path)) {
            remove(path);
        }
    }

    @Override
    void remove(String path) throws IOException {
        Path file = target.resolve(path);
        BasicFileAttributes attributes = attributes(file);
        if (attributes != null) {
            Trees.delete(file, false);
        }
        keepLinksTo(path);
        entries.remove(path);
        under(entries.navigableKeySet(), path).clear();
        implicitDirectories.remove(path);
        under(implicitDirectories, path).clear();
    }

    @Override
    void makeDirectory(String path) throws IOException {
        Files.createDirectory(target.resolve(path));
        implicitDirectories.add(path);
    }

    /** A directory the layers made or described: on disk as such, since only this applier writes the target. */
    private boolean knownDirectory(String path) {
        LayerEntry entry = entries.get(path);
        return entry != null ? entry.type() == LayerEntry.Type.DIRECTORY : implicitDirectories.contains(path);
    }

    /** Records what the current layer put at a resolved path. */
    private void described(String path, LayerEntry entry, String linkName) {
        LayerEntry described = new LayerEntry(path, entry.type(), entry.mode(), entry.uid(), entry.gid(), entry.mtime(),
                entry.size(), linkName, entry.xattrs(), entry.devMajor(), entry.devMinor());
        entries.put(path, described);
        linked(described);
        wrote(path);
    }

    private void linked(LayerEntry entry) {
        if (entry.type() == LayerEntry.Type.HARDLINK) {
            linkedTo.computeIfAbsent(entry.linkName(), target -> new TreeSet<>(LayerEntry.PATH_ORDER)).add(entry.path());
        }
    }

    /**
     * Before {@code path} and its tree leave the entries: the hard links to them that stay keep the
     * file they share, which stays on disk, so that the record describes it. The first link in path
     * order takes the entry of the path it linked to, the others link to that one.
     */
    private void keepLinksTo(String path) {
        if (linkedTo.isEmpty()) {
            return;
        }
        List<String> targets = new ArrayList<>(under(linkedTo.navigableKeySet(), path));
        if (linkedTo.containsKey(path)) {
            targets.add(path);
        }
        for (String target : targets) {
            LayerEntry file = entries.get(target);
            TreeSet<String> links = linkedTo.remove(target);
            if (file == null) {
                continue; // a record's link to a path it does not hold: nothing to keep
            }
            String first = null;
            for (String link : links) {
                LayerEntry entry = entries.get(link);
                if (entry == null || entry.type() != LayerEntry.Type.HARDLINK || !entry.linkName().equals(target)
                        || link.equals(path) || link.startsWith(path + "/")) {
                    continue; // replaced since, or leaving too
                }
                LayerEntry kept = first == null
                        ? new LayerEntry(link, file.type(), file.mode(), file.uid(), file.gid(), file.mtime(), file.size(),
                                file.linkName(), file.xattrs(), file.devMajor(), file.devMinor())
                        : new LayerEntry(link, entry.type(), entry.mode(), entry.uid(), entry.gid(), entry.mtime(), 0,
                                first, entry.xattrs(), 0, 0);
                entries.put(link, kept);
                linked(kept);
                first = first == null ? link : first;
            }
        }
    }

    /** @param made whether the path was just made, and so has the owner new paths get */
    private void setOwner(Path file, LayerEntry entry, boolean made) throws IOException {
        if (!root) {
            ownersLeftOut |= entry.uid() != 0 || entry.gid() != 0;
            return;
        }
        if (made && entry.uid() == newPathUid && entry.gid() == newPathGid) {
            return;
        }
        try {
            Files.setAttribute(file, "unix:uid", (int) entry.uid(), NOFOLLOW);
            Files.setAttribute(file, "unix:gid", (int) entry.gid(), NOFOLLOW);
        } catch (FileSystemException e) {
            ownersLeftOut = true; // root of a user namespace without this id mapped
        }
    }

    /** Sets the entry's {@code user.*} attributes; on a kept directory, also removes the others. */
    private void setXattrs(Path file, LayerEntry entry, boolean replace) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class, NOFOLLOW);
        try {
            if (replace) {
                for (String name : view.list()) {
                    if (!entry.xattrs().containsKey(USER_XATTR + name)) {
                        view.delete(name);
                    }
                }
            }
            for (Map.Entry<String, String> xattr : entry.xattrs().entrySet()) {
                if (xattr.getKey().startsWith(USER_XATTR)) {
                    view.write(xattr.getKey().substring(USER_XATTR.length()),
                            ByteBuffer.wrap(xattr.getValue().getBytes(StandardCharsets.UTF_8)));
                } else {
                    xattrsLeftOut++;
                }
            }
        } catch (FileSystemException | UnsupportedOperationException e) {
            xattrsLeftOut += (int) entry.xattrs().keySet().stream().filter(name -> name.startsWith(USER_XATTR)).count();
        }
    }

    /** The time first and the mode last: without root, a mode without read permission forbids touching the file. */
    private static void setTimeAndMode(Path file, Instant mtime, int mode) throws IOException {
        Files.getFileAttributeView(file, BasicFileAttributeView.class, NOFOLLOW).setTimes(FileTime.from(mtime), null, null);
        Files.setAttribute(file, "unix:mode", mode, NOFOLLOW);
    }

    /** The system's reason for a failed write, without the path the JDK puts in front of it. */
    private static String reason(IOException e) {
        if (!(e instanceof FileSystemException failure)) {
            return e.getMessage();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "the file exists";
        }
        return failure.getReason() != null ? failure.getReason() : "the file system refused it";
    }

    private static BasicFileAttributes attributes(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
