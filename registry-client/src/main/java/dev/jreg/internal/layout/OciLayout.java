package dev.jreg.internal.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.jreg.error.BlobNotFoundException;
import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.store.BlobSource;
import dev.jreg.internal.store.HashingOutputStream;
import dev.jreg.internal.store.ImageSink;
import dev.jreg.internal.store.ImageSource;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.Manifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * Any OCI image layout ({@code oci:DIR}): {@code oci-layout}, {@code index.json} whose names are
 * {@value Descriptor#REF_NAME} annotations as given, and {@code blobs/}. jreg's own store is a
 * {@link LocalStore}. Opening and reading write nothing, so a read-only layout reads. Writes are
 * durable and leave nothing but the layout's files ({@link Ingest}, {@link Index}); they are
 * ordered among the threads of a process only, so two processes naming images in one layout at
 * once may lose a name.
 */
public class OciLayout {
    /**
     * On a name in {@code index.json}: the digest the name was pulled by, when the manifest stored
     * is not that one (one platform of an index). docker's RepoDigest: what {@code pull} printed,
     * what {@code images --digests} shows, and a digest {@code NAME@DIGEST} may give.
     */
    public static final String REPO_DIGEST = "dev.jreg.repo.digest";
    static final int MAX_DEPTH = 4;

    private final Path root;
    final Index index;
    final Ingest ingest;

    /** @param lockFile locked while the index changes, so that processes keep each other's; null for threads only */
    OciLayout(Path root, Path lockFile, Ingest ingest) {
        this.root = root;
        this.index = new Index(root, lockFile, ingest);
        this.ingest = ingest;
    }

    /**
     * Opens the layout at this directory; nothing is written until something is stored, and a
     * directory that does not exist yet is created then.
     */
    public static OciLayout open(Path root) throws IOException {
        return new OciLayout(root.toAbsolutePath().normalize(), null, new Ingest(null));
    }

    /** The layout's directory. */
    public Path root() {
        return root;
    }

    /** Where a blob with this digest lives (it may not exist). */
    public Path blobPath(Digest digest) {
        return root.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
    }

    /** True when the blob is present with the expected size; presence implies it was verified. */
    public boolean hasBlob(Descriptor descriptor) {
        return blobSize(descriptor.digest()).filter(size -> size == descriptor.size()).isPresent();
    }

    /**
     * Stores a blob, verified as it is written; a stream that breaks is reopened from the bytes
     * written ({@link BlobSource#openFrom}). A blob stored at its size already is left as it is.
     */
    public void putBlob(Descriptor descriptor, BlobSource content) throws IOException {
        ingest.put(descriptor, content, blobPath(descriptor.digest()));
    }

    /** Writes a blob's bytes into a stream, which hashes and counts them as they reach the file. */
    @FunctionalInterface
    public interface BlobWriter {
        void writeTo(HashingOutputStream out) throws IOException;
    }

    /**
     * Stores a blob whose digest is known only once it is written (a layer being made): its bytes
     * go into a temp file, hashed (SHA-256) and counted as they reach it — once: a writer that
     * needs the digest takes it from the stream ({@link HashingOutputStream#digest}) — and are
     * published under their digest as {@link #putBlob} publishes. When the layout has that blob
     * already, the temp file is deleted. Until a name reaches it, garbage collection may delete it.
     *
     * @return the blob's descriptor, of this media type
     */
    public Descriptor putNew(MediaType mediaType, BlobWriter content) throws IOException {
        try (Closeable writing = copying()) {
            return ingest.putNew(mediaType, content, root.resolve("blobs").resolve("sha256"));
        }
    }

    /** Stores bytes already held in memory under their digest (manifests), as {@link #putBlob} does. */
    public void putBytes(Digest digest, byte[] bytes) throws IOException {
        putBlob(Descriptor.of(MediaType.OCI_MANIFEST, digest, bytes.length), () -> new ByteArrayInputStream(bytes));
    }

    /** Reads a small blob (manifest, config) whole, refusing more than {@code max} bytes. */
    public byte[] readBlob(Digest digest, long max) throws IOException {
        long size = blobSize(digest).orElseThrow(() -> new NoSuchFileException(blobPath(digest).toString(), null,
                "blob " + digest + " is not in the store"));
        if (size > max) {
            throw new InvalidContentException("blob " + digest + " is " + size + " bytes, over the " + max + "-byte limit");
        }
        return Files.readAllBytes(blobPath(digest));
    }

    /** Reads a manifest stored under this descriptor. */
    public ManifestBlob readManifest(Descriptor descriptor) throws IOException {
        return ManifestBlob.of(readBlob(descriptor.digest(), ManifestBlob.MAX_SIZE), descriptor.mediaType().value(),
                descriptor.digest());
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
        if (!Files.isRegularFile(blobPath(descriptor.digest())) || !reachable.add(descriptor.digest()) || depth > MAX_DEPTH) {
            return;
        }
        for (Descriptor child : children(descriptor)) {
            collect(child, reachable, depth + 1);
        }
    }

    /** What a stored manifest references: an index's manifests, an image's config and layers; none for other blobs. */
    List<Descriptor> children(Descriptor descriptor) throws IOException {
        if (!descriptor.mediaType().isIndex() && !descriptor.mediaType().isImageManifest()) {
            return List.of();
        }
        Manifest parsed = readManifest(descriptor).manifest();
        return parsed instanceof ImageIndex index ? index.manifests() : ((ImageManifest) parsed).blobs();
    }

    /** Every named image, as the descriptors in {@code index.json}. */
    public List<Descriptor> names() throws IOException {
        List<Descriptor> out = new ArrayList<>();
        for (JsonNode entry : index.read().path("manifests")) {
            out.add(indexEntry(entry));
        }
        return out;
    }

    private Descriptor indexEntry(JsonNode entry) throws InvalidContentException {
        try {
            return Descriptor.fromJson(entry);
        } catch (IllegalArgumentException e) {
            throw new InvalidContentException(index.describe() + " has an invalid entry: " + e.getMessage(), e);
        }
    }

    /** The descriptor with this {@value Descriptor#REF_NAME}, if any. */
    public Optional<Descriptor> lookup(String name) throws IOException {
        return names().stream().filter(d -> name.equals(d.annotations().get(Descriptor.REF_NAME))).findFirst();
    }

    /** A name for a descriptor: a {@value Descriptor#REF_NAME}, or null for an entry without one. */
    public record Naming(String name, Descriptor target) {
    }

    /**
     * Points a name (any {@value Descriptor#REF_NAME} value) at a descriptor, replacing what it
     * named before; with a null name, adds an entry without one, as skopeo writes {@code oci:DIR},
     * which replaces an unnamed entry of the same digest.
     *
     * @return true when the entry is new or the name pointed at other content
     */
    public boolean setName(String name, Descriptor target) throws IOException {
        return setNames(List.of(new Naming(name, target)));
    }

    /**
     * {@link #setName} for several names in one change of {@code index.json}: all of them are
     * recorded, or none.
     *
     * @return true when an entry is new or a name pointed at other content
     */
    public boolean setNames(List<Naming> names) throws IOException {
        List<Naming> entries = new ArrayList<>();
        for (Naming naming : names) {
            Map<String, String> annotations = new HashMap<>(naming.target().annotations());
            if (naming.name() != null) {
                annotations.put(Descriptor.REF_NAME, naming.name());
            }
            entries.add(new Naming(naming.name(), naming.target().withAnnotations(annotations)));
        }
        return index.edit(json -> {
            ArrayNode manifests = json.withArray("manifests");
            boolean changed = false;
            for (Naming entry : entries) {
                changed |= place(manifests, entry.name(), entry.target());
            }
            return changed;
        });
    }

    /** Puts one entry into the index's manifests; true when it is new or names other content. */
    private boolean place(ArrayNode manifests, String name, Descriptor target) {
        String digest = target.digest().toString();
        if (!unnamedBesideNamed()) {
            if (name == null && hasEntry(manifests, digest, true)) {
                return false; // a name holds the image already: nothing is left without one
            }
            if (name != null) {
                removeUnnamed(manifests, digest);
            }
        }
        for (int i = 0; i < manifests.size(); i++) {
            JsonNode existing = manifests.get(i);
            JsonNode ref = existing.path("annotations").path(Descriptor.REF_NAME);
            boolean same = name != null ? name.equals(ref.asText(null))
                    : ref.isMissingNode() && existing.path("digest").asText().equals(digest);
            if (same) {
                manifests.set(i, target.toJson());
                return !existing.path("digest").asText().equals(digest);
            }
        }
        manifests.add(target.toJson());
        return true;
    }

    private static boolean hasEntry(ArrayNode manifests, String digest, boolean named) {
        for (JsonNode existing : manifests) {
            if (existing.path("digest").asText().equals(digest)
                    && existing.path("annotations").has(Descriptor.REF_NAME) == named) {
                return true;
            }
        }
        return false;
    }

    private static void removeUnnamed(ArrayNode manifests, String digest) {
        for (int i = manifests.size() - 1; i >= 0; i--) {
            JsonNode existing = manifests.get(i);
            if (existing.path("digest").asText().equals(digest) && !existing.path("annotations").has(Descriptor.REF_NAME)) {
                manifests.remove(i);
            }
        }
    }

    /**
     * Whether an entry without a name may stand beside a name of the same image: in any layout,
     * as skopeo writes them; not in the store, where an image is without a name only while none
     * points at it (as docker's dangling images).
     */
    boolean unnamedBesideNamed() {
        return true;
    }

    /**
     * Removes every name the predicate accepts; returns the removed entries. When it accepts none,
     * nothing is written, not even a lock file.
     */
    public List<Descriptor> removeNames(Predicate<Descriptor> remove) throws IOException {
        if (names().stream().noneMatch(remove)) {
            return List.of();
        }
        return index.edit(json -> {
            ArrayNode manifests = json.withArray("manifests");
            List<Descriptor> removed = new ArrayList<>();
            for (int i = manifests.size() - 1; i >= 0; i--) {
                Descriptor entry = indexEntry(manifests.get(i));
                if (remove.test(entry)) {
                    removed.add(0, entry);
                    manifests.remove(i);
                }
            }
            return removed;
        });
    }

    /**
     * What a writer holds while it stores blobs that it names only at its end (a copy, a commit, a
     * squash, a writer of new blobs through {@link #putNew}), until closed: garbage collection
     * waits for it. Nothing here, as no one collects a layout's garbage.
     */
    public Closeable copying() throws IOException {
        return () -> { };
    }

    /**
     * A sink that writes into this layout and names the result with a plain name
     * ({@code oci:DIR:NAME}), or with a null name records it in an entry without one ({@code oci:DIR}).
     */
    public ImageSink sink(String name) {
        return new LayoutSink(this, name);
    }

    /** A source whose tags are this layout's names as they are ({@code oci:DIR}, for {@code tags --details}). */
    public ImageSource source() {
        return new LayoutSource(this, "oci:" + root, "the " + damaged(), "the layout", name -> name, null);
    }

    /** A source whose only tag is this plain name ({@code oci:DIR:NAME}). */
    public ImageSource source(String name) {
        return new LayoutSource(this, "oci:" + root + ":" + name, "the " + damaged(), "the layout", tag -> name, name);
    }

    private String damaged() {
        return "layout " + root + " is damaged";
    }

    /**
     * Why this layout lacks a manifest it was asked for: a layout is asked only for the manifests
     * its entries name, and those their indexes name, so it is damaged. A
     * {@link BlobNotFoundException} that says which entry names it:
     * {@code layout DIR is damaged: its entry NAME names manifest D which it does not hold}, an
     * entry without a name by its position ({@code @N}); the entry asked for first.
     *
     * @param asked the name the manifest was read for, or null
     * @return empty when no entry, nor the index of one, names it
     */
    Optional<IOException> damage(Digest missing, String asked) throws IOException {
        List<Descriptor> entries = names();
        // The entry asked for first: the one whose index lists the manifest, rather than another naming it.
        List<Integer> order = IntStream.range(0, entries.size()).boxed()
                .sorted(Comparator.comparing(i -> !Objects.equals(asked,
                        entries.get(i).annotations().get(Descriptor.REF_NAME))))
                .toList();
        for (int i : order) {
            Descriptor entry = entries.get(i);
            boolean named = entry.digest().equals(missing);
            if (named || entry.mediaType().isIndex() && hasBlob(entry) && listsChild(entry, missing)) {
                String message = damaged() + (named ? ": its entry " : ": the index of its entry ")
                        + entry.annotations().getOrDefault(Descriptor.REF_NAME, "@" + i) + " names manifest " + missing
                        + " which it does not hold";
                return Optional.of(new BlobNotFoundException(message, missing));
            }
        }
        return Optional.empty();
    }

    private boolean listsChild(Descriptor index, Digest child) {
        try {
            return children(index).stream().anyMatch(listed -> listed.digest().equals(child));
        } catch (IOException unreadable) {
            return false; // damaged otherwise: said when that entry is read
        }
    }
}
