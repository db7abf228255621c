package dev.jreg.internal.layer;

import dev.jreg.model.MediaType;

/**
 * How a layer's tar stream is compressed, and the layer media types that say so (OCI image
 * spec, "Image Layer Filesystem Changeset").
 */
public enum Compression {
    NONE, GZIP, ZSTD;

    /** The OCI layer media type of a layer compressed this way. */
    public MediaType ociMediaType() {
        return switch (this) {
            case NONE -> MediaType.OCI_LAYER;
            case GZIP -> MediaType.OCI_LAYER_GZIP;
            case ZSTD -> MediaType.OCI_LAYER_ZSTD;
        };
    }
}
