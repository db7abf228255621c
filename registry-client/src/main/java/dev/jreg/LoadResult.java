package dev.jreg;

import java.util.List;

/**
 * What {@link Jreg#load} stored.
 *
 * @param images each name given, and each image loaded without one, in the archive's order
 * @param blobsStored blobs written into the store from the archive
 * @param blobsPresent blobs of the archive the store held already, which were not written again
 * @param bytesStored the sum of the sizes of the blobs written
 */
public record LoadResult(List<ArchivedImage> images, int blobsStored, int blobsPresent, long bytesStored) {
    /** Copies the list. */
    public LoadResult {
        images = List.copyOf(images);
    }
}
