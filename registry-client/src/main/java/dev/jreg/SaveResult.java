package dev.jreg;

import java.util.List;

/**
 * What {@link Jreg#save} wrote.
 *
 * @param images each name written, and each image written without one, in the order asked for
 * @param blobs the blobs in the archive (manifests, configs, layers), each once however many
 *     images share it
 * @param bytes the sum of those blobs' sizes
 */
public record SaveResult(List<ArchivedImage> images, int blobs, long bytes) {
    /** Copies the list. */
    public SaveResult {
        images = List.copyOf(images);
    }
}
