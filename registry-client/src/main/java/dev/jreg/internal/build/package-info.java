/**
 * Internal, not part of the supported API: building images from Dockerfiles, as
 * {@code docker build} does without a daemon. Its front end reads a Dockerfile into stages of
 * instructions ({@code DockerfileParser}), replaces their variables with the stage's arguments and
 * environment ({@code Scope}), and reads the {@code .dockerignore} that trims the build context
 * ({@code IgnoreRules}), by the rules of Docker's Dockerfile reference. Public for the façade:
 * {@link dev.jreg.internal.build.ConfigEditor}, which applies config instructions to an image's
 * settings for {@code jreg commit -c}.
 */
package dev.jreg.internal.build;
