package dev.jreg;

import dev.jreg.model.Platform;
import java.util.Objects;

/**
 * How {@link Jreg#save} writes an archive.
 *
 * @param format docker's archive or an OCI archive
 * @param platform for an index in the store, the one platform to save (its image alone, as
 *     {@code docker save --platform} does); null saves the whole index
 */
public record SaveOptions(ArchiveFormat format, Platform platform) {
    /** Requires a format. */
    public SaveOptions {
        Objects.requireNonNull(format, "format");
    }

    /** docker's format, an index whole. */
    public static SaveOptions defaults() {
        return new SaveOptions(ArchiveFormat.DOCKER, null);
    }
}
