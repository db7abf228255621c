package dev.jreg.internal.build;

import dev.jreg.internal.layer.FileStamp;
import dev.jreg.internal.layer.LayerApplier;
import dev.jreg.internal.layer.LayerEntry;
import dev.jreg.internal.layer.LayerLimits;
import dev.jreg.internal.layer.Trees;
import dev.jreg.internal.layer.UnpackRecord;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Base images kept unpacked in the store's {@code cache/rootfs/}, as buildah and podman keep their
 * images' layers unpacked: a stage's first {@code RUN} starts from a tree of hard links to one
 * instead of unpacking every layer of its base again.
 *
 * <p>{@code cache/rootfs/HEX/rootfs} is the tree, {@code HEX/record} its {@link UnpackRecord}
 * (gzip'd); {@code HEX} is the SHA-256 of the layers' digests and of whether the unpack ran as
 * root (which decides the owners on disk). A tree of links shares each file's inode with the
 * cache, so an entry is lent to one root filesystem at a time — {@code HEX.lock}, locked for as
 * long as the loan, and a set of this process's loans —, and it is trusted again only when, at
 * the end of the loan, no inode it shares was touched: every one still has the change time it had
 * right after linking (a write, {@code chmod}, {@code chown} or unlink through the build's tree
 * changes it). {@code HEX/in-use} marks a loan: an entry found with it, whose borrower was killed
 * or saw a change, is deleted and unpacked again. The {@value #KEPT} most recently used entries
 * are kept; {@code jreg prune --cache} deletes them all.
 */
final class UnpackedBases {
    static final String FOLDER = "rootfs";
    static final int KEPT = 3;
    private static final String TREE = "rootfs";
    private static final String RECORD = "record";
    private static final String IN_USE = "in-use";
    /** Between an entry's name and the random part of the folder its unpack writes, before moving it into place. */
    private static final String NEW = ".new-";
    /** Entries this process has lent: a second file lock on one throws instead of blocking. */
    private static final Set<Path> LENT = ConcurrentHashMap.newKeySet();
    private static final Consumer<String> UNREPRODUCED = line -> { };

    /** Where the layers come from, each verified against its digest as it is read. */
    interface Layers {
        InputStream open(Descriptor layer) throws IOException;
    }

    private final Path folder;
    private final boolean root;

    UnpackedBases(LocalStore store, boolean root) {
        this.folder = store.root().resolve(StepCache.FOLDER).resolve(FOLDER);
        this.root = root;
    }

    /**
     * Lends the entry of these layers, unpacking them into it first when it is missing or was
     * not trusted; empty when another root filesystem has it (the caller unpacks as before).
     *
     * @throws IOException when the cache cannot be written or a layer fails
     */
    Optional<Loan> lend(List<Descriptor> layers, Layers blobs) throws IOException {
        String key = key(layers);
        Path entry = folder.resolve(key);
        Files.createDirectories(folder);
        if (!LENT.add(entry)) {
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(folder.resolve(key + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                LENT.remove(entry);
                return Optional.empty();
            }
            Path record = entry.resolve(RECORD);
            if (Files.exists(entry.resolve(IN_USE)) || Files.exists(entry) && !Files.exists(record)) {
                Trees.delete(entry, false);
            }
            UnpackRecord unpacked = Files.exists(record) ? read(record) : null;
            if (unpacked == null) {
                unpacked = unpack(entry, layers, blobs);
                evictBeyond(KEPT, entry);
            }
            Files.write(entry.resolve(IN_USE), new byte[0]);
            Files.setLastModifiedTime(record, FileTime.fromMillis(System.currentTimeMillis()));
            return Optional.of(new Loan(entry, unpacked, channel));
        } catch (IOException | RuntimeException | Error e) {
            LENT.remove(entry);
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
            }
            throw e;
        }
    }

    private String key(List<Descriptor> layers) {
        StringBuilder text = new StringBuilder(root ? "root\n" : "rootless\n");
        layers.forEach(layer -> text.append(layer.digest()).append('\n'));
        return Digest.sha256(text.toString().getBytes(StandardCharsets.UTF_8)).hex();
    }

    /** The record, or null when it cannot be read (then the entry is unpacked again). */
    private static UnpackRecord read(Path record) {
        try (InputStream in = Files.newInputStream(record)) {
            return UnpackRecord.read(in);
        } catch (IOException e) {
            return null;
        }
    }

    /** Unpacks the layers into a new folder beside the entry, then moves it into place. */
    private UnpackRecord unpack(Path entry, List<Descriptor> layers, Layers blobs) throws IOException {
        if (Files.exists(entry)) {
            Trees.delete(entry, false);
        }
        Path building = Files.createTempDirectory(folder, entry.getFileName() + NEW);
        try {
            Path tree = Files.createDirectory(building.resolve(TREE));
            Files.setPosixFilePermissions(tree, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE));
            LayerApplier applier = LayerApplier.onto(tree, new UnpackRecord(new TreeMap<>()), LayerLimits.DEFAULT,
                    UNREPRODUCED);
            for (Descriptor layer : layers) {
                try (InputStream blob = blobs.open(layer)) {
                    applier.apply(layer.digest().toString(), blob);
                    blob.transferTo(OutputStream.nullOutputStream());
                }
            }
            UnpackRecord record = applier.finish();
            try (OutputStream out = Files.newOutputStream(building.resolve(RECORD))) {
                record.write(out);
            }
            Files.move(building, entry);
            return record;
        } catch (IOException | RuntimeException | Error e) {
            try {
                Trees.delete(building, false);
            } catch (IOException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
    }

    /**
     * Deletes the folders unpacks of killed builds left ({@code HEX.new-N}): those whose entry's
     * {@code HEX.lock}, which an unpack holds throughout, this takes.
     *
     * @return how many were deleted
     * @throws IOException when one cannot be deleted
     */
    static int deleteUnfinished(LocalStore store) throws IOException {
        Path folder = store.root().resolve(StepCache.FOLDER).resolve(FOLDER);
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        List<Path> unfinished;
        try (Stream<Path> listing = Files.list(folder)) {
            unfinished = listing.filter(p -> p.getFileName().toString().contains(NEW)).toList();
        }
        int deleted = 0;
        for (Path building : unfinished) {
            String name = building.getFileName().toString();
            Path entry = folder.resolve(name.substring(0, name.indexOf(NEW)));
            if (!LENT.add(entry)) {
                continue;
            }
            try (FileChannel channel = FileChannel.open(entry.resolveSibling(entry.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                if (RootFilesystem.tryLock(channel) && Files.exists(building, LinkOption.NOFOLLOW_LINKS)) {
                    Trees.delete(building, false);
                    deleted++;
                }
            } finally {
                LENT.remove(entry);
            }
        }
        return deleted;
    }

    /** Deletes the least recently used entries beyond {@code kept}, but for those lent. */
    private void evictBeyond(int kept, Path keep) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> listing = Files.list(folder)) {
            listing.filter(p -> Files.isDirectory(p.resolve(TREE), LinkOption.NOFOLLOW_LINKS) && !p.equals(keep))
                    .forEach(entries::add);
        }
        Map<Path, FileTime> used = new HashMap<>();
        for (Path entry : entries) {
            used.put(entry, lastUse(entry));
        }
        entries.sort(Comparator.comparing(used::get));
        for (int i = 0; i < entries.size() - (kept - 1); i++) {
            Path entry = entries.get(i);
            if (!LENT.add(entry)) {
                continue;
            }
            try (FileChannel channel = FileChannel.open(entry.resolveSibling(entry.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
                if (lock != null) {
                    Trees.delete(entry, false);
                }
            } catch (OverlappingFileLockException e) {
                // lent by this process after all
            } finally {
                LENT.remove(entry);
            }
        }
    }

    private static FileTime lastUse(Path entry) {
        try {
            return Files.getLastModifiedTime(entry.resolve(RECORD));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** An entry lent to one root filesystem, until {@link #close}. */
    static final class Loan implements Closeable {
        private final Path entry;
        private final UnpackRecord record;
        private final FileChannel lock;
        /** Each linked path's stamp right after the whole tree was linked. */
        private final Map<String, FileStamp> linked = new HashMap<>();
        private boolean closed;

        private Loan(Path entry, UnpackRecord record, FileChannel lock) {
            this.entry = entry;
            this.record = record;
            this.lock = lock;
        }

        /**
         * Makes {@code target}, an empty directory, the entry's tree: its directories made anew
         * with their modes, owners and times, everything else a hard link; returns the record of
         * {@code target}, its stamps taken after linking.
         */
        UnpackRecord linkInto(Path target, boolean asRoot) throws IOException {
            Path tree = entry.resolve(TREE);
            List<Path[]> directories = new ArrayList<>();
            Files.walkFileTree(tree, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                    Path made = target.resolve(tree.relativize(dir).toString());
                    if (!dir.equals(tree)) {
                        Files.createDirectory(made);
                    }
                    directories.add(new Path[] {dir, made});
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.createLink(target.resolve(tree.relativize(file).toString()), file);
                    return FileVisitResult.CONTINUE;
                }
            });
            // Deepest first: a directory's time is set after what is made in it, and a mode
            // without write permission after its contents.
            for (int i = directories.size() - 1; i >= 0; i--) {
                Path from = directories.get(i)[0];
                Path to = directories.get(i)[1];
                Map<String, Object> unix = Files.readAttributes(from, "unix:mode,uid,gid,lastModifiedTime,lastAccessTime",
                        LinkOption.NOFOLLOW_LINKS);
                if (asRoot) {
                    Files.setAttribute(to, "unix:uid", unix.get("uid"), LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(to, "unix:gid", unix.get("gid"), LinkOption.NOFOLLOW_LINKS);
                }
                Files.setAttribute(to, "unix:mode", (Integer) unix.get("mode") & 07777, LinkOption.NOFOLLOW_LINKS);
                Files.getFileAttributeView(to, java.nio.file.attribute.BasicFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).setTimes((FileTime) unix.get("lastModifiedTime"),
                                (FileTime) unix.get("lastAccessTime"), null);
            }
            TreeMap<String, UnpackRecord.Item> items = new TreeMap<>();
            for (Map.Entry<String, UnpackRecord.Item> item : record.items().entrySet()) {
                UnpackRecord.Item kept = item.getValue();
                if (kept.stamp() != null) {
                    FileStamp stamp = FileStamp.of(target.resolve(item.getKey()));
                    kept = new UnpackRecord.Item(kept.entry(), stamp);
                    if (kept.entry().type() != LayerEntry.Type.DIRECTORY) {
                        linked.put(item.getKey(), stamp);
                    }
                }
                items.put(item.getKey(), kept);
            }
            return new UnpackRecord(items);
        }

        /**
         * Ends the loan: the entry is trusted again when none of the inodes it shares changed
         * since linking, and deleted otherwise. Call it before the borrower's tree is deleted,
         * whose unlinks change those inodes too.
         */
        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                Path tree = entry.resolve(TREE);
                boolean untouched = true;
                for (Map.Entry<String, FileStamp> path : linked.entrySet()) {
                    FileStamp now;
                    try {
                        now = FileStamp.of(tree.resolve(path.getKey()));
                    } catch (NoSuchFileException e) {
                        now = null;
                    }
                    if (!path.getValue().equals(now)) {
                        untouched = false;
                        break;
                    }
                }
                if (untouched) {
                    Files.deleteIfExists(entry.resolve(IN_USE));
                } else {
                    Trees.delete(entry, false);
                }
            } finally {
                LENT.remove(entry);
                lock.close();
            }
        }
    }
}
