package dev.jreg.internal.layout;

import dev.jreg.PruneResult;
import dev.jreg.VerifyReport;
import dev.jreg.internal.store.ImageSink;
import dev.jreg.internal.store.ImageSource;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * jreg's local store ({@code $JREG_HOME}): an OCI layout shared by every image, so layers are
 * stored once, whose names are full references ({@code docker.io/library/nginx:1.24.0}). Unlike
 * other layouts it is shared by jreg processes and collected: {@code index.json} changes under a
 * file lock on {@code .jreg.lock}; blobs are written through {@code ingest/} ({@link Ingest});
 * copies into the store hold {@code .jreg.activity} shared while they write, and garbage
 * collection and verification hold it exclusively ({@link StoreLock}, {@link Collector}).
 */
public final class LocalStore extends OciLayout {
    private final Path activity;
    private final Collector collector;

    LocalStore(Path root, Ingest files) {
        super(root, root.resolve(".jreg.lock"), files);
        this.activity = root.resolve(".jreg.activity");
        this.collector = new Collector(this, root.resolve("ingest"));
    }

    /**
     * Opens the store at this directory. Opening and reading write nothing: a store that does not
     * exist yet reads as empty, and its directory, {@code ingest/} and lock files are made by the
     * first write into it.
     */
    public static LocalStore open(Path root) throws IOException {
        Path dir = root.toAbsolutePath().normalize();
        return new LocalStore(dir, new Ingest(dir.resolve("ingest")));
    }

    /** The descriptor named by this reference, if any. */
    public Optional<Descriptor> lookup(Reference reference) throws IOException {
        return lookup(reference.toString());
    }

    /** {@link #setName(String, Descriptor)} for a reference's name. */
    public boolean setName(Reference reference, Descriptor target) throws IOException {
        return setName(reference.toString(), target);
    }

    /** A sink that writes into this store and names the result {@code reference}. */
    public ImageSink sink(Reference reference) {
        return sink(reference.toString());
    }

    /**
     * A source reading the images of one repository from this store: a tag {@code t} is the
     * image named {@code reference.withTag(t)}; a digest is read directly.
     */
    public ImageSource source(Reference reference) {
        return source(reference.familiar(), tag -> reference.withTag(tag).toString());
    }

    /**
     * A source reading the store's images by digest, for an image without a name: a tag it is
     * asked for is looked up as a whole name, which no name of the store is.
     *
     * @param shown what messages call the image after {@code local:} (its short image ID)
     */
    public ImageSource sourceByDigest(String shown) {
        return source(shown, UnaryOperator.identity());
    }

    private ImageSource source(String shown, UnaryOperator<String> nameOfTag) {
        return new LayoutSource(this, "local:" + shown, "run `jreg verify --repair` to remove it, then pull the image again",
                "the local store; pull it again to fetch what is missing", nameOfTag, null);
    }

    /**
     * Held by copies and commits into the store, so garbage collection waits for them; the first
     * makes the store.
     */
    @Override
    public Closeable copying() throws IOException {
        ingest.createDirectories(root());
        return StoreLock.shared(activity);
    }

    /** None: in the store an image is without a name only while no name points at it. */
    @Override
    boolean unnamedBesideNamed() {
        return false;
    }

    /**
     * None: the store is asked for digests its user gives, which it may not hold, and a name
     * whose manifest it lost is an incomplete image, which pulling it again completes.
     */
    @Override
    Optional<IOException> damage(Digest missing, String asked) {
        return Optional.empty();
    }

    /**
     * Replaces a file of jreg's own below the store, outside {@code blobs/} and {@code index.json}
     * (an unpack record), whole and as durably as {@code index.json}: written into a temp file in
     * {@code ingest/}, forced to disk, renamed into place, its folder forced; folders on the way
     * are made as a blob's are. Garbage collection, which empties {@code ingest/}, waits for it.
     *
     * @param file the path relative to the store's folder
     * @param content writes the file's bytes
     */
    public void putFile(Path file, BlobWriter content) throws IOException {
        try (Closeable writing = copying()) {
            Path target = root().resolve(file);
            ingest.createDirectories(target.getParent());
            ingest.replace(target, content);
        }
    }

    /**
     * Deletes every blob no name reaches (walking indexes, manifests, configs and layers) and every
     * temp file in {@code ingest/}. Waits until no copy into the store is running, in this process
     * or another, since a copy writes blobs before it names them.
     *
     * @param waiting run once before waiting, when a copy is running (to say so)
     */
    public PruneResult collectGarbage(Runnable waiting) throws IOException {
        return unwritten() ? PruneResult.NOTHING
                : holding(StoreLock.exclusive(activity, waiting), unchanged -> collector.collect());
    }

    /**
     * Deletes a folder of jreg's own files below the store (the build cache), once no copy or
     * build into the store runs, in this process or another.
     *
     * @param folder the path relative to the store's folder
     * @param waiting run once before waiting, when a copy is running (to say so)
     * @return the entries deleted — each file directly in the folder, and each file or directory
     *     in a folder of it (a cached step, an unpacked base's whole tree) — and the bytes of the
     *     regular files deleted, each file once however many links it has
     */
    public DeletedFolder deleteFolder(Path folder, Runnable waiting) throws IOException {
        Path root = root().resolve(folder);
        if (unwritten() || !Files.isDirectory(root)) {
            return new DeletedFolder(0, 0);
        }
        try (Closeable exclusive = StoreLock.exclusive(activity, waiting); Stream<Path> walk = Files.walk(root)) {
            int entries = 0;
            long bytes = 0;
            Set<Object> counted = new HashSet<>();
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                int depth = root.relativize(path).getNameCount();
                if (depth == 2 || depth == 1 && !attributes.isDirectory()) {
                    entries++;
                }
                if (attributes.isRegularFile() && (attributes.fileKey() == null || counted.add(attributes.fileKey()))) {
                    bytes += attributes.size();
                }
                Files.delete(path);
            }
            return new DeletedFolder(entries, bytes);
        }
    }

    /**
     * What {@link #deleteFolder} deleted.
     *
     * @param entries the entries of the folder's folders, and the files directly in it
     * @param bytes the regular files' bytes, each file once
     */
    public record DeletedFolder(int entries, long bytes) {
    }

    /**
     * {@link #collectGarbage} when no copy into the store runs now; empty, at once, when one
     * does (the blobs stay for a later collection).
     */
    public Optional<PruneResult> collectGarbageIfIdle() throws IOException {
        Closeable exclusive = StoreLock.tryExclusive(activity);
        return exclusive == null ? Optional.empty() : Optional.of(holding(exclusive, unchanged -> collector.collect()));
    }

    /**
     * Checks the store: every blob hashes to its name, every name reaches complete content.
     * With {@code repair}, corrupt blobs are deleted; names stay, incomplete until a pull fetches
     * what is missing (a pull checks presence and size, so it would not replace a corrupt blob).
     * Waits for running copies, like garbage collection; a check without repair of a store this
     * user cannot write only reads it.
     *
     * @param waiting run once before waiting, when a copy is running (to say so)
     */
    public VerifyReport verify(boolean repair, Runnable waiting) throws IOException {
        if (unwritten()) {
            return new VerifyReport(0, List.of(), List.of(), repair);
        }
        if (!repair && !Files.isWritable(root())) {
            return collector.verify(false); // a store this user cannot write: only read, no lock file to make
        }
        return holding(StoreLock.exclusive(activity, waiting), unchanged -> collector.verify(repair));
    }

    /** Runs the collector, which leaves the index unchanged, with no copy running, as {@code exclusive} ensures. */
    private <T> T holding(Closeable exclusive, Index.Edit<T> work) throws IOException {
        try (exclusive) {
            return index.edit(work);
        }
    }

    /**
     * True while nothing was written into the store: its directory missing or empty. There is
     * nothing to collect or check then, and no lock file to make for it.
     */
    private boolean unwritten() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root())) {
            return !entries.iterator().hasNext();
        } catch (NoSuchFileException e) {
            return true;
        }
    }

    /** True when a name's blob and all it references are present at their sizes: a pull's check, without hashing. */
    public boolean isComplete(Descriptor descriptor) throws IOException {
        return collector.complete(descriptor, Set.of(), 0);
    }
}
