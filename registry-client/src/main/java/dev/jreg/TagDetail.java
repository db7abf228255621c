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
 * @param size compressed size in bytes: config plus layers, summed over an index's images and
 *     artifacts, attestations not counted
 * @param created creation time from the (first) image's config, or null
 */
public record TagDetail(String tag, Descriptor manifest, List<Platform> platforms, List<String> artifactTypes,
        int attestations, long size, String created) {
    /** Copies the lists. */
    public TagDetail {
        platforms = List.copyOf(platforms);
        artifactTypes = List.copyOf(artifactTypes);
    }

    /** The same row for another tag. */
    TagDetail withTag(String newTag) {
        return new TagDetail(newTag, manifest, platforms, artifactTypes, attestations, size, created);
    }
}
