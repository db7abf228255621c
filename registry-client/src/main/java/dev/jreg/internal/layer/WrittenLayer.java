package dev.jreg.internal.layer;

import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.MediaType;

/**
 * A layer as written (OCI image spec, "Image Layer Filesystem Changeset" and "DiffID").
 *
 * @param digest the SHA-256 of the bytes written, compressed: the layer's descriptor digest
 * @param diffId the SHA-256 of the uncompressed tar stream: the config's {@code rootfs.diff_ids} entry
 * @param size the bytes written, compressed
 * @param mediaType the OCI layer media type of its compression
 */
public record WrittenLayer(Digest digest, Digest diffId, long size, MediaType mediaType) {

    /** The layer's descriptor in a manifest. */
    public Descriptor descriptor() {
        return Descriptor.of(mediaType, digest, size);
    }
}
