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
 * @param files the regular files written, a file with several names (hard links) once
 * @param bytes the bytes of those files, uncompressed, each file once, as {@code du} counts
 *     them: the unpacked size, not the image's compressed one
 * @param directory the directory, as its real path (absolute, no symbolic link)
 */
public record UnpackResult(Descriptor manifest, Digest imageId, int layers, long files, long bytes,
        Path directory) {
}
