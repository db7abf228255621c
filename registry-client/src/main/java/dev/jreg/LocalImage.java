package dev.jreg;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.util.List;
import java.util.Map;

/**
 * One image in the local store under one name, as {@code jreg images} lists it.
 *
 * @param reference the full name; null for an image loaded without a name, which docker shows as
 *     {@code <none>}
 * @param manifest the named manifest or index
 * @param imageId the config digest of the image shown (docker's IMAGE ID), or the index digest
 * @param platforms every platform the name holds, in index order: of an index stored whole, each
 *     stored child's but attestations'; of an image, its platform; empty when unknown
 * @param artifactType for an artifact, its type (see {@link dev.jreg.model.ImageManifest#effectiveArtifactType});
 *     null for a container image
 * @param created creation time from the config (RFC 3339), or null
 * @param labels the config's labels (empty when none)
 * @param size the compressed size in bytes of the configs and layers the name reaches, each blob
 *     once, of every platform an index stored whole holds (attestations left out), at the sizes
 *     the manifests give (a blob missing from an incomplete image counted too): what registries,
 *     {@code docker manifest inspect} and {@link TagDetail#size()} count; no manifest
 * @param complete false when a blob the name reaches is missing or of the wrong size (after
 *     {@code verify --repair} deleted a corrupt one); a pull of the name fetches it again
 * @param damaged true when the manifest or config the name reaches hashes to another digest than
 *     its own; then platforms, created and labels are unknown (empty or null), and {@code verify --repair}
 *     removes the blob so that a pull can fetch it again
 */
public record LocalImage(Reference reference, Descriptor manifest, Digest imageId, List<Platform> platforms,
        String artifactType, String created, Map<String, String> labels, long size, boolean complete, boolean damaged) {
    /** Copies the platforms and labels. */
    public LocalImage {
        platforms = List.copyOf(platforms);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /**
     * The digest the name was pulled by, docker's RepoDigest: the index's when one platform was
     * taken from an index, else the named manifest's. What {@code pull} printed; {@code rm} and
     * {@code tag} accept it after {@code NAME@}.
     */
    public Digest digest() {
        String pulledBy = manifest.annotations().get(OciLayout.REPO_DIGEST);
        return pulledBy != null ? Digest.parse(pulledBy) : manifest.digest();
    }
}
