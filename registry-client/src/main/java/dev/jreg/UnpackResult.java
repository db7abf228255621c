package dev.jreg;

import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import java.nio.file.Path;

/**
 * What {@link Jreg#unpack} unpacked.
 *
 * @param manifest the image's manifest (media type, digest, size in bytes): for an index, the
 *     chosen platform's
 * @param imageId the image ID, the digest of its config
 * @param layers the number of layers applied
 * @param bytes the bytes of the files written, uncompressed
 * @param directory the directory, as its real path (absolute, no symbolic link)
 */
public record UnpackResult(Descriptor manifest, Digest imageId, int layers, long bytes, Path directory) {
}
