package dev.jreg;

import dev.jreg.model.Digest;
import java.util.List;

/**
 * What {@code jreg verify} found.
 *
 * @param blobsChecked blobs hashed
 * @param corrupt blobs whose bytes do not hash to their name
 * @param incomplete names whose content is not all present and intact (kept, also after a repair)
 * @param repaired true when corrupt blobs were deleted
 */
public record VerifyReport(int blobsChecked, List<Digest> corrupt, List<String> incomplete, boolean repaired) {
    /** Copies the lists. */
    public VerifyReport {
        corrupt = List.copyOf(corrupt);
        incomplete = List.copyOf(incomplete);
    }

    /** True when nothing is wrong. */
    public boolean clean() {
        return corrupt.isEmpty() && incomplete.isEmpty();
    }
}
