package dev.jreg;

import dev.jreg.internal.copy.Copier;
import dev.jreg.internal.registry.RegistryClient;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What refers to an image in a registry, found ({@link Jreg#referrers}) and copied along with it
 * ({@link Jreg#copy} and {@link Jreg#sync} with referrers): the referrers API of OCI distribution
 * spec 1.1, its fallback index tagged {@code sha256-HEX} where the registry lacks the API, and the
 * {@code sha256-HEX.sig}, {@code .att} and {@code .sbom} tags cosign and skopeo write.
 */
final class ReferrerCopy {
    /** Referrers of referrers are followed this many levels down (a signature of an attestation is two). */
    private static final int MAX_DEPTH = 3;

    /** A referrer, with the tag of the {@code sha256-HEX.sig} schema it was found by, or null. */
    private record Found(Referrer referrer, String tag) {
    }

    private final RegistryClient registry;
    private final Copier copier;

    ReferrerCopy(RegistryClient registry, Copier copier) {
        this.registry = registry;
        this.copier = copier;
    }

    /** The referrers of a manifest in a repository, each once: see {@link Jreg#referrers}. */
    List<Referrer> list(Reference repository, Digest subject) throws IOException {
        return find(repository, subject, registry.tags(repository)).stream().map(Found::referrer).toList();
    }

    private List<Found> find(Reference repository, Digest subject, List<String> tags) throws IOException {
        String tag = subject.algorithm() + "-" + subject.hex();
        Map<Digest, Found> found = new LinkedHashMap<>();
        Optional<List<Descriptor>> api = registry.referrers(repository, subject);
        if (api.isPresent()) {
            api.get().forEach(d -> found.putIfAbsent(d.digest(), new Found(new Referrer(d, "referrers API"), null)));
        }
        if (api.isEmpty() && tags.contains(tag)) {
            ManifestBlob fallback = registry.manifest(repository.withTag(tag));
            if (fallback.manifest() instanceof ImageIndex index) {
                index.manifests().forEach(d -> found.putIfAbsent(d.digest(),
                        new Found(new Referrer(d, "referrers tag"), null)));
            }
        }
        for (String name : tags) {
            if (name.startsWith(tag + ".")) {
                // Read whole: a tag gives no artifact type, which the manifest tells.
                ManifestBlob manifest = registry.manifest(repository.withTag(name));
                Descriptor d = RegistryClient.asReferrer(manifest);
                found.putIfAbsent(d.digest(), new Found(new Referrer(d, "tag " + name), name));
            }
        }
        return List.copyOf(found.values());
    }

    /**
     * Copies what refers, in {@code from}, to the manifest {@code top} (and to each child of it
     * when it is an index) into {@code to}, and what refers to those, {@value #MAX_DEPTH} levels
     * down. A referrer the destination already has (by digest, or under its tag) is not copied
     * again, but its own referrers are still looked for. One found by a tag keeps its tag; one by
     * the referrers API or the fallback index is written by digest, and where the destination's
     * answer shows it did not index the {@code subject}, added to its fallback index.
     *
     * @param top the manifest at the destination, as the source has it
     * @return the referrers copied
     */
    int copy(Reference from, Reference to, Descriptor top, CopyOptions options, UploadOptions uploads)
            throws IOException {
        List<Digest> subjects = new ArrayList<>(List.of(top.digest()));
        // Read at the destination: a platform subset is a new index the source never had.
        if (top.mediaType().isIndex()
                && registry.manifest(to.withDigest(top.digest())).manifest() instanceof ImageIndex index) {
            index.manifests().forEach(child -> subjects.add(child.digest()));
        }
        List<String> tags = registry.tags(from);
        CopyOptions each = new CopyOptions(PlatformSelector.all(), options.concurrency(), CopyListener.NONE);
        int copied = 0;
        for (Digest subject : subjects) {
            copied += copyOf(from, to, subject, tags, each, uploads, 0);
        }
        return copied;
    }

    private int copyOf(Reference from, Reference to, Digest subject, List<String> tags, CopyOptions options,
            UploadOptions uploads, int depth) throws IOException {
        if (depth >= MAX_DEPTH) {
            return 0;
        }
        int copied = 0;
        for (Found found : find(from, subject, tags)) {
            Digest digest = found.referrer().descriptor().digest();
            Reference at = found.tag() != null ? to.withTag(found.tag())
                    : new Reference(to.registry(), to.repository(), null, digest);
            Optional<Descriptor> there = registry.headManifest(at);
            if (there.isEmpty() || !there.get().digest().equals(digest)) {
                List<ManifestBlob> unindexed = new ArrayList<>();
                copier.copy(registry.source(from), digest.toString(), registry.sink(at, uploads, unindexed::add),
                        options);
                for (ManifestBlob manifest : unindexed) {
                    registry.addToReferrersTag(to, manifest);
                }
                copied++;
            }
            copied += copyOf(from, to, digest, tags, options, uploads, depth + 1);
        }
        return copied;
    }
}
