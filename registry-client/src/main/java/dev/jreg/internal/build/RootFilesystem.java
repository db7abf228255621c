package dev.jreg.internal.build;

import dev.jreg.internal.layer.Compression;
import dev.jreg.internal.layer.FilesystemDiff;
import dev.jreg.internal.layer.LayerApplier;
import dev.jreg.internal.layer.LayerLimits;
import dev.jreg.internal.layer.LayerWriter;
import dev.jreg.internal.layer.SourcedEntry;
import dev.jreg.internal.layer.Trees;
import dev.jreg.internal.layer.UnpackRecord;
import dev.jreg.internal.layer.WrittenLayer;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.internal.sandbox.RunSpec;
import dev.jreg.internal.sandbox.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A stage's root filesystem on disk, for its {@code RUN} steps: the base image's layers and each
 * later step's layer applied in order ({@link #apply}), and each {@code RUN} command's change
 * written as one layer ({@link #run}), as {@code docker build} commits a container after a step.
 *
 * <p>It lives in a directory of its own under a work directory the caller chooses on the store's
 * file system, so that a layer's blob is renamed into the store rather than copied. That directory
 * has mode 0700, so that no other account reaches the image's setuid programs through it, and
 * holds the root filesystem, mode 0755, and while a command runs the files it sees in
 * {@code /dev/pipes}, if any. Every file in it is made by this process, and so owned by
 * the user running jreg, whom a rootless sandbox maps to the image's root. The directory is
 * removed by {@link #close}, when a step fails, and by a shutdown hook when the JVM is stopped
 * (Ctrl-C, {@code kill}); a {@code kill -9} leaves it, and {@link #deleteAbandoned} deletes it:
 * for its whole life the directory's {@code lock} file is locked by its process, so a directory
 * whose lock another process can take is no live build's.
 *
 * <p>A command's change is found as {@code jreg commit} finds the edits of an unpacked directory:
 * against the {@link UnpackRecord} of what the layers wrote (each path's entry and its stamp right
 * after), taken once before a {@code RUN}, {@link FilesystemDiff} compares the tree the command
 * left, a path whose stamp is the recorded one without a look at it; then the record takes in the
 * change, so that the next {@code RUN}'s diff starts there, and a layer applied in between
 * ({@code COPY}, {@code ADD}) goes onto it through {@link LayerApplier#onto}. Modification times
 * are compared to the nanosecond, since steps follow each other within a second. The sandbox
 * removes the mount points it made, and gives their directories their times back, so that neither
 * shows as a change. Owners in a layer: run by root, those on disk, which are real; run by an
 * ordinary user, who owns every file, a path the image had keeps the owner its layers gave it and
 * a path the command made is root's (0:0).
 *
 * <p>Not for concurrent use: one thread applies and runs.
 */
final class RootFilesystem implements AutoCloseable {
    /** Times to the nanosecond: the record holds the times on disk. */
    private static final FilesystemDiff DIFF = FilesystemDiff.forThisProcess(false, FilesystemDiff.ImageContent.NONE)
            .withExactTimes();
    /**
     * How long a stopped JVM's hook waits for the step under way: a command ends at once, as the
     * sandbox's own hook kills it; a layer being applied or written may not, and is not waited for.
     */
    private static final long SHUTDOWN_WAIT_SECONDS = 10;
    /** What the layers describe and the disk cannot hold (owners, device nodes) stays in the record and the image. */
    private static final Consumer<String> UNREPRODUCED = line -> { };
    /** Where a command sees the files given to {@link #run}, as BuildKit mounts a here-document's script. */
    static final String PIPES = "/dev/pipes";
    private static final Set<PosixFilePermission> MODE_755 = PosixFilePermissions.fromString("rwxr-xr-x");
    /** Those not yet removed, which a stopped JVM removes on its way out. */
    private static final Set<RootFilesystem> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(RootFilesystem::removeOnShutdown),
                "jreg-build-rootfs"));
    }

    /** The file in the directory its process holds locked: {@link #deleteAbandoned} deletes a directory whose lock it takes. */
    private static final String LOCK = "lock";
    private static final String PREFIX = ".rootfs-";

    private final Path directory;
    private final Path root;
    /** Holds the lock of the directory's {@value #LOCK} file, until the directory is removed. */
    private final FileChannel lock;
    /** Held while a step works in the directory: the shutdown hook waits for it before removing the directory. */
    private final ReentrantLock busy = new ReentrantLock();
    /** What the directory holds, but for the layers applied since it was taken. */
    private UnpackRecord record = new UnpackRecord(new TreeMap<>());
    /** The applier of the layers applied since the record was taken; null when none was. */
    private LayerApplier applier;
    private volatile boolean removed;
    /** The unpacked base the directory links to, ended before the directory is removed; null when none. */
    private UnpackedBases.Loan loan;

    private RootFilesystem(Path directory, FileChannel lock) {
        this.directory = directory;
        this.root = directory.resolve("rootfs");
        this.lock = lock;
    }

    /**
     * An empty root filesystem, in a new directory under {@code workDirectory}.
     *
     * @param workDirectory a directory on the store's file system for the stage's files, made
     *     when missing; what this makes there is gone again once closed
     * @throws IOException when the directory cannot be made
     */
    static RootFilesystem create(Path workDirectory) throws IOException {
        Files.createDirectories(workDirectory);
        RootFilesystem filesystem = null;
        while (filesystem == null) {
            Path directory = Files.createTempDirectory(workDirectory, PREFIX);
            FileChannel channel;
            try {
                channel = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (NoSuchFileException prunedMeanwhile) {
                continue;
            }
            if (tryLock(channel) && Files.exists(directory.resolve(LOCK), LinkOption.NOFOLLOW_LINKS)) {
                filesystem = new RootFilesystem(directory, channel);
            } else {
                // A prune took the new directory for a killed build's between its making and its locking.
                channel.close();
            }
        }
        OPEN.add(filesystem);
        try {
            Files.createDirectory(filesystem.root);
            Files.setPosixFilePermissions(filesystem.root, MODE_755);
        } catch (IOException | RuntimeException | Error e) {
            filesystem.failed(e);
            throw e;
        }
        return filesystem;
    }

    /**
     * Deletes the directories under {@code workDirectory} that killed builds left: those whose
     * lock this takes, so none a live build holds (of any process).
     *
     * @return how many were deleted
     * @throws IOException when one cannot be deleted
     */
    static int deleteAbandoned(Path workDirectory) throws IOException {
        if (!Files.isDirectory(workDirectory, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        List<Path> directories;
        try (Stream<Path> listing = Files.list(workDirectory)) {
            directories = listing.filter(p -> p.getFileName().toString().startsWith(PREFIX)
                    && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
        }
        int deleted = 0;
        for (Path directory : directories) {
            FileChannel channel;
            try {
                channel = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (NoSuchFileException goneMeanwhile) {
                continue;
            }
            try (channel) {
                if (tryLock(channel)) {
                    Trees.delete(directory, false);
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** Whether this takes the channel's file lock: not when another process, or this one, holds it. */
    static boolean tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock() != null;
        } catch (OverlappingFileLockException heldHere) {
            return false;
        }
    }

    /**
     * Makes the directory, still empty, a tree of links to an unpacked base: the layers it holds
     * count as applied. The loan ends when the directory is removed.
     */
    void linkFrom(UnpackedBases.Loan base) throws IOException {
        requireOpen();
        busy.lock();
        try {
            loan = base;
            record = base.linkInto(root, LayerApplier.runningAsRoot());
        } catch (IOException | RuntimeException | Error e) {
            failed(e);
            throw e;
        } finally {
            busy.unlock();
        }
    }

    /** The root filesystem's directory: the image's files as the steps so far left them. */
    Path root() {
        return root;
    }

    /**
     * Applies one layer on top of those applied before: the base image's, lowest first, then each
     * step's that is no {@code RUN} ({@code COPY}, {@code ADD}), before the next {@code RUN}. The
     * blob is read once, to its end, and not closed here; its bytes are the caller's to verify.
     *
     * @param layerBlob the layer, compressed or not (gzip, zstd, or a plain tar)
     * @param layerName how errors name the layer: its digest ({@code sha256:…})
     * @throws dev.jreg.error.InvalidContentException when the layer cannot be read or holds an
     *     entry refused ({@link LayerApplier}); the directory is removed
     * @throws IOException from the blob's stream, or when the directory cannot be written; the
     *     directory is removed
     * @throws IllegalStateException when the directory was removed
     */
    void apply(InputStream layerBlob, String layerName) throws IOException {
        requireOpen();
        busy.lock();
        try {
            if (applier == null) {
                applier = LayerApplier.onto(root, record, LayerLimits.DEFAULT, UNREPRODUCED);
            }
            applier.apply(layerName, layerBlob);
        } catch (IOException | RuntimeException | Error e) {
            failed(e);
            throw e;
        } finally {
            busy.unlock();
        }
    }

    /**
     * Runs a {@code RUN} command in the root filesystem, and writes what it changed as one layer
     * into {@code store}: the paths it added or changed, with their parents as the image has them,
     * and a whiteout for each path it deleted (one for a deleted directory). Mount points the
     * sandbox made are not in it. The next {@code RUN}'s layer holds only that one's change.
     *
     * <p>A command that changes nothing gives no layer; docker still makes an empty one for a
     * {@code RUN}, and the executor decides whether to. Until a manifest names it, the layer's blob
     * is one that garbage collection may delete: the caller holds {@link OciLayout#copying()}.
     *
     * @param pipes files the command sees read-only in {@code /dev/pipes}, by name (BuildKit's
     *     place for a here-document's script): each written, mode 0755, into a directory beside
     *     the root filesystem, never in it, and deleted after the command; empty for none
     * @param output the command's lines, as {@link Sandbox#run} hands them on
     * @param compression how the layer is compressed
     * @param clamp the latest modification time the layer holds ({@code SOURCE_DATE_EPOCH})
     * @return the layer written, or empty when the command changed nothing
     * @throws RunFailedException when the command ends with a status other than 0; the directory
     *     is removed
     * @throws InterruptedException when the calling thread is interrupted: the command and what it
     *     started are killed first, and the directory is removed
     * @throws IllegalArgumentException when the spec's user is not in the image, as
     *     {@link Sandbox#run} says; the directory is removed
     * @throws dev.jreg.internal.sandbox.SandboxUnavailableException when the sandbox cannot run
     *     here; the directory is removed
     * @throws IOException when the directory or the store cannot be written; the directory is
     *     removed
     * @throws IllegalStateException when the directory was removed
     */
    Optional<WrittenLayer> run(Sandbox sandbox, RunSpec spec, Map<String, String> pipes, Consumer<String> output,
            Compression compression, Optional<Instant> clamp, OciLayout store)
            throws IOException, InterruptedException, RunFailedException {
        requireOpen();
        busy.lock();
        try {
            if (applier != null) {
                record = applier.finish();
                applier = null;
            }
            int status;
            if (pipes.isEmpty()) {
                status = sandbox.run(root, spec, output);
            } else {
                Path directory = pipes(pipes);
                List<RunSpec.ReadOnlyBind> binds = new ArrayList<>(spec.binds());
                binds.add(new RunSpec.ReadOnlyBind(directory, PIPES));
                try {
                    status = sandbox.run(root, new RunSpec(spec.argv(), spec.env(), spec.workingDirectory(), spec.user(),
                            spec.network(), binds), output);
                } finally {
                    Trees.delete(directory, false);
                }
            }
            if (status != 0) {
                throw new RunFailedException(status);
            }
            List<SourcedEntry> changes = DIFF.changes(root, record);
            if (changes.isEmpty()) {
                return Optional.empty();
            }
            LayerWriter writer = LayerWriter.of(compression, clamp);
            WrittenLayer[] written = new WrittenLayer[1];
            store.putNew(compression.ociMediaType(), out -> written[0] = writer.write(changes, out));
            record = record.withChanges(root, changes);
            return Optional.of(written[0]);
        } catch (IOException | InterruptedException | RunFailedException | RuntimeException | Error e) {
            failed(e);
            throw e;
        } finally {
            busy.unlock();
        }
    }

    /** A new directory beside the root filesystem holding the files, each mode 0755, the directory too. */
    private Path pipes(Map<String, String> files) throws IOException {
        Path directory = Files.createDirectory(this.directory.resolve("pipes"));
        Files.setPosixFilePermissions(directory, MODE_755);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = Files.writeString(directory.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(path, MODE_755);
        }
        return directory;
    }

    /** Whether the directory was removed: by {@link #close}, or after a failed step. */
    boolean removed() {
        return removed;
    }

    /**
     * Removes the directory and all it holds.
     *
     * @throws IOException when it cannot be removed
     */
    @Override
    public void close() throws IOException {
        remove();
    }

    private void requireOpen() {
        if (removed) {
            throw new IllegalStateException("the root filesystem was removed, after a failed step or by close");
        }
    }

    /** Removes the directory after a failure, which keeps a failure to remove it as suppressed. */
    private void failed(Throwable failure) {
        try {
            remove();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Removes the directory, unless done; a removal that fails leaves it to the next call or the hook. */
    private synchronized void remove() throws IOException {
        removed = true;
        if (loan != null) {
            // first: the unlinks below change the inodes the base shares
            UnpackedBases.Loan ended = loan;
            loan = null;
            ended.close();
        }
        if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            Trees.delete(directory, false);
        }
        // last: a prune of another process may take the directory once it is unlocked
        lock.close();
        OPEN.remove(this);
    }

    private void removeOnShutdown() {
        try {
            boolean idle = busy.tryLock(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
            try {
                remove();
            } finally {
                if (idle) {
                    busy.unlock();
                }
            }
        } catch (IOException | InterruptedException e) {
            // The JVM is on its way out: what is left is what a kill -9 leaves.
        }
    }
}
