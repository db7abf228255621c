package dev.jreg.internal.build;

import java.time.Duration;

/** What a build tells as it goes, step by step; the façade passes it on to the caller's listener. */
public interface BuildProgress {
    /** A step begins. */
    void started(Step step);

    /** A step's result came from the cache (or a base image was in the store already). */
    void cached(Step step);

    /** A step is done, after this long. */
    void done(Step step, Duration took);

    /**
     * A step failed, this long after it started, and the build stops.
     *
     * @param error what went wrong, without the Dockerfile's name and line
     */
    void failed(Step step, Duration took, String error);

    /** A line a step's command printed, this long after the step started. */
    void output(Step step, Duration elapsed, String line);

    /**
     * A step as BuildKit's progress numbers it: {@code FROM} of an image, {@code WORKDIR},
     * {@code COPY}, {@code ADD} and {@code RUN}.
     *
     * @param stage the stage's name ({@code builder}, {@code stage-1}), or null in a Dockerfile of one stage
     * @param number its number in the stage, from 1
     * @param total the stage's steps
     * @param text the instruction as written, its keyword upper case, {@code ONBUILD } before a trigger's
     * @param line its first line in the Dockerfile
     */
    record Step(String stage, int number, int total, String text, int line) {
    }
}
