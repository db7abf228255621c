package dev.jreg;

import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Jreg#build} builds, as {@code docker build}'s options say it.
 *
 * @param context the build context's directory, which {@code COPY} and {@code ADD} read (what its
 *     {@code .dockerignore} excludes left out); null for none, as {@code docker build -} has none
 * @param dockerfile the Dockerfile; null for {@code Dockerfile} in the context, or for {@code dockerfileText}.
 *     A {@code NAME.dockerignore} beside it applies before the context's {@code .dockerignore}
 * @param dockerfileText the Dockerfile's content, read from standard input ({@code -f -}); null to read {@code dockerfile}
 * @param buildArgs {@code --build-arg NAME=VALUE}s, in order
 * @param target the stage to build ({@code --target}); null for the last
 * @param platform the platform to build for ({@code --platform}), which picks base images of an
 *     index and the image's os and architecture; null for this machine's, the image taking its
 *     base's os and architecture
 * @param labels {@code --label NAME=VALUE}s, set on the image last
 * @param noCache take nothing from the build cache ({@code --no-cache}); what is built is recorded
 * @param pull pull every base image, even one the local store has ({@code --pull})
 * @param tags the image's names in the local store ({@code -t}), full references with tags; empty
 *     to store it without a name
 * @param push push each name to its registry once the image is in the store ({@code --push})
 * @param timestamp the time the history is dated and no file is later than
 *     ({@code SOURCE_DATE_EPOCH}, {@code --timestamp}), so that the same inputs give the same
 *     image; null for now, and file times as they are
 * @param network the network {@code RUN} reaches ({@code --network}); null for the default
 * @param listener told of each step and transfer; null for none
 */
public record BuildOptions(Path context, Path dockerfile, String dockerfileText, Map<String, String> buildArgs,
        String target, Platform platform, Map<String, String> labels, boolean noCache, boolean pull,
        List<Reference> tags, boolean push, Instant timestamp, BuildNetwork network, BuildListener listener) {

    /**
     * Copies the maps (keeping their order) and the list; null maps and lists are empty.
     *
     * @throws IllegalArgumentException when both a Dockerfile and its text are given, there is
     *     neither a context nor a Dockerfile, a tag has a digest, or {@code push} has no tag to push
     */
    public BuildOptions {
        buildArgs = buildArgs == null ? Map.of() : new LinkedHashMap<>(buildArgs);
        labels = labels == null ? Map.of() : new LinkedHashMap<>(labels);
        tags = tags == null ? List.of() : List.copyOf(tags);
        network = network == null ? BuildNetwork.DEFAULT : network;
        listener = listener == null ? BuildListener.NONE : listener;
        if (dockerfile != null && dockerfileText != null) {
            throw new IllegalArgumentException("a build takes a Dockerfile or its text, not both");
        }
        if (context == null && dockerfile == null && dockerfileText == null) {
            throw new IllegalArgumentException("a build needs a context directory or a Dockerfile");
        }
        for (Reference tag : tags) {
            if (tag.digest() != null) {
                throw new IllegalArgumentException("an image is named by a tag, not a digest: " + tag.familiar());
            }
        }
        if (push && tags.isEmpty()) {
            throw new IllegalArgumentException("a build that pushes needs a name to push to");
        }
    }

    /** A build of the {@code Dockerfile} in a context directory, with every other option at its default. */
    public static BuildOptions of(Path context) {
        return new BuildOptions(context, null, null, null, null, null, null, false, false, null, false, null, null,
                null);
    }
}
