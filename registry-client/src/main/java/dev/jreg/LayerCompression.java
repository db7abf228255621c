package dev.jreg;

/**
 * How a layer jreg writes is compressed (OCI image spec, "Image Layer Filesystem Changeset"):
 * gzip, which every runtime reads, or zstd, smaller and faster to read, which containerd 1.5,
 * docker 23 and podman read, and which Docker schema 2 manifests cannot hold.
 */
public enum LayerCompression {
    /** gzip, level 6: what every image tool reads. */
    GZIP,
    /** zstd, level 3: smaller and faster to unpack; OCI images only. */
    ZSTD
}
