package dev.jreg.internal.registry;

import dev.jreg.RetryPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ProtocolException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Retries what can safely be sent again: requests without a body or with a replayable one
 * (never a streamed upload), on connection failures and on 408, 429 and 5xx gateway statuses.
 * Sits outside the auth interceptor, so each attempt is authenticated afresh. A refused
 * connection is retried once only: nothing listens there, and a registry that is restarting is
 * back within the first delay or not soon.
 *
 * @param policy how often and for how long to retry
 * @param debug where each retry is told, or null
 */
record RetryInterceptor(RetryPolicy policy, Consumer<String> debug) implements Interceptor {
    private static final Set<Integer> RETRYABLE = Set.of(408, 429, 500, 502, 503, 504);

    /**
     * A request tag: retry only a timeout. The plain-HTTP probe of a loopback registry carries it:
     * an error there only means the port speaks TLS, but a server that accepts and says nothing
     * is as silent over TLS, and is waited for as any other.
     */
    enum Probe { INSTANCE }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        if (request.body() != null && request.body().isOneShot()) {
            return chain.proceed(request);
        }
        boolean timeoutsOnly = request.tag(Probe.class) != null;
        Instant deadline = Instant.now().plus(policy.maxTotal());
        for (int attempt = 1;; attempt++) {
            Response response;
            try {
                response = chain.proceed(request);
            } catch (IOException e) {
                if (!isTransient(e) || attempt >= policy.maxAttempts() || attempt >= 2 && refused(e)
                        || timeoutsOnly && !(e instanceof java.net.SocketTimeoutException)) {
                    throw attempt == 1 ? e
                            : new RetriesExhaustedException(describe(request, attempt) + ": " + e.getMessage(), e, attempt);
                }
                pause(request, attempt, backoff(policy, attempt, ThreadLocalRandom.current()), deadline, reason(e));
                continue;
            }
            if (!RETRYABLE.contains(response.code()) || attempt >= policy.maxAttempts() || timeoutsOnly) {
                return response;
            }
            Duration wait = retryAfter(response.header("Retry-After"));
            Duration delay = wait != null ? wait : backoff(policy, attempt, ThreadLocalRandom.current());
            if (Instant.now().plus(delay).isAfter(deadline)) {
                return response;
            }
            response.close();
            pause(request, attempt, delay, deadline, "HTTP " + response.code());
        }
    }

    private void pause(Request request, int attempt, Duration delay, Instant deadline, String why) throws IOException {
        if (Instant.now().plus(delay).isAfter(deadline)) {
            throw new RetriesExhaustedException(describe(request, attempt) + ": giving up, the next retry would pass "
                    + policy.maxTotal().toSeconds() + " s (" + why + ")", null, attempt);
        }
        if (attempt >= 2) {
            policy.notices().accept(request.method() + " " + Errors.redact(request.url()) + ": " + why + "; retrying in "
                    + String.format(Locale.ROOT, "%.1f s", delay.toMillis() / 1000.0)
                    + " (attempt " + (attempt + 1) + " of " + policy.maxAttempts() + ")");
        }
        if (debug != null) {
            debug.accept("retry " + attempt + "/" + (policy.maxAttempts() - 1) + " of " + request.method() + " "
                    + Errors.redact(request.url()) + " in " + delay.toMillis() + " ms after " + why);
        }
        try {
            policy.sleeper().sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }

    /** A failure in a few words: the innermost message, which says what the socket saw. */
    private static String reason(IOException e) {
        return e instanceof java.net.SocketTimeoutException ? "timed out" : RegistryHttp.rootMessage(e);
    }

    private static boolean refused(IOException e) {
        return RegistryHttp.causes(e).anyMatch(t -> t instanceof java.net.ConnectException && t.getMessage() != null
                && t.getMessage().contains("Connection refused"));
    }

    private static String describe(Request request, int attempts) {
        return request.method() + " " + Errors.redact(request.url()) + " failed after " + attempts
                + (attempts == 1 ? " attempt" : " attempts");
    }

    /** Connection-level trouble is worth another try; TLS trust problems and protocol errors are not. */
    private static boolean isTransient(IOException e) {
        return e instanceof java.net.SocketTimeoutException || !(e instanceof InterruptedIOException
                || e instanceof SSLException || e instanceof ProtocolException
                || e instanceof java.net.UnknownHostException || e instanceof dev.jreg.error.RegistryException
                || e instanceof dev.jreg.error.InvalidContentException
                || e instanceof dev.jreg.error.UnreachableException);
    }

    /** {@code Retry-After} in seconds or as an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant when = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(Instant.now(), when);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    /** A request that kept failing; the message says how often and why. */
    static final class RetriesExhaustedException extends dev.jreg.error.UnreachableException {
        private static final long serialVersionUID = 1L;
        private final int attempts;

        RetriesExhaustedException(String message, Throwable cause, int attempts) {
            super(message, cause);
            this.attempts = attempts;
        }

        int attempts() {
            return attempts;
        }
    }

    /** The delay before retry number {@code retry} (1-based): random in [0, min(max, base·2^(retry-1))]. */
    static Duration backoff(RetryPolicy policy, int retry, java.util.random.RandomGenerator random) {
        long cap = Math.min(policy.maxDelay().toMillis(), policy.baseDelay().toMillis() << Math.min(retry - 1, 20));
        return Duration.ofMillis(random.nextLong(cap + 1));
    }
}
