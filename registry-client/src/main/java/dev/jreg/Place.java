package dev.jreg;

import dev.jreg.layout.LocalStore;
import dev.jreg.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import dev.jreg.registry.RegistryClient;
import dev.jreg.registry.UploadOptions;
import dev.jreg.store.ImageSink;
import dev.jreg.store.ImageSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An {@link ImageLocation} bound to the stores that serve it. {@link #of} is the one place that
 * dispatches over the kinds of location.
 */
interface Place {
    /** Reads the image. */
    ImageSource source() throws IOException;

    /** What to ask the source for: a tag, digest or layout name. */
    String tagOrDigest();

    /**
     * Writes an image here.
     *
     * @param fallbackName the name to use where the location gives none (layouts)
     */
    ImageSink sink(String fallbackName, UploadOptions uploads) throws IOException;

    /**
     * The tags or names of the repository or layout.
     *
     * @param limit at most this many; 0 for all
     */
    List<String> tags(int limit) throws IOException;

    /** What the name points at now, if anything. */
    Optional<Descriptor> resolve() throws IOException;

    /** What a tag of the repository (a name of the layout) points at now, if anything. */
    Optional<Descriptor> resolveTag(String tag) throws IOException;

    /** What the name points at where copies write it: a registry itself, never its mirrors. */
    Optional<Descriptor> resolveDestination() throws IOException;

    /** The size of a blob held here, or empty when it is not. */
    Optional<Long> blobSize(Digest digest) throws IOException;

    static Place of(ImageLocation location, RegistryClient registry, LocalStore store, JregConfig config) {
        if (location instanceof ImageLocation.Registry r) {
            return new InRegistry(r.reference(), registry, new MirroredSource(registry, r.reference(),
                    config.settings().mirrorsOf(r.reference().registry()), config.notices(), config.status()));
        }
        if (location instanceof ImageLocation.Local l) {
            return new InLayout(store, l.reference().toString(), l.reference().tagOrDigest(), l.reference());
        }
        ImageLocation.Layout layout = (ImageLocation.Layout) location;
        try {
            return new InLayout(OciLayout.open(layout.directory()), layout.name(), layout.name(), null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A registry repository; reads go through its mirrors first, when it has some.
     *
     * @param reads the repository, read through its mirrors
     */
    record InRegistry(Reference reference, RegistryClient registry, MirroredSource reads) implements Place {
        @Override
        public ImageSource source() {
            return reads;
        }

        @Override
        public String tagOrDigest() {
            return reference.tagOrDigest();
        }

        @Override
        public ImageSink sink(String fallbackName, UploadOptions uploads) {
            return registry.sink(reference, uploads);
        }

        @Override
        public List<String> tags(int limit) throws IOException {
            return reads.tags(limit);
        }

        @Override
        public Optional<Descriptor> resolve() throws IOException {
            return reads.head(reference.tagOrDigest());
        }

        @Override
        public Optional<Descriptor> resolveTag(String tag) throws IOException {
            return reads.head(tag);
        }

        @Override
        public Optional<Descriptor> resolveDestination() throws IOException {
            return registry.headManifest(reference);
        }

        @Override
        public Optional<Long> blobSize(Digest digest) throws IOException {
            return reads.blobSize(digest);
        }
    }

    /**
     * An OCI layout: jreg's store (names are full references, {@code repository} set) or any
     * other layout (plain names).
     *
     * @param name the full name, or null when none was given
     * @param tagOrDigest what to ask the source for
     * @param repository for the store, the reference whose repository lists the tags
     */
    record InLayout(OciLayout layout, String name, String tagOrDigest, Reference repository) implements Place {
        @Override
        public ImageSource source() {
            if (repository != null) {
                return ((LocalStore) layout).source(repository);
            }
            return name != null ? layout.source(name) : layout.source();
        }

        /** What to read; a layout named without an image ({@code oci:DIR}) has every name, and none to read. */
        @Override
        public String tagOrDigest() {
            if (tagOrDigest == null) {
                throw new IllegalArgumentException("a layout source needs a name: oci:" + layout.root() + ":NAME");
            }
            return tagOrDigest;
        }

        @Override
        public ImageSink sink(String fallbackName, UploadOptions uploads) {
            return layout.sink(name != null ? name : fallbackName);
        }

        @Override
        public List<String> tags(int limit) throws IOException {
            List<String> tags = new ArrayList<>();
            for (Descriptor entry : layout.names()) {
                String entryName = entry.annotations().get(Descriptor.REF_NAME);
                if (entryName == null) {
                    continue;
                }
                if (repository == null) {
                    tags.add(entryName);
                    continue;
                }
                // Names written by other tools need not be references; they are not this repository's tags.
                Reference.tryParse(entryName)
                        .filter(ref -> ref.name().equals(repository.name()) && ref.tag() != null && ref.digest() == null)
                        .ifPresent(ref -> tags.add(ref.tag()));
            }
            return limit > 0 && tags.size() > limit ? tags.subList(0, limit) : tags;
        }

        @Override
        public Optional<Descriptor> resolve() throws IOException {
            return name == null ? Optional.empty() : layout.lookup(name);
        }

        @Override
        public Optional<Descriptor> resolveTag(String tag) throws IOException {
            return layout.lookup(repository != null ? repository.withTag(tag).toString() : tag);
        }

        @Override
        public Optional<Descriptor> resolveDestination() throws IOException {
            return resolve();
        }

        @Override
        public Optional<Long> blobSize(Digest digest) {
            return layout.blobSize(digest);
        }
    }
}
