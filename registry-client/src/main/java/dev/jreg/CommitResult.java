package dev.jreg;

import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;

/**
 * What {@link Jreg#commit} made.
 *
 * @param name the name the new image got in the local store
 * @param manifest the new image's manifest (media type, digest, size in bytes)
 * @param imageId the new image's ID, the digest of its config, as {@code docker commit} prints it
 * @param layer the new layer (media type, digest, compressed size in bytes), or null when the
 *     commit made none: config edits alone, or a directory without changes
 * @param entries the entries the new layer holds (paths, whiteouts, their parent directories); 0
 *     without a layer
 */
public record CommitResult(Reference name, Descriptor manifest, Digest imageId, Descriptor layer, int entries) {
}
