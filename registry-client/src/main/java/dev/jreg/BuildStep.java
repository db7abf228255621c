package dev.jreg;

/**
 * A step of a build as its progress shows it, numbered as BuildKit numbers them: a stage's
 * {@code FROM} of an image, and its {@code WORKDIR}, {@code COPY}, {@code ADD} and {@code RUN}
 * instructions (others change the config alone and are no step of their own).
 *
 * @param stage the stage's name ({@code builder}, or {@code stage-1} for one without a name), or
 *     null in a Dockerfile of one stage
 * @param number the step's number in its stage, from 1
 * @param total the stage's steps
 * @param instruction the instruction as written, its keyword upper case ({@code COPY . /app/},
 *     {@code FROM docker.io/library/python:3.9-slim}), {@code ONBUILD } before a base image's trigger
 * @param line the instruction's first line in the Dockerfile, from 1
 */
public record BuildStep(String stage, int number, int total, String instruction, int line) {
    /**
     * The step's label as BuildKit prints it: {@code [2/5]}, {@code [builder 2/5]}, the number
     * padded to the total's width ({@code [ 2/12]}).
     */
    public String label() {
        String digits = String.valueOf(number);
        String padded = " ".repeat(Math.max(0, String.valueOf(total).length() - digits.length())) + digits;
        return "[" + (stage == null ? "" : stage + " ") + padded + "/" + total + "]";
    }
}
