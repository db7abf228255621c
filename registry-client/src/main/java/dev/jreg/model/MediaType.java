package dev.jreg.model;

import java.util.Locale;

/**
 * A media type string. Unknown values are kept as they are, so that content jreg does not
 * understand still copies unchanged.
 *
 * @param value the media type without parameters
 */
public record MediaType(String value) {
    public static final MediaType OCI_INDEX = new MediaType("application/vnd.oci.image.index.v1+json");
    public static final MediaType OCI_MANIFEST = new MediaType("application/vnd.oci.image.manifest.v1+json");
    public static final MediaType OCI_CONFIG = new MediaType("application/vnd.oci.image.config.v1+json");
    public static final MediaType OCI_EMPTY = new MediaType("application/vnd.oci.empty.v1+json");
    public static final MediaType OCI_LAYER = new MediaType("application/vnd.oci.image.layer.v1.tar");
    public static final MediaType OCI_LAYER_GZIP = new MediaType("application/vnd.oci.image.layer.v1.tar+gzip");
    public static final MediaType OCI_LAYER_ZSTD = new MediaType("application/vnd.oci.image.layer.v1.tar+zstd");
    public static final MediaType DOCKER_LIST = new MediaType("application/vnd.docker.distribution.manifest.list.v2+json");
    public static final MediaType DOCKER_MANIFEST = new MediaType("application/vnd.docker.distribution.manifest.v2+json");
    public static final MediaType DOCKER_CONFIG = new MediaType("application/vnd.docker.container.image.v1+json");
    public static final MediaType DOCKER_LAYER = new MediaType("application/vnd.docker.image.rootfs.diff.tar");
    public static final MediaType DOCKER_LAYER_GZIP = new MediaType("application/vnd.docker.image.rootfs.diff.tar.gzip");
    public static final MediaType DOCKER_FOREIGN_LAYER = new MediaType("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");
    public static final MediaType DOCKER_SCHEMA1_SIGNED = new MediaType("application/vnd.docker.distribution.manifest.v1+prettyjws");
    public static final MediaType DOCKER_SCHEMA1 = new MediaType("application/vnd.docker.distribution.manifest.v1+json");

    /** Normalises case and drops parameters such as {@code ; charset=utf-8}. */
    public MediaType {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty media type");
        }
        value = value.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    /** A media type from its text, normalised as the constructor does. */
    public static MediaType of(String value) {
        return new MediaType(value);
    }

    /** True for an OCI index or a Docker manifest list. */
    public boolean isIndex() {
        return equals(OCI_INDEX) || equals(DOCKER_LIST);
    }

    /** True for an OCI image manifest or a Docker v2 schema 2 manifest. */
    public boolean isImageManifest() {
        return equals(OCI_MANIFEST) || equals(DOCKER_MANIFEST);
    }

    /** True for a Docker schema 1 manifest, which jreg does not copy. */
    public boolean isSchema1() {
        return equals(DOCKER_SCHEMA1) || equals(DOCKER_SCHEMA1_SIGNED);
    }

    // equals and hashCode written out: the generated ones link a method-handle bootstrap at first
    // use, milliseconds of every command's start-up, and media types are compared on every run.
    @Override
    public boolean equals(Object other) {
        return other instanceof MediaType m && value.equals(m.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
