package dev.jreg.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.InvalidContentException;
import dev.jreg.error.StoreWriteException;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.Json;
import dev.jreg.model.Manifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import dev.jreg.store.BlobRange;
import dev.jreg.store.BlobSource;
import dev.jreg.store.ImageSink;
import dev.jreg.store.ImageSource;
import dev.jreg.store.VerifiedCopy;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The local store: an OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/})
 * shared by every image, so layers are stored once. Names live in {@code index.json} as the
 * {@value Descriptor#REF_NAME} annotation holding the full reference.
 *
 * <p>Writes are safe against crashes and concurrent jreg processes: a blob is written to
 * {@code ingest/}, verified, then moved into {@code blobs/} atomically, so a file under a digest
 * name is always complete and correct; {@code index.json} is rewritten under a file lock and
 * replaced atomically.
 */
public final class OciLayout {
    /**
     * On a name in {@code index.json}: the digest the name was pulled by, when the manifest stored
     * is not that one (one platform of an index). docker's RepoDigest: what {@code pull} printed,
     * what {@code images --digests} shows, and a digest {@code NAME@DIGEST} may give.
     */
    public static final String REPO_DIGEST = "dev.jreg.repo.digest";
    private static final String LAYOUT_FILE = "oci-layout";
    private static final String INDEX_FILE = "index.json";
    private static final String LOCK_FILE = ".jreg.lock";
    private static final String ACTIVITY_FILE = ".jreg.activity";
    private static final int MAX_DEPTH = 4;
    /** A broken stream is resumed as long as each attempt moves forward; this many in a row may not. */
    private static final int MAX_FRUITLESS_RESUMES = 3;

    private final Path root;
    private final Path blobs;
    private final Path ingest;
    /**
     * File locks belong to the whole JVM (a second lock on the same file throws), so threads and
     * layout instances in one process queue on this per-file lock first. Static because the
     * state it guards, the JVM's file locks, is process-wide too.
     */
    private static final ConcurrentHashMap<Path, ReentrantLock> PROCESS_LOCKS = new ConcurrentHashMap<>();
    private final ReentrantLock indexLock;
    private final StoreLock activity;

    private OciLayout(Path root) {
        this.root = root;
        this.blobs = root.resolve("blobs");
        this.ingest = root.resolve("ingest");
        this.indexLock = PROCESS_LOCKS.computeIfAbsent(root.resolve(LOCK_FILE), p -> new ReentrantLock());
        this.activity = StoreLock.of(root.resolve(ACTIVITY_FILE));
    }

    /** Opens the layout at this directory, creating it when missing. */
    public static OciLayout open(Path root) throws IOException {
        OciLayout layout = new OciLayout(root.toAbsolutePath().normalize());
        layout.initialise();
        return layout;
    }

    private void initialise() throws IOException {
        Files.createDirectories(blobs.resolve("sha256"));
        Files.createDirectories(ingest);
        if (!Files.exists(root.resolve(LAYOUT_FILE)) || !Files.exists(root.resolve(INDEX_FILE))) {
            withIndexLock(() -> {
                if (!Files.exists(root.resolve(LAYOUT_FILE))) {
                    writeAtomically(root.resolve(LAYOUT_FILE), "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
                }
                if (!Files.exists(root.resolve(INDEX_FILE))) {
                    writeIndex(emptyIndex());
                }
                return null;
            });
        }
    }

    /** The layout's directory. */
    public Path root() {
        return root;
    }

    /** Where a blob with this digest lives (it may not exist). */
    public Path blobPath(Digest digest) {
        return blobs.resolve(digest.algorithm()).resolve(digest.hex());
    }

    /** True when the blob is present with the expected size; presence implies it was verified. */
    public boolean hasBlob(Descriptor descriptor) {
        Path path = blobPath(descriptor.digest());
        try {
            return Files.size(path) == descriptor.size();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stores a blob from a stream: written to {@code ingest/}, hashed as it is written, and moved
     * into place only when size and digest match. Nothing is left behind on failure.
     */
    public void putBlob(Descriptor descriptor, InputStream in) throws IOException {
        Digest digest = descriptor.digest();
        Path temp = Files.createTempFile(ingest, digest.hex() + ".", ".tmp");
        try {
            try (in; OutputStream out = BlobFiles.open(temp, StandardOpenOption.WRITE)) {
                VerifiedCopy.copy(in, out, descriptor);
            }
            moveIntoPlace(temp, blobPath(digest));
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Stores a blob, resumably. Bytes go to {@code ingest/ALG-HEX.partial}, hashed as they are
     * written; a stream that breaks is reopened from the bytes already written (a {@code Range}
     * request), and a partial file left by an interrupted run is hashed again and continued.
     * Only when size and digest match is it moved into {@code blobs/}. One writer per blob,
     * across threads and processes; a writer that finds the blob already stored returns at once.
     */
    public void putBlob(Descriptor descriptor, BlobSource content) throws IOException {
        Digest digest = descriptor.digest();
        String base = digest.algorithm() + "-" + digest.hex();
        try (Closeable writer = StoreLock.of(ingest.resolve(base + ".lock")).exclusive(content::waiting)) {
            if (hasBlob(descriptor)) {
                return;
            }
            Path partial = ingest.resolve(base + ".partial");
            Ingest ingest = new Ingest(partial, descriptor);
            int fruitless = 0;
            while (!ingest.complete()) {
                long before = ingest.written();
                try {
                    ingest.append(content);
                } catch (DigestMismatchException e) {
                    Files.deleteIfExists(partial);
                    throw e;
                } catch (StoreWriteException e) {
                    // A full disk is no broken stream: asking the source again cannot help.
                    throw new StoreWriteException(e.file(), (IOException) e.getCause(), "the partial download ("
                            + Files.size(partial) + " of " + descriptor.size() + " bytes) is kept for the next run");
                } catch (IOException e) {
                    fruitless = ingest.written() > before ? 0 : fruitless + 1;
                    if (fruitless >= MAX_FRUITLESS_RESUMES) {
                        throw e;
                    }
                }
            }
            try {
                ingest.verify();
            } catch (DigestMismatchException e) {
                Files.deleteIfExists(partial);
                throw e;
            }
            moveIntoPlace(partial, blobPath(digest));
        }
    }

    /** A partial download: its file, its hash state and how far it got. */
    private static final class Ingest {
        private final Path file;
        private final Descriptor descriptor;
        private final MessageDigest hasher;
        private long written;

        /** Picks up what an earlier run left, re-hashing it; anything longer than the blob is dropped. */
        Ingest(Path file, Descriptor descriptor) throws IOException {
            this.file = file;
            this.descriptor = descriptor;
            this.hasher = descriptor.digest().newHasher();
            if (Files.isRegularFile(file)) {
                long size = Files.size(file);
                if (size > descriptor.size()) {
                    Files.delete(file);
                } else {
                    try (InputStream in = Files.newInputStream(file)) {
                        byte[] buffer = new byte[256 * 1024];
                        for (int n; (n = in.read(buffer)) != -1;) {
                            hasher.update(buffer, 0, n);
                            written += n;
                        }
                    }
                }
            }
        }

        long written() {
            return written;
        }

        boolean complete() {
            return written == descriptor.size();
        }

        /** Appends from where the file ends; restarts the file when the source starts over. */
        void append(BlobSource content) throws IOException {
            BlobRange range = written > 0 ? content.openFrom(written) : new BlobRange(content.open(), 0);
            try (InputStream in = range.stream();
                    OutputStream out = BlobFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            range.offset() == 0 ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND)) {
                if (range.offset() != written) {
                    hasher.reset();
                    written = 0;
                }
                // Full buffers: a socket hands over a few KB per read, and a write per read would
                // cost a system call for every few KB. Bytes that arrived before a connection broke
                // are still kept, so that the resume starts after them.
                byte[] buffer = new byte[256 * 1024];
                int filled = 0;
                IOException broken = null;
                while (true) {
                    // Room for one byte past the promised size, so that an endless body ends early.
                    int room = (int) Math.min(buffer.length - filled, descriptor.size() - written - filled + 1);
                    if (room == 0) {
                        keep(out, buffer, filled); // refuses: more bytes than promised
                    }
                    int n;
                    try {
                        n = in.read(buffer, filled, room);
                    } catch (IOException e) {
                        broken = e;
                        n = -1;
                    }
                    if (n > 0) {
                        filled += n;
                    }
                    if (n < 0 || filled == buffer.length) {
                        keep(out, buffer, filled);
                        filled = 0;
                        if (n < 0) {
                            break;
                        }
                    }
                }
                if (broken != null) {
                    throw broken;
                }
            }
            if (!complete()) {
                // Not yet a wrong size: a stream that ends early is resumed from here.
                throw new java.io.EOFException(VerifiedCopy.sizes(descriptor.digest(), null, descriptor.size(),
                        String.valueOf(written)));
            }
        }

        private void keep(OutputStream out, byte[] buffer, int length) throws IOException {
            if (written + length > descriptor.size()) {
                throw VerifiedCopy.longer(descriptor.digest(), null, descriptor.size());
            }
            out.write(buffer, 0, length);
            hasher.update(buffer, 0, length);
            written += length;
        }

        void verify() throws DigestMismatchException {
            Digest actual = descriptor.digest().withHash(hasher.digest());
            if (!actual.equals(descriptor.digest())) {
                throw new DigestMismatchException("blob digest mismatch: expected " + descriptor.digest() + ", got " + actual);
            }
        }
    }

    /** Stores bytes already held in memory under their digest (manifests). */
    public void putBytes(Digest digest, byte[] bytes) throws IOException {
        putBlob(Descriptor.of(MediaType.OCI_MANIFEST, digest, bytes.length), new java.io.ByteArrayInputStream(bytes));
    }

    /** Reads a small blob (manifest, config) whole, refusing more than {@code max} bytes. */
    public byte[] readBlob(Digest digest, long max) throws IOException {
        Path path = blobPath(digest);
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "blob " + digest + " is not in the store");
        }
        if (size > max) {
            throw new InvalidContentException("blob " + digest + " is " + size + " bytes, over the " + max + "-byte limit");
        }
        return Files.readAllBytes(path);
    }

    /** Reads a manifest stored under this descriptor. */
    public ManifestBlob readManifest(Descriptor descriptor) throws IOException {
        return ManifestBlob.of(readBlob(descriptor.digest(), ManifestBlob.MAX_SIZE), descriptor.mediaType().value(),
                descriptor.digest());
    }

    /**
     * Every blob reachable from a descriptor that is present in the store: the manifest itself,
     * and for an index its children, for an image its config and layers.
     */
    public Set<Digest> blobsOf(Descriptor root) throws IOException {
        Set<Digest> reachable = new LinkedHashSet<>();
        collect(root, reachable, 0);
        return reachable;
    }

    private void collect(Descriptor descriptor, Set<Digest> reachable, int depth) throws IOException {
        if (!Files.isRegularFile(blobPath(descriptor.digest())) || !reachable.add(descriptor.digest())) {
            return;
        }
        boolean manifest = descriptor.mediaType().isIndex() || descriptor.mediaType().isImageManifest();
        if (!manifest || depth > MAX_DEPTH) {
            return;
        }
        Manifest parsed = readManifest(descriptor).manifest();
        if (parsed instanceof ImageIndex index) {
            for (Descriptor child : index.manifests()) {
                collect(child, reachable, depth + 1);
            }
        } else {
            for (Descriptor blob : ((ImageManifest) parsed).blobs()) {
                if (Files.isRegularFile(blobPath(blob.digest()))) {
                    reachable.add(blob.digest());
                }
            }
        }
    }

    /** Every named image, as the descriptors in {@code index.json}. */
    public List<Descriptor> names() throws IOException {
        JsonNode manifests = readIndex().path("manifests");
        List<Descriptor> out = new ArrayList<>();
        for (JsonNode entry : manifests) {
            out.add(indexEntry(entry));
        }
        return out;
    }

    private Descriptor indexEntry(JsonNode entry) throws InvalidContentException {
        try {
            return Descriptor.fromJson(entry);
        } catch (IllegalArgumentException e) {
            throw new InvalidContentException("store index " + root.resolve(INDEX_FILE) + " has an invalid entry: "
                    + e.getMessage(), e);
        }
    }

    /** The descriptor named by this reference, if any. */
    public Optional<Descriptor> lookup(Reference reference) throws IOException {
        return lookup(reference.toString());
    }

    /** The descriptor with this {@value Descriptor#REF_NAME}, if any. */
    public Optional<Descriptor> lookup(String name) throws IOException {
        return names().stream().filter(d -> name.equals(d.annotations().get(Descriptor.REF_NAME))).findFirst();
    }

    /**
     * Points a reference's name at a descriptor, replacing what it named before.
     *
     * @return true when the name is new or pointed at other content
     */
    public boolean setName(Reference reference, Descriptor target) throws IOException {
        return setName(reference.toString(), target);
    }

    /**
     * Points a name (any {@value Descriptor#REF_NAME} value) at a descriptor.
     *
     * @return true when the name is new or pointed at other content
     */
    public boolean setName(String name, Descriptor target) throws IOException {
        Map<String, String> annotations = new HashMap<>(target.annotations());
        annotations.put(Descriptor.REF_NAME, name);
        JsonNode entry = target.withAnnotations(annotations).toJson();
        return withIndexLock(() -> {
            ObjectNode index = readIndex();
            ArrayNode manifests = index.withArray("manifests");
            for (int i = 0; i < manifests.size(); i++) {
                if (name.equals(manifests.get(i).path("annotations").path(Descriptor.REF_NAME).asText(null))) {
                    boolean changed = !manifests.get(i).path("digest").asText().equals(target.digest().toString());
                    manifests.set(i, entry);
                    writeIndex(index);
                    return changed;
                }
            }
            manifests.add(entry);
            writeIndex(index);
            return true;
        });
    }

    /**
     * Adds an entry without a name, as skopeo writes {@code oci:DIR}: it replaces an entry of the
     * same digest that has no name either, and is appended otherwise.
     *
     * @return true when the entry is new
     */
    public boolean addUnnamed(Descriptor target) throws IOException {
        JsonNode entry = target.toJson();
        return withIndexLock(() -> {
            ObjectNode index = readIndex();
            ArrayNode manifests = index.withArray("manifests");
            for (int i = 0; i < manifests.size(); i++) {
                JsonNode existing = manifests.get(i);
                if (existing.path("digest").asText().equals(target.digest().toString())
                        && existing.path("annotations").path(Descriptor.REF_NAME).isMissingNode()) {
                    manifests.set(i, entry);
                    writeIndex(index);
                    return false;
                }
            }
            manifests.add(entry);
            writeIndex(index);
            return true;
        });
    }

    /**
     * Removes every name the predicate accepts.
     *
     * @return the removed entries
     */
    public List<Descriptor> removeNames(java.util.function.Predicate<Descriptor> remove) throws IOException {
        return withIndexLock(() -> {
            ObjectNode index = readIndex();
            ArrayNode manifests = index.withArray("manifests");
            List<Descriptor> removed = new ArrayList<>();
            for (int i = manifests.size() - 1; i >= 0; i--) {
                Descriptor entry = indexEntry(manifests.get(i));
                if (remove.test(entry)) {
                    removed.add(0, entry);
                    manifests.remove(i);
                }
            }
            if (!removed.isEmpty()) {
                writeIndex(index);
            }
            return removed;
        });
    }

    /**
     * Deletes every blob no name reaches (walking indexes, manifests, configs and layers) and every
     * temp file in {@code ingest/}. Waits until no copy into the store is running, in this process
     * or another, since a copy writes blobs before it names them.
     *
     * @param waiting run once before waiting, when a copy is running (to say so)
     */
    public GarbageCollection collectGarbage(Runnable waiting) throws IOException {
        try (Closeable exclusive = activity.exclusive(waiting)) {
            return withIndexLock(this::collect);
        }
    }

    /**
     * {@link #collectGarbage} when no copy into the store runs now; empty, at once, when one
     * does (the blobs stay for a later collection).
     */
    public Optional<GarbageCollection> collectGarbageIfIdle() throws IOException {
        Closeable exclusive = activity.tryExclusive();
        if (exclusive == null) {
            return Optional.empty();
        }
        try (exclusive) {
            return Optional.of(withIndexLock(this::collect));
        }
    }

    private GarbageCollection collect() throws IOException {
        Set<Digest> reachable = new HashSet<>();
        for (Descriptor entry : names()) {
            reachable.addAll(blobsOf(entry));
        }
        List<Digest> deleted = new ArrayList<>();
        long[] bytes = {0};
        forEachBlob((file, digest) -> {
            if (!reachable.contains(digest)) {
                bytes[0] += Files.size(file);
                Files.delete(file);
                deleted.add(digest);
            }
        });
        int temps = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(ingest)) {
            for (Path file : files) {
                bytes[0] += Files.size(file);
                Files.delete(file);
                if (!file.getFileName().toString().endsWith(".lock")) {
                    temps++;
                }
            }
        }
        return new GarbageCollection(deleted, bytes[0], temps);
    }

    /**
     * Checks the store: every blob hashes to its name, every name reaches complete content.
     * With {@code repair}, corrupt blobs are deleted; names stay, incomplete until a pull fetches
     * what is missing (a pull checks presence and size, so it would not replace a corrupt blob).
     * Waits for running copies, like garbage collection.
     *
     * @param waiting run once before waiting, when a copy is running (to say so)
     */
    public VerifyReport verify(boolean repair, Runnable waiting) throws IOException {
        try (Closeable exclusive = activity.exclusive(waiting)) {
            return withIndexLock(() -> {
                List<Digest> corrupt = new ArrayList<>();
                int[] checked = {0};
                forEachBlob((file, digest) -> {
                    checked[0]++;
                    if (!intact(file, digest)) {
                        corrupt.add(digest);
                        if (repair) {
                            Files.delete(file);
                        }
                    }
                });
                List<String> incomplete = new ArrayList<>();
                for (Descriptor entry : names()) {
                    if (!complete(entry, Set.copyOf(corrupt), 0)) {
                        incomplete.add(entry.annotations().getOrDefault(Descriptor.REF_NAME, entry.digest().toString()));
                    }
                }
                return new VerifyReport(checked[0], corrupt, incomplete, repair);
            });
        }
    }

    private static boolean intact(Path file, Digest digest) throws IOException {
        MessageDigest hasher = digest.newHasher();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[256 * 1024];
            for (int n; (n = in.read(buffer)) != -1;) {
                hasher.update(buffer, 0, n);
            }
        }
        return digest.withHash(hasher.digest()).equals(digest);
    }

    /**
     * True when the blob of a name and everything it references are present at their sizes — the
     * check a pull makes of what it finds stored, without hashing.
     */
    public boolean isComplete(Descriptor descriptor) throws IOException {
        return complete(descriptor, Set.of(), 0);
    }

    /** True when the descriptor's blob and everything it references are present, intact and of the right size. */
    private boolean complete(Descriptor descriptor, Set<Digest> corrupt, int depth) throws IOException {
        if (corrupt.contains(descriptor.digest()) || !hasBlob(descriptor) || depth > MAX_DEPTH) {
            return false;
        }
        if (!descriptor.mediaType().isIndex() && !descriptor.mediaType().isImageManifest()) {
            return true;
        }
        Manifest parsed;
        try {
            parsed = readManifest(descriptor).manifest();
        } catch (IOException e) {
            return false;
        }
        List<Descriptor> children = parsed instanceof ImageIndex index ? index.manifests() : ((ImageManifest) parsed).blobs();
        for (Descriptor child : children) {
            if (!complete(child, corrupt, depth + 1)) {
                return false;
            }
        }
        return true;
    }

    /** Something done to each blob file. */
    @FunctionalInterface
    private interface BlobVisitor {
        void visit(Path file, Digest digest) throws IOException;
    }

    /** Visits every file under {@code blobs/} named like a digest; other files are left alone. */
    private void forEachBlob(BlobVisitor visitor) throws IOException {
        try (DirectoryStream<Path> algorithms = Files.newDirectoryStream(blobs)) {
            for (Path algorithm : algorithms) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(algorithm)) {
                    for (Path file : files) {
                        Digest digest = digestOf(algorithm, file);
                        if (digest != null) {
                            visitor.visit(file, digest);
                        }
                    }
                }
            }
        }
    }

    /** The digest a blob file stands for, or null for a file that is not one (left alone). */
    private static Digest digestOf(Path algorithm, Path file) {
        try {
            return new Digest(algorithm.getFileName().toString(), file.getFileName().toString());
        } catch (IllegalArgumentException notABlob) {
            return null;
        }
    }

    /** Held by copies into the store, so garbage collection waits for them. */
    Closeable copying() throws IOException {
        return activity.shared();
    }

    /** A sink that writes into this store and names the result {@code reference}. */
    public ImageSink sink(Reference reference) {
        return new LayoutSink(this, reference.toString());
    }

    /** A sink that names the result with a plain name, as other tools' layouts do ({@code oci:DIR:NAME}). */
    public ImageSink sink(String name) {
        return new LayoutSink(this, name);
    }

    /** A sink that records the result in an entry without a name ({@code oci:DIR}, as skopeo writes it). */
    public ImageSink unnamedSink() {
        return new LayoutSink(this, null);
    }

    /**
     * A source reading the images of one repository from this store: a tag {@code t} is the
     * image named {@code reference.withTag(t)}; a digest is read directly.
     */
    public ImageSource source(Reference reference) {
        return new LayoutSource(this, "local:" + reference.familiar(),
                "run `jreg verify --repair` to remove it, then pull the image again",
                "the local store; pull it again to fetch what is missing", tag -> reference.withTag(tag).toString());
    }

    /** A source whose tags are this layout's names as they are ({@code oci:DIR}, for {@code tags --details}). */
    public ImageSource source() {
        return new LayoutSource(this, "oci:" + root, "the layout " + root + " is damaged", "the layout", name -> name);
    }

    /** A source whose only tag is this plain name ({@code oci:DIR:NAME}). */
    public ImageSource source(String name) {
        return new LayoutSource(this, "oci:" + root + ":" + name, "the layout " + root + " is damaged", "the layout",
                tag -> name);
    }

    /** Reads a manifest by digest alone; its media type comes from the document. */
    public ManifestBlob readManifest(Digest digest) throws IOException {
        return ManifestBlob.of(readBlob(digest, ManifestBlob.MAX_SIZE), null, digest);
    }

    /** The size of a stored blob, or empty when it is not stored. */
    public Optional<Long> blobSize(Digest digest) {
        try {
            return Optional.of(Files.size(blobPath(digest)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Opens a stored blob. */
    public InputStream openBlob(Digest digest) throws IOException {
        try {
            return Files.newInputStream(blobPath(digest));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(blobPath(digest).toString(), null, "blob " + digest + " is not in the store");
        }
    }

    private ObjectNode readIndex() throws IOException {
        Path file = root.resolve(INDEX_FILE);
        JsonNode node;
        try {
            node = Json.parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new InvalidContentException("store index " + file + " is not valid JSON", e);
        }
        if (node == null || !node.isObject()) {
            throw new InvalidContentException("store index " + file + " is not a JSON object");
        }
        return (ObjectNode) node;
    }

    private static ObjectNode emptyIndex() {
        ObjectNode index = Json.object();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaType.OCI_INDEX.value());
        index.putArray("manifests");
        return index;
    }

    private void writeIndex(ObjectNode index) throws IOException {
        writeAtomically(root.resolve(INDEX_FILE), Json.pretty(index));
    }

    private void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = Files.createTempFile(ingest, target.getFileName() + ".", ".tmp");
        try {
            Files.write(temp, bytes);
            moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the store at " + target.getParent() + " does not support atomic renames", e);
        }
    }

    /** Runs an action holding both the in-process lock and the store's file lock. */
    private <T> T withIndexLock(IoAction<T> action) throws IOException {
        indexLock.lock();
        try (FileChannel channel = FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = StoreLock.await(channel, false)) {
            return action.run();
        } finally {
            indexLock.unlock();
        }
    }

    @FunctionalInterface
    private interface IoAction<T> {
        T run() throws IOException;
    }
}
