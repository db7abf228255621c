/**
 * Internal, not part of the supported API: the sandbox a Dockerfile's {@code RUN} command runs
 * in. {@link dev.jreg.internal.sandbox.Sandbox} runs a command inside an unpacked root filesystem
 * through bubblewrap ({@code bwrap}, launched as a child process), as {@code docker build} runs it
 * in a container: the user resolved against the image's {@code /etc/passwd} and
 * {@code /etc/group}, the image's environment and nothing of the host's, the working directory
 * made when missing, the network shared or none, and no mount point left behind. It knows nothing
 * of Dockerfiles: the caller gives a {@link dev.jreg.internal.sandbox.RunSpec}.
 */
package dev.jreg.internal.sandbox;
