package dev.jreg;

import java.time.Instant;
import java.util.Objects;

/**
 * How {@link Jreg#squash} writes the image it makes.
 *
 * @param compression the new layer's compression
 * @param timestamp the latest modification time the layer holds (later ones are written as this
 *     one, as {@code SOURCE_DATE_EPOCH} asks) and the time of the history step; null for none,
 *     and then the step's time is now
 */
public record SquashOptions(LayerCompression compression, Instant timestamp) {
    /** Requires a compression. */
    public SquashOptions {
        Objects.requireNonNull(compression, "compression");
    }

    /** gzip, times as the layers give them, the history step made now. */
    public static SquashOptions defaults() {
        return new SquashOptions(LayerCompression.GZIP, null);
    }
}
