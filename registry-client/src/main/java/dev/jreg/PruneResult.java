package dev.jreg;

import dev.jreg.model.Digest;
import java.util.List;

/**
 * What a garbage collection of the store removed.
 *
 * @param deleted blobs deleted because no name reaches them
 * @param bytes bytes freed, blobs, temp files and the build cache's files together
 * @param tempFiles partial downloads and temp files removed from {@code ingest/}
 * @param unpackRecords records of unpacked directories removed because the directory is gone
 * @param cacheEntries entries of the build cache removed ({@link Jreg#prune(boolean)}): each cached
 *     step, each context's file digests, each base kept unpacked (its whole tree), each layer's
 *     listing, each registry's record of where blobs were written one
 * @param buildLeftovers directories builds killed with {@code kill -9} left, removed: a stage's root
 *     filesystem ({@code build/.rootfs-N}) or a base being unpacked ({@code cache/rootfs/HEX.new-N})
 */
public record PruneResult(List<Digest> deleted, long bytes, int tempFiles, int unpackRecords, int cacheEntries,
        int buildLeftovers) {
    /** A collection that found nothing to delete. */
    public static final PruneResult NOTHING = new PruneResult(List.of(), 0, 0, 0, 0, 0);

    /** Copies the list. */
    public PruneResult {
        deleted = List.copyOf(deleted);
    }
}
