package dev.jreg;

import dev.jreg.error.ImageNotFoundException;
import dev.jreg.error.InvalidReferenceException;
import dev.jreg.internal.layout.IndexEntries;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.internal.registry.RegistryClient;
import dev.jreg.internal.store.ImageSink;
import dev.jreg.internal.store.ImageSource;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link ImageLocation} bound to the stores that serve it. {@link #of} is the one place that
 * dispatches over the kinds of location.
 */
interface ResolvedLocation {
    /** Reads the image. */
    ImageSource source() throws IOException;

    /** What to ask the source for: a tag or digest. */
    String tagOrDigest() throws IOException;

    /** Writes an image here. */
    ImageSink sink(UploadOptions uploads) throws IOException;

    /**
     * The tags or names of the repository or layout.
     *
     * @param limit at most this many; 0 for all
     */
    List<String> tags(int limit) throws IOException;

    /** What the name points at now, if anything: what its tag or digest resolves to. */
    default Optional<Descriptor> resolve() throws IOException {
        return resolveTag(tagOrDigest());
    }

    /** What a tag (or digest) of the repository, a name of the layout, points at now, if anything. */
    Optional<Descriptor> resolveTag(String tag) throws IOException;

    /** What the name points at where copies write it: a registry itself, never its mirrors. */
    default Optional<Descriptor> resolveDestination() throws IOException {
        return resolve();
    }

    /** The size of a blob held here, or empty when it is not. */
    Optional<Long> blobSize(Digest digest) throws IOException;

    static ResolvedLocation of(ImageLocation location, RegistryClient registry, LocalStore store, JregOptions config) {
        if (location instanceof ImageLocation.Registry r) {
            return new MirroredSource(registry, r.reference(), config.settings().mirrorsOf(r.reference().registry()),
                    config.notices(), config.status());
        }
        if (location instanceof ImageLocation.Local l) {
            return new InStore(store, l.reference());
        }
        if (location instanceof ImageLocation.LocalDigest d) {
            return new InStoreByDigest(store, d.digest());
        }
        return new InLayout((ImageLocation.Layout) location);
    }

    /**
     * A repository of jreg's store, whose names are full references.
     *
     * @param reference the image; its repository's names are the tags
     */
    record InStore(LocalStore store, Reference reference) implements ResolvedLocation {
        @Override
        public ImageSource source() {
            return store.source(reference);
        }

        @Override
        public String tagOrDigest() {
            return reference.tagOrDigest();
        }

        @Override
        public ImageSink sink(UploadOptions uploads) {
            return store.sink(reference);
        }

        @Override
        public List<String> tags(int limit) throws IOException {
            // Names written by other tools need not be references; they are not this repository's tags.
            List<String> tags = store.names().stream()
                    .flatMap(entry -> LocalNames.referenceOf(entry).stream())
                    .filter(ref -> ref.name().equals(reference.name()) && ref.tag() != null && ref.digest() == null)
                    .map(Reference::tag).toList();
            if (tags.isEmpty()) {
                // As a registry answers for a repository it does not have.
                throw new ImageNotFoundException("no tags of " + reference.familiarName() + " in the local store",
                        reference.familiarName(), List.of());
            }
            return limited(tags, limit);
        }

        @Override
        public Optional<Descriptor> resolveTag(String tag) throws IOException {
            return store.lookup(reference.at(tag));
        }

        @Override
        public Optional<Long> blobSize(Digest digest) {
            return store.blobSize(digest);
        }
    }

    /**
     * An image of jreg's store by digest, which may have no name: read by its manifest's digest.
     *
     * @param digest its manifest's digest or its image ID
     */
    record InStoreByDigest(LocalStore store, Digest digest) implements ResolvedLocation {
        /** The store's entry, or the manifest only an index holds; {@link ImageNotFoundException} for none. */
        private Descriptor entry() throws IOException {
            return new LocalNames(store).first(digest.toString());
        }

        @Override
        public ImageSource source() {
            return store.sourceByDigest(digest.shortHex());
        }

        @Override
        public String tagOrDigest() throws IOException {
            return entry().digest().toString();
        }

        @Override
        public ImageSink sink(UploadOptions uploads) {
            throw new InvalidReferenceException("an image is written into the local store under a name, not "
                    + digest + ": give NAME:TAG");
        }

        @Override
        public List<String> tags(int limit) {
            throw new InvalidReferenceException("an image given by digest has no tags: " + digest);
        }

        @Override
        public Optional<Descriptor> resolve() throws IOException {
            try {
                return Optional.of(entry());
            } catch (ImageNotFoundException none) {
                return Optional.empty();
            }
        }

        /** Only the digest itself: an image given by digest has no tags. */
        @Override
        public Optional<Descriptor> resolveTag(String tag) throws IOException {
            return tag.equals(digest.toString()) ? resolve() : Optional.empty();
        }

        @Override
        public Optional<Long> blobSize(Digest blob) {
            return store.blobSize(blob);
        }
    }

    /**
     * Any OCI layout directory, its image chosen as skopeo's {@code oci:} transport chooses it
     * ({@link IndexEntries}). Read, it must exist; written, it is created.
     */
    record InLayout(ImageLocation.Layout location) implements ResolvedLocation {
        /** The layout, which must exist: reading a mistyped directory must not create it. */
        private OciLayout existing() throws IOException {
            if (!Files.isRegularFile(location.directory().resolve("index.json"))) {
                throw new ImageNotFoundException("no OCI layout at " + location.directory().toAbsolutePath()
                        + " (it has no index.json)",
                        location.name() == null ? "" : location.name(), List.of());
            }
            return OciLayout.open(location.directory());
        }

        @Override
        public ImageSource source() throws IOException {
            OciLayout layout = existing();
            return location.name() != null ? layout.source(location.name())
                    : location.index() != null ? layout.source("@" + location.index()) : layout.source();
        }

        /** The digest of the entry chosen: a layout's name may hold colons, so names are not passed on. */
        @Override
        public String tagOrDigest() throws IOException {
            return resolve().orElseThrow().digest().toString();
        }

        @Override
        public ImageSink sink(UploadOptions uploads) throws IOException {
            if (location.index() != null) {
                throw new InvalidReferenceException("a destination cannot be an entry's position: write to oci:"
                        + location.directory() + ":NAME, or to oci:" + location.directory() + " for an entry without a name");
            }
            if (location.name() != null && !ImageLocation.Layout.isWritableName(location.name())) {
                throw new InvalidReferenceException("\"" + location.name() + "\" is not a name for an image in an OCI"
                        + " layout: letters and digits, with - . _ : @ + or -- between them and / between components"
                        + " (OCI image layout, org.opencontainers.image.ref.name)");
            }
            OciLayout layout = OciLayout.open(location.directory());
            layout.names(); // an index.json that cannot be read fails now, before any blob is written
            return layout.sink(location.name());
        }

        @Override
        public List<String> tags(int limit) throws IOException {
            return limited(existing().names().stream().map(entry -> entry.annotations().get(Descriptor.REF_NAME))
                    .filter(Objects::nonNull).toList(), limit);
        }

        /** The entry of {@code index.json} the location names. */
        @Override
        public Optional<Descriptor> resolve() throws IOException {
            IndexEntries entries = IndexEntries.of(existing());
            return Optional.of(location.name() != null ? entries.named(location.name())
                    : location.index() != null ? entries.at(location.index()) : entries.only());
        }

        @Override
        public Optional<Descriptor> resolveTag(String tag) throws IOException {
            return existing().lookup(tag);
        }

        /** Only a name can exist before a copy writes it; an entry without one is added each time. */
        @Override
        public Optional<Descriptor> resolveDestination() throws IOException {
            return location.name() == null || !Files.isRegularFile(location.directory().resolve("index.json"))
                    ? Optional.empty() : existing().lookup(location.name());
        }

        @Override
        public Optional<Long> blobSize(Digest digest) throws IOException {
            return existing().blobSize(digest);
        }
    }

    private static List<String> limited(List<String> tags, int limit) {
        return limit > 0 && tags.size() > limit ? tags.subList(0, limit) : tags;
    }
}
