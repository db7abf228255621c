/**
 * Every exception jreg throws; callers choose by type, never by message. A registry's error
 * answer is a {@link dev.jreg.error.RegistryException} with its status, method, URL and parsed
 * error body. What a location lacks without such an answer has a type of its own that carries
 * what was asked for and no HTTP details: {@link dev.jreg.error.ImageNotFoundException},
 * {@link dev.jreg.error.BlobNotFoundException}, {@link dev.jreg.error.NoMatchingPlatformException}.
 * A Dockerfile or {@code .dockerignore} Docker refuses is a
 * {@link dev.jreg.error.DockerfileException}, naming the file and line. All but
 * {@link dev.jreg.error.InvalidReferenceException} and {@code DockerfileException}, which are bad
 * input ({@link java.lang.IllegalArgumentException}s), extend {@link java.io.IOException} (OkHttp's
 * interceptor contract).
 */
package dev.jreg.error;
