package dev.jreg;

import dev.jreg.model.Platform;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Jreg#commit} makes: an image on a base, as {@code docker commit} makes one from a
 * container, with at most one new layer — a directory's difference from the base, or files
 * added — and config edits.
 *
 * @param base the image to build on: a local store name or a layout's image; null for the image
 *     {@code directory} was unpacked from, as its unpack record names it
 * @param platform the platform to take when the base is an index; null for this machine's
 * @param directory the whole new root filesystem, whose difference from the base is the new
 *     layer; null for none
 * @param additions files and directories the new layer holds, without a directory; empty for none
 * @param changes config edits, applied in order
 * @param author the author, in the config and the history entry; null keeps the base's
 * @param comment the history entry's comment; null for none
 * @param compression how the new layer is compressed; null for gzip
 * @param timestamp when the image is created (config and history) and the latest modification
 *     time the new layer keeps, later ones clamped to it, so that the same inputs give the same
 *     digest; null for now, and no clamp
 * @param createdBy the history entry's {@code created_by}; null for none
 * @param checksum whether {@code directory}'s files whose type, size, mode, owner and time are the
 *     base's are compared by content too (SHA-256 of both, streamed: the base's from the layers
 *     that hold them, read again), so that a file rewritten at its size with its time put back is
 *     a change
 */
public record CommitOptions(ImageLocation base, Platform platform, Path directory, List<Addition> additions,
        List<ConfigChange> changes, String author, String comment, LayerCompression compression, Instant timestamp,
        String createdBy, boolean checksum) {

    /**
     * Copies the lists; a null list is empty.
     *
     * @throws IllegalArgumentException when both a directory and additions are given
     */
    public CommitOptions {
        additions = additions == null ? List.of() : List.copyOf(additions);
        changes = changes == null ? List.of() : List.copyOf(changes);
        compression = compression == null ? LayerCompression.GZIP : compression;
        if (directory != null && !additions.isEmpty()) {
            throw new IllegalArgumentException("a commit takes a directory or files to add, not both");
        }
    }

    /**
     * A file or directory copied into the image ({@code crane append}, {@code COPY}).
     *
     * @param source the file or directory on disk; a symbolic link is added as a link
     * @param destination its path in the image, absolute or from the root: a directory's content
     *     goes under it ({@code /} for the root); a file gets that path, or, when it ends with
     *     {@code /}, goes in that directory under its own name
     */
    public record Addition(Path source, String destination) {
        public Addition {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(destination, "destination");
        }

        /**
         * {@code SRC[:DEST]}, split at the last colon; without {@code :DEST}, {@code /}: a
         * directory's content at the root, a file there under its own name.
         *
         * @throws IllegalArgumentException when the source is empty
         */
        public static Addition parse(String text) {
            int colon = text.lastIndexOf(':');
            String source = colon < 0 ? text : text.substring(0, colon);
            String destination = colon < 0 || colon == text.length() - 1 ? "/" : text.substring(colon + 1);
            if (source.isEmpty()) {
                throw new IllegalArgumentException("invalid addition \"" + text + "\": expected SRC[:DEST]");
            }
            return new Addition(Path.of(source), destination);
        }
    }
}
