package dev.jreg;

import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Reference;
import dev.jreg.store.BlobRange;
import dev.jreg.store.ImageSource;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Reads through a registry's mirrors in order, then the registry itself. A mirror that fails —
 * unreachable, an error status, a missing tag, bytes that do not verify — is skipped with one
 * notice. Content fetched by digest is verified wherever it comes from, so a mirror cannot
 * substitute bytes; a blob that fails at the sink is fetched again from the next candidate.
 */
final class MirroredSource implements ImageSource {
    private final List<ImageSource> candidates;
    private final List<String> names;
    private final Consumer<String> notices;
    private final Set<Integer> unreachable = ConcurrentHashMap.newKeySet();
    private final Map<Digest, AtomicInteger> blobAttempts = new ConcurrentHashMap<>();
    private volatile int served = -1;

    /**
     * @param mirrors the mirrors' sources, in the order to try them
     * @param mirrorNames their names, for notices
     * @param upstream the registry itself, tried last
     * @param notices where the "mirror failed" and "served by" lines go
     */
    MirroredSource(List<ImageSource> mirrors, List<String> mirrorNames, ImageSource upstream, Consumer<String> notices) {
        this.candidates = new ArrayList<>(mirrors);
        this.candidates.add(upstream);
        this.names = new ArrayList<>(mirrorNames);
        this.names.add(upstream.describe());
        this.notices = notices;
    }

    @Override
    public ManifestBlob manifest(String tagOrDigest) throws IOException {
        IOException last = null;
        int start = served >= 0 ? served : 0;
        for (int i = start; i < candidates.size(); i++) {
            if (unreachable.contains(i) && i < candidates.size() - 1) {
                continue;
            }
            try {
                ManifestBlob manifest = candidates.get(i).manifest(tagOrDigest);
                if (served < 0) {
                    served = i;
                    if (i < candidates.size() - 1) {
                        notices.accept("Using mirror " + names.get(i) + " for " + upstreamName());
                    }
                }
                return manifest;
            } catch (IOException e) {
                last = e;
                skip(i, e);
            }
        }
        throw last;
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
        IOException last = null;
        for (int i = Math.min(start, candidates.size() - 1); i < candidates.size(); i++) {
            if (unreachable.contains(i) && i < candidates.size() - 1) {
                continue;
            }
            try {
                return candidates.get(i).blobFrom(descriptor, offset);
            } catch (IOException e) {
                last = e;
                skip(i, e);
            }
        }
        throw last;
    }

    private void skip(int index, IOException e) {
        if (index == candidates.size() - 1) {
            return;
        }
        if (!(e instanceof dev.jreg.error.RegistryException)) {
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
        return upstreamName();
    }

    private String upstreamName() {
        return names.get(names.size() - 1);
    }

    @Override
    public List<Reference> originsOf(Descriptor descriptor) throws IOException {
        return candidates.get(candidates.size() - 1).originsOf(descriptor);
    }
}
