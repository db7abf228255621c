package dev.jreg;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * How transient failures are retried: connection failures, resets, timeouts and the statuses
 * 408, 429, 500, 502, 503, 504, for requests that can be sent again. Delays grow exponentially
 * with full jitter, a registry's {@code Retry-After} is honoured, and both the attempts and the
 * total time are bounded.
 *
 * @param maxAttempts attempts in all, at least 1 (1 means no retry)
 * @param baseDelay the first delay's upper bound
 * @param maxDelay no single delay is longer
 * @param maxTotal retries stop when the next delay would pass this since the first attempt
 * @param sleeper waits between attempts (tests replace it)
 * @param notices told, in one line, of each retry after the first: a single retry is routine, a
 *     second one keeps the user waiting
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxTotal, Sleeper sleeper,
        Consumer<String> notices) {
    /** Waits; a test double records instead. */
    @FunctionalInterface
    public interface Sleeper {
        /** Waits this long. */
        void sleep(Duration duration) throws InterruptedException;
    }

    /** Five attempts, 0.5 s growing to 30 s, two minutes at most. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(30),
            Duration.ofMinutes(2), d -> Thread.sleep(d.toMillis()), line -> { });

    /** No retries. */
    public static final RetryPolicy NONE = DEFAULT.withAttempts(1);

    /** Validates; no notices when null. */
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retries must not be negative");
        }
        notices = notices == null ? line -> { } : notices;
    }

    /** The same policy with another number of attempts. */
    public RetryPolicy withAttempts(int attempts) {
        return new RetryPolicy(attempts, baseDelay, maxDelay, maxTotal, sleeper, notices);
    }

    /** The same policy with another sleeper. */
    public RetryPolicy withSleeper(Sleeper other) {
        return new RetryPolicy(maxAttempts, baseDelay, maxDelay, maxTotal, other, notices);
    }

    /** The same policy telling {@code other} of retries. */
    public RetryPolicy withNotices(Consumer<String> other) {
        return new RetryPolicy(maxAttempts, baseDelay, maxDelay, maxTotal, sleeper, other);
    }
}
