package dev.jreg;

/** The shape of an archive {@code save} writes. */
public enum ArchiveFormat {
    /**
     * What {@code docker save} writes from docker 25 on: an OCI image layout ({@code oci-layout},
     * {@code index.json}, {@code blobs/sha256/…}) and beside it {@code manifest.json} and
     * {@code repositories}, which docker, podman and skopeo's {@code docker-archive:} read.
     */
    DOCKER,
    /**
     * An OCI archive: a tar of an OCI image layout alone, what skopeo's {@code oci-archive:} and
     * {@code podman save --format oci-archive} write.
     */
    OCI
}
