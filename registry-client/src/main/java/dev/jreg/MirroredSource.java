package dev.jreg;

import dev.jreg.error.BlobNotFoundException;
import dev.jreg.error.ImageNotFoundException;
import dev.jreg.error.RegistryException;
import dev.jreg.internal.copy.Parallel.IoFunction;
import dev.jreg.internal.registry.RegistryClient;
import dev.jreg.internal.store.BlobRange;
import dev.jreg.internal.store.ImageSink;
import dev.jreg.internal.store.ImageSource;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A registry repository as a {@link ResolvedLocation}, read through its mirrors in order, then the
 * registry itself: manifests and blobs, and also tag lists, {@code HEAD}s of tags and blob sizes;
 * written, and asked what a copy would overwrite, at the registry itself. A mirror that fails —
 * unreachable, an error status, a missing tag or blob, bytes that do not verify — is skipped with
 * one notice. Content fetched by digest is verified wherever it comes from, so a mirror cannot
 * substitute bytes; a blob that fails at the sink is fetched again from the next candidate.
 */
final class MirroredSource implements ImageSource, ResolvedLocation {
    private final RegistryClient registry;
    private final Reference repository;
    /** The repository at each mirror, in order, then at the registry itself. */
    private final List<Reference> candidates = new ArrayList<>();
    private final List<ImageSource> sources = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final Consumer<String> notices;
    private final Consumer<String> status;
    private final Set<Integer> unreachable = ConcurrentHashMap.newKeySet();
    private final Map<Digest, AtomicInteger> blobAttempts = new ConcurrentHashMap<>();
    private volatile int served = -1;

    /**
     * @param repository the repository at the registry itself, tried last
     * @param mirrors the registry's mirrors, in the order to try them
     * @param notices where the "mirror failed" lines go
     * @param status where the one "Using mirror" line goes (quiet commands drop it)
     */
    MirroredSource(RegistryClient registry, Reference repository, List<Mirror> mirrors, Consumer<String> notices,
            Consumer<String> status) {
        this.registry = registry;
        this.repository = repository;
        for (Mirror mirror : mirrors) {
            candidates.add(mirror.map(repository));
            names.add(mirror.toString());
        }
        candidates.add(repository);
        names.add(repository.name());
        candidates.forEach(candidate -> sources.add(registry.source(candidate)));
        this.notices = notices;
        this.status = status;
    }

    @Override
    public ImageSource source() {
        return this;
    }

    @Override
    public String tagOrDigest() {
        return repository.tagOrDigest();
    }

    @Override
    public ImageSink sink(UploadOptions uploads) {
        return registry.sink(repository, uploads);
    }

    @Override
    public Optional<Descriptor> resolveDestination() throws IOException {
        return registry.headManifest(repository);
    }

    @Override
    public ManifestBlob manifest(String tagOrDigest) throws IOException {
        return first(i -> sources.get(i).manifest(tagOrDigest));
    }

    /**
     * The repository's tags, from the first candidate that lists them.
     *
     * @param limit at most this many; 0 for all
     */
    @Override
    public List<String> tags(int limit) throws IOException {
        return first(i -> registry.tags(candidates.get(i), limit));
    }

    /** What a tag or digest resolves to, by {@code HEAD}; a mirror without it is skipped. */
    @Override
    public Optional<Descriptor> resolveTag(String tagOrDigest) throws IOException {
        return firstPresent(i -> registry.headManifest(candidates.get(i).at(tagOrDigest)),
                () -> new ImageNotFoundException(tagOrDigest + ": manifest unknown", tagOrDigest, List.of()));
    }

    /** The size of a blob; a mirror without it is skipped. */
    @Override
    public Optional<Long> blobSize(Digest digest) throws IOException {
        return firstPresent(i -> registry.blobSize(candidates.get(i), digest),
                () -> new BlobNotFoundException(digest + ": blob unknown", digest));
    }

    /**
     * Reads from the candidate that served last (the first, until one has), moving on past those
     * that fail. The first to serve is announced when it is a mirror.
     */
    private <T> T first(IoFunction<Integer, T> read) throws IOException {
        return from(Math.max(served, 0), i -> {
            T value = read.apply(i);
            if (served < 0) {
                served = i;
                if (i < candidates.size() - 1) {
                    status.accept("Using mirror " + names.get(i) + " for " + describe());
                }
            }
            return value;
        });
    }

    /**
     * Reads from the candidates from {@code start} on, moving on past those that fail; a mirror
     * found unreachable is passed over, the registry itself never is.
     */
    private <T> T from(int start, IoFunction<Integer, T> read) throws IOException {
        IOException last = null;
        for (int i = start; i < candidates.size(); i++) {
            if (unreachable.contains(i) && i < candidates.size() - 1) {
                continue;
            }
            try {
                return read.apply(i);
            } catch (IOException e) {
                last = e;
                skip(i, e);
            }
        }
        throw last;
    }

    /**
     * {@link #first}, where a mirror's empty answer means it lacks the content; the registry's is the answer.
     *
     * @param absent what a mirror that lacks it is skipped with
     */
    private <T> Optional<T> firstPresent(IoFunction<Integer, Optional<T>> read, Supplier<IOException> absent)
            throws IOException {
        return first(i -> {
            Optional<T> value = read.apply(i);
            if (value.isEmpty() && i < candidates.size() - 1) {
                throw absent.get();
            }
            return value;
        });
    }

    @Override
    public InputStream blob(Descriptor descriptor) throws IOException {
        return blobFrom(descriptor, 0).stream();
    }

    @Override
    public BlobRange blobFrom(Descriptor descriptor, long offset) throws IOException {
        // Each call for the same blob moves on: the sink asks again only after the last bytes failed.
        int attempt = blobAttempts.computeIfAbsent(descriptor.digest(), d -> new AtomicInteger()).getAndIncrement();
        int start = Math.max(served, 0) + attempt;
        if (attempt > 0 && start - 1 < candidates.size() - 1) {
            notices.accept("Blob " + descriptor.digest() + " from " + names.get(start - 1) + " did not verify; fetching it from "
                    + names.get(Math.min(start, candidates.size() - 1)));
        }
        return from(Math.min(start, candidates.size() - 1), i -> sources.get(i).blobFrom(descriptor, offset));
    }

    private void skip(int index, IOException e) {
        if (index == candidates.size() - 1) {
            return;
        }
        // A mirror that answered (an error status, or that it lacks the content) is asked again next time.
        if (!(e instanceof RegistryException || e instanceof ImageNotFoundException || e instanceof BlobNotFoundException)) {
            unreachable.add(index);
        }
        notices.accept("Mirror " + names.get(index) + " failed (" + e.getMessage() + "); trying "
                + names.get(index + 1));
    }

    @Override
    public int attemptsPerBlob() {
        return candidates.size() - Math.max(served, 0);
    }

    @Override
    public String describe() {
        return names.get(names.size() - 1);
    }

    @Override
    public List<Reference> originsOf(Descriptor descriptor) throws IOException {
        return sources.get(sources.size() - 1).originsOf(descriptor);
    }
}
