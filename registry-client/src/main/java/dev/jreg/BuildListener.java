package dev.jreg;

import dev.jreg.model.Reference;
import java.time.Duration;

/**
 * Progress of one {@link Jreg#build}, called on the thread that builds, except {@link #output},
 * which the thread that reads a command's output calls while the build waits for the command, and
 * the {@link CopyListener} of a transfer, which its worker threads call. Calls do not overlap but
 * those of a transfer's listener. Every method has a no-op default.
 */
public interface BuildListener {
    /** A listener that ignores everything. */
    BuildListener NONE = new BuildListener() {
    };

    /** What moves an image during a build: a base image pulled, the result pushed. */
    enum Transfer {
        PULL, PUSH
    }

    /** A step begins. */
    default void started(BuildStep step) {
    }

    /** A step's result came from the build cache, or a base image was in the store already. */
    default void cached(BuildStep step) {
    }

    /** A step is done, after this long. */
    default void done(BuildStep step, Duration took) {
    }

    /**
     * A step failed, and the build stops: {@link Jreg#build} then throws the step's error (a
     * {@link dev.jreg.error.RunCommandException}, a {@link dev.jreg.error.DockerfileException},
     * an {@code IOException}…), as BuildKit marks the step {@code ERROR} before it reports the error.
     *
     * @param took the time from the step's start to its failure
     * @param error what went wrong, as the error's message words it without the Dockerfile's name
     *     and line ({@code process "/bin/sh -c exit 3" did not complete successfully: exit code: 3})
     */
    default void failed(BuildStep step, Duration took, String error) {
    }

    /**
     * A line a step's command printed (a {@code RUN}'s), as it came.
     *
     * @param elapsed the time from the step's start to the line, as BuildKit's progress shows it
     *     before the line ({@code #5 0.123 hello})
     * @param line the line, stdout and stderr in the order written, without its line end
     */
    default void output(BuildStep step, Duration elapsed, String line) {
    }

    /**
     * The image is built and named in the local store: called once, after the last step and
     * before any push.
     *
     * @param result the image, its names and step counts; {@link BuildResult#pushed()} is empty,
     *     the pushes following, each told by {@link #transferStarted} and {@link #transferFinished}
     */
    default void written(BuildResult result) {
    }

    /**
     * A transfer begins: a base image pulled into the store as {@link Jreg#pull} pulls it, or the
     * built image pushed as {@link Jreg#push} pushes it.
     *
     * @return the listener of the transfer's blobs
     */
    default CopyListener transferStarted(Transfer transfer, Reference image) {
        return CopyListener.NONE;
    }

    /**
     * A transfer is over.
     *
     * @param result what it copied, or null when it failed
     */
    default void transferFinished(Transfer transfer, Reference image, CopyResult result) {
    }
}
