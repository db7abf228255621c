package dev.jreg;

import java.util.List;
import java.util.Optional;

/**
 * What {@code jreg rm} did.
 *
 * @param untagged the names removed, as full references
 * @param collected the blobs that no remaining name reached, now deleted; empty when a copy into
 *     the store was running, so they stay until the next {@code prune}
 * @param failures the arguments that removed nothing, each with why
 */
public record RemoveResult(List<String> untagged, Optional<PruneResult> collected, List<Failure> failures) {
    /** Copies the lists. */
    public RemoveResult {
        untagged = List.copyOf(untagged);
        failures = List.copyOf(failures);
    }

    /**
     * An argument that could not be removed.
     *
     * @param name the argument as given
     * @param error why: {@link dev.jreg.error.ImageNotFoundException} when nothing matched,
     *     {@link dev.jreg.error.InvalidReferenceException} for a malformed name or ambiguous ID,
     *     {@link IllegalStateException} for an ID named in several repositories without force
     */
    public record Failure(String name, Exception error) {
    }
}
