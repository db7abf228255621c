package dev.jreg;

import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;

/**
 * What {@link Jreg#squash} made.
 *
 * @param name the name the new image has in the local store
 * @param manifest the new image's manifest
 * @param imageId the new image's ID: its config's digest
 * @param layer the one layer: media type, digest, compressed size in bytes
 * @param diffId the layer's uncompressed digest, its config's only {@code rootfs.diff_ids} entry
 * @param squashed how many layers the source image had
 * @param source the source image's manifest digest (of the platform chosen, from an index)
 */
public record SquashResult(Reference name, Descriptor manifest, Digest imageId, Descriptor layer, Digest diffId,
        int squashed, Digest source) {
}
