package dev.jreg;

import dev.jreg.layout.GarbageCollection;
import java.util.List;

/**
 * What {@code jreg rm} did.
 *
 * @param untagged the names removed, as full references
 * @param collected the blobs that no remaining name reached, now deleted
 */
public record RemoveResult(List<String> untagged, GarbageCollection collected) {
    /** Copies the list. */
    public RemoveResult {
        untagged = List.copyOf(untagged);
    }
}
