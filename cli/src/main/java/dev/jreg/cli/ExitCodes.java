package dev.jreg.cli;

import dev.jreg.error.BlobNotFoundException;
import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.DockerfileException;
import dev.jreg.error.ImageNotFoundException;
import dev.jreg.error.InvalidArchiveException;
import dev.jreg.error.InvalidContentException;
import dev.jreg.error.NoMatchingPlatformException;
import dev.jreg.error.NotFoundException;
import dev.jreg.error.RateLimitedException;
import dev.jreg.error.RegistryException;
import dev.jreg.error.RunCommandException;
import dev.jreg.error.UnauthorizedException;
import dev.jreg.error.UnreachableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.EOFException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/** jreg's exit codes, documented in the README. */
final class ExitCodes {
    static final int OK = 0;
    /** Anything not listed below. */
    static final int FAILURE = 1;
    /** Bad command line (unknown flag, malformed reference or platform) or input (an archive load cannot read). */
    static final int USAGE = 2;
    /** The registry, store or layout has no such image, tag, manifest, blob or platform. */
    static final int NOT_FOUND = 3;
    /** Authentication failed or access was denied. */
    static final int UNAUTHORIZED = 4;
    /** The registry could not be reached, timed out, failed (5xx) or rate-limited us. */
    static final int NETWORK = 5;
    /** Content did not match its digest or size. */
    static final int DIGEST_MISMATCH = 6;
    /** A registry or file gave malformed or oversized content. */
    static final int INVALID_CONTENT = 7;
    /** A Dockerfile (or its .dockerignore) Docker refuses, or one that names what is not there, at a line. */
    static final int DOCKERFILE = 8;
    /** A build's {@code RUN} command ended with a status other than 0. */
    static final int RUN_FAILED = 9;
    /** {@code sync}: some images or repositories failed; the others were brought in step. */
    static final int PARTIAL_FAILURE = 10;
    /**
     * stdout's reader went away ({@code jreg export IMAGE | head -c 0}): what a shell reports for a
     * process SIGPIPE killed, 128 plus the signal's number, 13.
     */
    static final int STDOUT_CLOSED = 141;
    /** A fault inside jreg or the JVM (an {@link Error}: a missing class, out of memory); sysexits' EX_SOFTWARE. */
    static final int INTERNAL = 70;

    private ExitCodes() {
    }

    static int of(Throwable error) {
        if (ErrorReporter.internalError(error) != null) {
            return INTERNAL;
        }
        Throwable e = error instanceof UncheckedIOException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof DockerfileException) {
            return DOCKERFILE;
        }
        if (e instanceof RunCommandException) {
            return RUN_FAILED;
        }
        if (e instanceof IllegalArgumentException || e instanceof InvalidArchiveException) {
            return USAGE;
        }
        if (e instanceof NotFoundException || e instanceof ImageNotFoundException || e instanceof BlobNotFoundException
                || e instanceof NoMatchingPlatformException) {
            return NOT_FOUND;
        }
        if (e instanceof UnauthorizedException) {
            return UNAUTHORIZED;
        }
        // A SocketException also stands for a refused connection and a host without a route.
        if (e instanceof RateLimitedException || e instanceof UnreachableException || e instanceof UnknownHostException
                || e instanceof SocketTimeoutException || e instanceof SSLException || e instanceof SocketException
                || e instanceof EOFException || e instanceof ProtocolException
                || (e instanceof RegistryException r && r.status() >= 500)) {
            return NETWORK;
        }
        if (e instanceof DigestMismatchException) {
            return DIGEST_MISMATCH;
        }
        if (e instanceof InvalidContentException) {
            return INVALID_CONTENT;
        }
        if (e instanceof IOException && e.getCause() instanceof IOException cause && cause != e) {
            return of(cause);
        }
        return FAILURE;
    }
}
