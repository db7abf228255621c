package dev.jreg;

import dev.jreg.model.Descriptor;
import dev.jreg.model.Platform;
import java.util.List;

/**
 * One row of {@code jreg tags --details}.
 *
 * @param tag the tag
 * @param manifest what it points at
 * @param platforms the platforms of the image, or of every image in the index
 * @param size compressed size: config plus layers, summed over an index's images
 * @param created creation time from the (first) image's config, or null
 */
public record TagDetail(String tag, Descriptor manifest, List<Platform> platforms, long size, String created) {
    /** Copies the list. */
    public TagDetail {
        platforms = List.copyOf(platforms);
    }
}
