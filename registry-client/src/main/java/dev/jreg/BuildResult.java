package dev.jreg;

import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import java.util.List;

/**
 * What {@link Jreg#build} made.
 *
 * @param imageId the image's ID, the digest of its config, as {@code docker build -q} prints it
 * @param manifest the image's manifest in the local store (media type, digest, size in bytes)
 * @param names the names it got in the store, as given; empty when it has none
 * @param steps the steps the build showed ({@link BuildStep})
 * @param cachedSteps those of them taken from the build cache (a base image: found in the store)
 * @param pushed what each push did, in the order of {@code names}; empty without {@code push}
 */
public record BuildResult(Digest imageId, Descriptor manifest, List<Reference> names, int steps, int cachedSteps,
        List<CopyResult> pushed) {
    /** Copies the lists. */
    public BuildResult {
        names = List.copyOf(names);
        pushed = List.copyOf(pushed);
    }
}
