package dev.jreg.internal.copy;

import dev.jreg.CopyOptions;
import dev.jreg.CopyResult;
import dev.jreg.ManifestFormat;
import dev.jreg.PlatformSelector;
import dev.jreg.error.InvalidContentException;
import dev.jreg.error.NoMatchingPlatformException;
import dev.jreg.error.StoreWriteException;
import dev.jreg.internal.store.BlobLocations;
import dev.jreg.internal.store.BlobRange;
import dev.jreg.internal.store.BlobSource;
import dev.jreg.internal.store.ImageSink;
import dev.jreg.internal.store.ImageSource;
import dev.jreg.internal.store.VerifiedCopy;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The one copy engine: pull, push, mirror and save are all a copy from an {@link ImageSource} to
 * an {@link ImageSink}. It resolves the reference, selects platforms, moves the missing blobs in
 * parallel, writes child manifests and finally commits the top manifest, so a name never points
 * at incomplete content.
 */
public final class Copier {
    /** Indexes inside indexes deeper than this are refused. */
    private static final int MAX_INDEX_DEPTH = 4;
    private final BlobLedger ledger;

    /**
     * @param past where blobs were written in registries by earlier runs, and where this one's
     *     writes are kept for later ones: mount origins
     */
    public Copier(BlobLocations past) {
        this.ledger = new BlobLedger(past);
    }

    /**
     * Copies one image or index.
     *
     * @param source where to read
     * @param tagOrDigest what to read from the source
     * @param sink where to write; its {@link ImageSink#commit} names the result
     * @param options platforms, concurrency, progress
     */
    public CopyResult copy(ImageSource source, String tagOrDigest, ImageSink sink, CopyOptions options)
            throws IOException {
        ManifestBlob resolved = source.manifest(tagOrDigest);
        options.listener().resolved(resolved);
        ImageReader reader = new ImageReader(source);
        List<ManifestBlob> children = new ArrayList<>();
        ManifestBlob selected = select(reader, source, resolved, options.platforms(), children);
        ManifestBlob top = selected;
        if (options.format() != ManifestFormat.KEEP) {
            FormatConversion conversion = new FormatConversion(options.format(), reader);
            top = conversion.convert(selected, 0);
            children = conversion.children();
        }
        boolean converted = !top.digest().equals(selected.digest());
        Transfer transfer = new Transfer(source, sink, options, ledger);
        boolean changed;
        try (sink) {
            transfer.run(children, top);
            for (ManifestBlob child : children) {
                sink.putManifest(child);
            }
            // A converted manifest is no manifest of the source: the digest it was resolved by is not its.
            changed = sink.commit(top, converted ? top.digest() : resolved.digest());
        } finally {
            ledger.save(); // the blobs written are there even when the copy failed after them
        }
        return new CopyResult(resolved.digest(), top, transfer.copied().get(), transfer.mounted().get(),
                transfer.skipped().get(), transfer.bytes().get(), changed, converted ? selected.digest() : null);
    }

    /**
     * Decides what the sink will hold, collecting child manifests in write order (children before
     * their index). A whole index keeps every child, attestations too. A platform subset takes
     * images only: one platform is that image, several a new index of just them, in which a child
     * the source listed without a platform carries the one its config names. Attestations are
     * left out of a subset, as {@code crane index filter} and skopeo's single-image copies leave them.
     */
    private ManifestBlob select(ImageReader reader, ImageSource source, ManifestBlob resolved, PlatformSelector selector,
            List<ManifestBlob> children) throws IOException {
        if (!(resolved.manifest() instanceof ImageIndex index)) {
            return resolved;
        }
        if (selector instanceof PlatformSelector.All) {
            collectAll(reader, resolved, children, 0);
            return resolved;
        }
        Set<Descriptor> chosen = chosen(reader, source, index, (PlatformSelector.Only) selector);
        if (chosen.size() == 1) {
            return reader.child(chosen.iterator().next());
        }
        for (Descriptor child : chosen) {
            children.add(reader.child(child));
        }
        return subset(index, chosen);
    }

    /**
     * The digest of the manifest a copy with {@code selector} makes the top one, without copying:
     * the source's own for an image or a whole index, the chosen image's for one platform, that of
     * the new index of just the chosen images for several. Reads the source's manifest once; the
     * children only when one lacks a platform, for its config's.
     *
     * @throws NoMatchingPlatformException when an index has no image for a platform asked for
     */
    public Digest selectedDigest(ImageSource source, String tagOrDigest, PlatformSelector selector)
            throws IOException {
        ManifestBlob resolved = source.manifest(tagOrDigest);
        if (!(resolved.manifest() instanceof ImageIndex index) || selector instanceof PlatformSelector.All) {
            return resolved.digest();
        }
        Set<Descriptor> chosen = chosen(new ImageReader(source), source, index, (PlatformSelector.Only) selector);
        return chosen.size() == 1 ? chosen.iterator().next().digest() : subset(index, chosen).digest();
    }

    private static Set<Descriptor> chosen(ImageReader reader, ImageSource source, ImageIndex index,
            PlatformSelector.Only selector) throws IOException {
        Set<Descriptor> chosen = new LinkedHashSet<>();
        for (Platform platform : selector.platforms()) {
            Optional<Descriptor> child = reader.select(index.manifests(), platform);
            if (child.isEmpty()) {
                throw new NoMatchingPlatformException(platform, source.describe(), reader.offered(index));
            }
            chosen.add(child.get());
        }
        return chosen;
    }

    /** A new index of the chosen children; what the source's says besides its children is kept. */
    private static ManifestBlob subset(ImageIndex index, Set<Descriptor> chosen) throws InvalidContentException {
        return ManifestBlob.create(new ImageIndex(2, index.mediaType(), index.artifactType(), List.copyOf(chosen),
                index.subject(), index.annotations(), index.otherFields()));
    }

    private void collectAll(ImageReader reader, ManifestBlob indexBlob, List<ManifestBlob> children, int depth)
            throws IOException {
        checkDepth(depth);
        for (Descriptor child : ((ImageIndex) indexBlob.manifest()).manifests()) {
            ManifestBlob blob = reader.child(child);
            if (blob.manifest() instanceof ImageIndex) {
                collectAll(reader, blob, children, depth + 1);
            }
            children.add(blob);
        }
    }

    /** Refuses an index {@code depth} levels below the top one when that is too deep. */
    static void checkDepth(int depth) throws InvalidContentException {
        if (depth >= MAX_INDEX_DEPTH) {
            throw new InvalidContentException("indexes nested deeper than " + MAX_INDEX_DEPTH + " levels");
        }
    }

    /** Moves the missing blobs on a bounded pool, the first failure cancelling the rest, and counts them. */
    private record Transfer(ImageSource source, ImageSink sink, CopyOptions options, BlobLedger ledger,
            AtomicInteger copied, AtomicInteger skipped, AtomicInteger mounted, AtomicLong bytes) {
        Transfer(ImageSource source, ImageSink sink, CopyOptions options, BlobLedger ledger) {
            this(source, sink, options, ledger, new AtomicInteger(), new AtomicInteger(), new AtomicInteger(),
                    new AtomicLong());
        }

        /** Moves the unique blobs of every image among the manifests written. */
        void run(List<ManifestBlob> children, ManifestBlob top) throws IOException {
            Map<Digest, Descriptor> unique = new LinkedHashMap<>();
            List<Descriptor> layers = new ArrayList<>();
            for (ManifestBlob written : Stream.concat(children.stream(), Stream.of(top)).toList()) {
                if (written.manifest() instanceof ImageManifest image) {
                    unique.putIfAbsent(image.config().digest(), image.config());
                    for (Descriptor layer : image.layers()) {
                        if (unique.putIfAbsent(layer.digest(), layer) == null) {
                            layers.add(layer);
                        }
                    }
                }
            }
            options.listener().planned(List.copyOf(layers));
            // Largest first: the biggest blob bounds the wall time, so it must not start last. Each
            // task asks the sink whether it has its blob: against a registry that is a round trip
            // per blob, which in parallel costs the time of one or two.
            List<Descriptor> blobs = new ArrayList<>(unique.values());
            blobs.sort(Comparator.comparingLong(Descriptor::size).reversed());
            Optional<Reference> repository = sink.repository();
            Parallel.map(blobs, options.concurrency(), blob -> {
                if (repository.isEmpty()) {
                    ensure(blob);
                } else if (!ledger.writeOnce(repository.get(), blob.digest(), () -> ensure(blob))) {
                    skipped.incrementAndGet(); // another copy of this run has just written it there
                    options.listener().blobSkipped(blob);
                }
                return blob;
            });
        }

        /** The blob in the sink: skipped when there, mounted or copied when not. */
        private void ensure(Descriptor blob) throws IOException {
            if (sink.hasBlob(blob)) {
                skipped.incrementAndGet();
                options.listener().blobSkipped(blob);
            } else {
                copyBlob(blob);
            }
        }

        private void copyBlob(Descriptor blob) throws IOException {
            List<Reference> origins = new ArrayList<>(sink.repository()
                    .map(target -> ledger.originsOf(target, blob.digest())).orElse(List.of()));
            origins.addAll(source.originsOf(blob));
            Optional<Reference> mountedFrom = sink.mountBlob(blob, origins);
            if (mountedFrom.isPresent()) {
                mounted.incrementAndGet();
                options.listener().blobMounted(blob, mountedFrom.get());
                return;
            }
            options.listener().blobStarted(blob);
            for (int attempt = 1;; attempt++) {
                try {
                    sink.putBlob(blob, new BlobSource() {
                        @Override
                        public InputStream open() throws IOException {
                            return held(source.blob(blob), blob, 0);
                        }

                        @Override
                        public BlobRange openFrom(long offset) throws IOException {
                            BlobRange range = source.blobFrom(blob, offset);
                            return new BlobRange(held(range.stream(), blob, range.offset()), range.offset());
                        }

                        @Override
                        public void waiting() {
                            options.listener().blobWaiting(blob);
                        }
                    });
                    break;
                } catch (StoreWriteException e) {
                    throw e; // the sink cannot write: another source's bytes would not fit either
                } catch (IOException e) {
                    if (attempt >= source.attemptsPerBlob()) {
                        throw e;
                    }
                }
            }
            copied.incrementAndGet();
            bytes.addAndGet(blob.size());
            options.listener().blobDone(blob);
        }

        /**
         * A blob's bytes from {@code start} on, held to its size whatever the sink, their progress
         * told every 64 KiB.
         */
        private InputStream held(InputStream in, Descriptor blob, long start) {
            return new VerifiedCopy(in, blob, source.describe(), null, null, start) {
                private long reported = start;

                @Override
                protected void advanced(long bytes) {
                    if (bytes - reported >= 64 * 1024) {
                        reported = bytes;
                        options.listener().blobProgress(blob, bytes);
                    }
                }
            };
        }
    }
}
