package dev.jreg;

import java.util.List;

/**
 * What {@link Jreg#sync} did.
 *
 * @param images each image, in the file's order (sources, then repositories, then the tags as
 *     listed), with the repositories that could not be listed
 * @param skipped tags listed or given that were not taken: left out by an {@code images-by-tag-regex}
 *     expression, an {@code images-by-semver} constraint or the source's {@code tags} filter
 */
public record SyncResult(List<SyncedImage> images, int skipped) {
    /** Copies the list. */
    public SyncResult {
        images = List.copyOf(images);
    }

    /** How many images ended with this status. */
    public long count(SyncedImage.Status status) {
        return images.stream().filter(image -> image.status() == status).count();
    }

    /** True when at least one image or repository failed. */
    public boolean failed() {
        return count(SyncedImage.Status.FAILED) > 0;
    }
}
