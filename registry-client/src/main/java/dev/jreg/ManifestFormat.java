package dev.jreg;

/**
 * The manifest format a copy writes, as skopeo's {@code --format} chooses it. A conversion
 * changes media types only (of the manifest, its config and its layers; of an index and its
 * children), so the manifests get new digests while configs and layers keep their bytes.
 */
public enum ManifestFormat {
    /** As the source has it: manifests are copied byte for byte, digests unchanged. */
    KEEP,
    /** OCI image manifests and indexes ({@code application/vnd.oci.image.manifest.v1+json}). */
    OCI,
    /** Docker image manifest v2 schema 2 and manifest lists ({@code application/vnd.docker.distribution.manifest.v2+json}). */
    DOCKER
}
