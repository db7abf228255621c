package dev.jreg;

import dev.jreg.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;

/**
 * One named image in the local store, as {@code jreg images} lists it.
 *
 * @param reference the full name
 * @param manifest the named manifest or index
 * @param imageId the config digest of the image shown (docker's IMAGE ID), or the index digest
 * @param platform platform of the image shown, or null when unknown or an artifact
 * @param artifactType for an artifact, its type (see {@link dev.jreg.model.ImageManifest#effectiveArtifactType});
 *     null for a container image
 * @param created creation time from the config (RFC 3339), or null
 * @param size config plus compressed layers of the image shown, in bytes
 */
public record LocalImage(Reference reference, Descriptor manifest, Digest imageId, Platform platform,
        String artifactType, String created, long size) {
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
