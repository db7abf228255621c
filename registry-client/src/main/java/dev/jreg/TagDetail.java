package dev.jreg;

import dev.jreg.model.Descriptor;
import dev.jreg.model.Platform;
import java.util.List;

/**
 * One row of {@code jreg tags --details}.
 *
 * @param tag the tag
 * @param manifest what it points at
 * @param platforms the platforms of the image, or of every image in the index
 * @param artifactTypes the types of the artifacts among them, each once (see
 *     {@link dev.jreg.model.ImageManifest#effectiveArtifactType}); empty for container images
 * @param attestations how many attestation manifests the index holds besides its images
 * @param size compressed size in bytes: configs and layers, each blob once, of the image or of an
 *     index's images and artifacts, attestations not counted, as {@link LocalImage#size()} counts it
 * @param created creation time from the (first) image's config, or null
 * @param error why this tag could not be read (it vanished while listing, its manifest or config
 *     is missing or invalid), or null; such a row has no platforms, size 0, and a null manifest
 *     when the tag itself was not found
 */
public record TagDetail(String tag, Descriptor manifest, List<Platform> platforms, List<String> artifactTypes,
        int attestations, long size, String created, String error) {
    /** Copies the lists. */
    public TagDetail {
        platforms = List.copyOf(platforms);
        artifactTypes = List.copyOf(artifactTypes);
    }

    /** The same row for another tag. */
    TagDetail withTag(String newTag) {
        return new TagDetail(newTag, manifest, platforms, artifactTypes, attestations, size, created, error);
    }

    /** A row for a tag that could not be read. */
    static TagDetail failed(String tag, Descriptor manifest, String error) {
        return new TagDetail(tag, manifest, List.of(), List.of(), 0, 0, null, error);
    }
}
