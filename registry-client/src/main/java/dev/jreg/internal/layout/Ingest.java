package dev.jreg.internal.layout;

import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.StoreWriteException;
import dev.jreg.internal.store.BlobRange;
import dev.jreg.internal.store.BlobSource;
import dev.jreg.internal.store.HashingOutputStream;
import dev.jreg.internal.store.VerifiedCopy;
import dev.jreg.model.Descriptor;
import dev.jreg.model.MediaType;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every file written into a layout, whole or not at all and, once there, safe from a power loss,
 * as containers/image's {@code blobFileSyncAndRename} writes: a temp file's data forced to disk,
 * the file renamed over its final name, the directory forced; a directory made on the way to a
 * file is forced into its parent ({@link #createDirectories}). Files get the umask's mode (0644
 * under umask 022), never a temp file's 0600, so that other accounts and container runtimes can
 * read a layout. Data is forced and files renamed only through {@link #force} and {@link #rename}.
 *
 * <p>Blobs and manifests ({@link #put}) are checked as they come ({@link VerifiedCopy}) and
 * published only when whole and correct; a broken stream is reopened from the bytes written while
 * attempts move forward; a digest mismatch deletes the partial file. In jreg's store that is
 * {@code ingest/ALG-HEX.partial}, one writer per blob across processes (a {@link StoreLock} on
 * {@code ingest/ALG-HEX.lock}), kept when the write fails so that the next run continues it;
 * {@code ingest/} is made by the first write that needs it. In any other layout temp files are
 * hidden beside their targets and deleted when a write fails.
 *
 * <p>Writes reach the kernel in pieces of at most {@value #WRITE_PIECE} bytes: a larger write gets
 * a larger page-cache folio, from the large free blocks that a VM's balloon driver hands back to
 * the host, and every first write into those faults in the host (a cold pull of 847 MB: 3.30 s in
 * 256 KB pieces, 2.70 s in 32 KB ones; docs/PERFORMANCE.md).
 */
class Ingest {
    static final int WRITE_PIECE = 32 * 1024;
    /** A broken stream is resumed as long as each attempt moves forward; this many in a row may not. */
    private static final int MAX_FRUITLESS_RESUMES = 3;
    private static final int BUFFER = 256 * 1024;
    /** What {@code fsync} of a directory says where the file system cannot sync one (EINVAL, ENOTSUP). */
    private static final Set<String> UNSYNCABLE_DIRECTORY = Set.of("Invalid argument", "Operation not supported");
    /**
     * Temp files being written, which a stopped process (Ctrl-C, {@code kill}) deletes on its way
     * out: its writers are not left to finish, and nothing else would ever remove them from a layout.
     */
    private static final Set<Path> WRITING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> WRITING.forEach(Ingest::discardQuietly),
                "jreg-temp-files"));
    }

    private final Path dir;

    /**
     * @param dir the store's {@code ingest/} directory, for partial and temp files, made when first
     *     needed; null for any other layout
     */
    Ingest(Path dir) {
        this.dir = dir;
    }

    /** Forces a file's data, or a directory's entries, to disk. */
    void force(FileChannel channel, Path path) throws IOException {
        channel.force(true);
    }

    /** Renames a file over another, atomically. */
    void rename(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the layout at " + to.getParent() + " does not support atomic renames", e);
        }
    }

    /**
     * Makes a directory and those missing above it, from the top, forcing the parent of each one
     * made, so that a file published in it keeps its path after a power loss, as containers/image
     * syncs a directory after making an entry in it. Directories that exist are left as they are.
     *
     * @return the directory
     */
    Path createDirectories(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return directory;
        }
        Path parent = absolute.getParent();
        createDirectories(parent);
        try {
            Files.createDirectory(absolute);
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(absolute)) {
                return directory; // another writer made it at the same moment, and forces its parent
            }
            throw e;
        }
        forceDirectory(parent);
        return directory;
    }

    /** Stores a blob as {@code target} unless it is there already, at its size. */
    void put(Descriptor blob, BlobSource content, Path target) throws IOException {
        String base = blob.digest().algorithm() + "-" + blob.digest().hex();
        try (Closeable writer = dir != null ? StoreLock.exclusive(createDirectories(dir).resolve(base + ".lock"),
                content::waiting) : null) {
            if (Files.isRegularFile(target) && Files.size(target) == blob.size()) {
                return;
            }
            createDirectories(target.getParent());
            Path partial = dir != null ? dir.resolve(base + ".partial") : tempFor(target);
            try (FileChannel file = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                receive(file, partial, blob, content);
                publish(file, partial, target);
            } catch (DigestMismatchException e) {
                Files.deleteIfExists(partial);
                throw e;
            } catch (StoreWriteException e) {
                // A full disk is no broken stream: asking the source again cannot help.
                throw dir == null ? e : new StoreWriteException(e.file(), (IOException) e.getCause(), "the partial download ("
                        + Files.size(partial) + " of " + blob.size() + " bytes) is kept for the next run");
            } catch (IOException e) {
                if (dir != null && Files.isRegularFile(partial) && Files.size(partial) == 0) {
                    Files.delete(partial); // nothing came: nothing to resume
                }
                throw e;
            } finally {
                if (dir == null) {
                    discard(partial); // gone already once published
                }
            }
        }
    }

    /**
     * Stores a blob whose digest is known only once written, as {@code directory/HEX}: the
     * writer's bytes go into a temp file, hashed with SHA-256 and counted as they reach it — the
     * one hash of them, which the writer may take from the stream ({@link HashingOutputStream#digest})
     * — and are published as {@link #put} publishes them, unless the blob is there already.
     */
    Descriptor putNew(MediaType mediaType, OciLayout.BlobWriter content, Path directory) throws IOException {
        createDirectories(directory);
        Path temp = tempFor(directory.resolve("new"));
        try (FileChannel file = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            TempFile out = new TempFile(file, temp);
            content.writeTo(out);
            Descriptor blob = Descriptor.of(mediaType, out.digest(), out.size());
            Path target = directory.resolve(blob.digest().hex());
            if (!Files.isRegularFile(target) || Files.size(target) != blob.size()) {
                publish(file, temp, target);
            }
            return blob;
        } finally {
            discard(temp); // gone already once published
        }
    }

    /** Replaces a small file ({@code index.json}, {@code oci-layout}) whole. */
    void replace(Path target, byte[] bytes) throws IOException {
        replace(target, out -> out.write(bytes));
    }

    /** Replaces a file whole with what {@code content} writes, streamed through a temp file. */
    void replace(Path target, OciLayout.BlobWriter content) throws IOException {
        Path temp = tempFor(target);
        try (FileChannel file = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            TempFile out = new TempFile(file, temp);
            content.writeTo(out);
            out.flush();
            publish(file, temp, target);
        } finally {
            discard(temp);
        }
    }

    /**
     * A temp file written through {@link Ingest#write} in buffers of {@value #BUFFER} bytes, each
     * hashed and counted as it is written: its digest is that of the bytes in the file.
     */
    private static final class TempFile extends HashingOutputStream {
        private final FileChannel file;
        private final Path path;
        private final byte[] buffer = new byte[BUFFER];
        private int filled;

        TempFile(FileChannel file, Path path) {
            this.file = file;
            this.path = path;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            requireOpen();
            for (int done = 0; done < length;) {
                if (filled == buffer.length) {
                    flush();
                }
                int n = Math.min(length - done, buffer.length - filled);
                System.arraycopy(bytes, offset + done, buffer, filled, n);
                filled += n;
                done += n;
            }
        }

        @Override
        public void flush() throws IOException {
            hash(buffer, 0, filled);
            Ingest.write(file, path, buffer, filled);
            filled = 0;
        }

        @Override
        protected void complete() throws IOException {
            flush();
        }
    }

    /**
     * A temp file's name, unique to its writer: in the store's {@code ingest/}, made when missing,
     * else hidden beside its target.
     */
    private Path tempFor(Path target) throws IOException {
        Path temp = (dir != null ? createDirectories(dir) : target.getParent())
                .resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        WRITING.add(temp);
        return temp;
    }

    /** Deletes a temp file, if still there, and forgets it. */
    private static void discard(Path temp) throws IOException {
        try {
            Files.deleteIfExists(temp);
        } finally {
            WRITING.remove(temp);
        }
    }

    private static void discardQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // the process is ending: a temp file left is what a kill -9 leaves
        }
    }

    /** Makes a written file {@code target}: its data forced, the file renamed, the directory forced. */
    private void publish(FileChannel data, Path file, Path target) throws IOException {
        force(data, file);
        rename(file, target);
        forceDirectory(target.getParent());
    }

    /** Forces a directory's entries to disk, where the file system can sync a directory. */
    private void forceDirectory(Path directory) throws IOException {
        try (FileChannel entries = FileChannel.open(directory, StandardOpenOption.READ)) {
            force(entries, directory);
        } catch (IOException e) {
            if (!UNSYNCABLE_DIRECTORY.contains(e.getMessage())) {
                throw e;
            }
        }
    }

    /**
     * Writes bytes at the channel's position, in pieces. A write that fails (a full disk) is a
     * {@link StoreWriteException} naming the file.
     */
    static void write(WritableByteChannel channel, Path file, byte[] bytes, int length) throws IOException {
        try {
            for (int done = 0; done < length; done += WRITE_PIECE) {
                ByteBuffer piece = ByteBuffer.wrap(bytes, done, Math.min(WRITE_PIECE, length - done));
                while (piece.hasRemaining()) {
                    channel.write(piece);
                }
            }
        } catch (ClosedChannelException e) {
            throw e; // the writer was interrupted (a cancelled copy): nothing wrong with the file
        } catch (IOException e) {
            throw new StoreWriteException(file, e, null);
        }
    }

    /** Writes the blob into the file, after what an earlier run left there (hashed again first). */
    private static void receive(FileChannel file, Path path, Descriptor blob, BlobSource content) throws IOException {
        MessageDigest hasher = blob.digest().newHasher();
        long written = file.size() > blob.size() ? 0 : rehash(file, hasher);
        for (int fruitless = 0;;) {
            long before = written;
            try {
                append(file, path, blob, content, hasher, written);
                return;
            } catch (DigestMismatchException | StoreWriteException e) {
                throw e;
            } catch (IOException e) {
                written = file.size();
                fruitless = written > before ? 0 : fruitless + 1;
                if (fruitless >= MAX_FRUITLESS_RESUMES) {
                    throw e;
                }
            }
        }
    }

    private static long rehash(FileChannel file, MessageDigest hasher) throws IOException {
        long size = file.size(); // not to the end: a partial file that links to a device never ends
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        while (file.position() < size && file.read(buffer) > 0) {
            hasher.update(buffer.flip());
            buffer.clear();
        }
        return file.position();
    }

    /** Appends the rest of the blob from where the file ends; starts the file over when the source does. */
    private static void append(FileChannel file, Path path, Descriptor blob, BlobSource content, MessageDigest hasher,
            long written) throws IOException {
        BlobRange range = written == blob.size() ? new BlobRange(InputStream.nullInputStream(), written)
                : written > 0 ? content.openFrom(written) : new BlobRange(content.open(), 0);
        if (range.offset() != written) {
            hasher.reset();
        }
        if (file.size() > range.offset()) {
            file.truncate(range.offset());
        }
        file.position(range.offset());
        // Full buffers, since a socket hands over a few KB per read; bytes that came before a
        // connection broke are still written, so that the resume starts after them.
        byte[] buffer = new byte[BUFFER];
        int filled = 0;
        try (InputStream in = new VerifiedCopy(range.stream(), blob, null, hasher, null, range.offset())) {
            for (int n; (n = in.read(buffer, filled, buffer.length - filled)) >= 0;) {
                filled += n;
                if (filled == buffer.length) {
                    write(file, path, buffer, filled);
                    filled = 0;
                }
            }
        } finally {
            write(file, path, buffer, filled);
        }
    }
}
