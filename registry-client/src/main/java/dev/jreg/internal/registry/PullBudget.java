package dev.jreg.internal.registry;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;

/**
 * The latest pull budget one registry told ({@link RateLimit}), and the gate its manifest
 * {@code GET}s pass: while no more than {@code reserve} pulls are left, none starts until the
 * budget can be expected back. The reserve is how many manifest {@code GET}s may be in flight
 * on the registry at once, so those already started never overdraw it. Thread-safe.
 */
final class PullBudget {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final String registry;
    private final int reserve;
    private final Consumer<String> notices;
    private long limit = -1;
    /** Pulls left, or -1 when unknown (never told, or the wait for it to come back is over). */
    private long remaining = -1;
    /** When the budget is expected back, while it is low; null when it is not, or no one can tell. */
    private Instant resumeAt;
    /** Why pulls wait, for the notice; null while they do not. */
    private String why;
    private boolean told;

    /**
     * @param registry the registry, as references name it
     * @param reserve pulls left at or below which no manifest {@code GET} starts
     * @param notices told once, in one line, of each wait
     */
    PullBudget(String registry, int reserve, Consumer<String> notices) {
        this.registry = registry;
        this.reserve = reserve;
        this.notices = notices;
    }

    /**
     * Records an answer's budget. A low one is expected back after {@code RateLimit-Reset}, else
     * after the window counted from when it was first seen low.
     */
    synchronized void saw(RateLimit seen, Instant now) {
        limit = seen.limit();
        remaining = seen.remaining();
        if (remaining > reserve) {
            clear();
            notifyAll();
            return;
        }
        if (seen.reset() != null) {
            resumeAt = now.plus(seen.reset());
        } else if (resumeAt == null || !resumeAt.isAfter(now)) {
            resumeAt = seen.window() == null ? null : now.plus(seen.window());
        }
        if (resumeAt != null && why == null) {
            why = "pull limit low (" + remaining + (limit >= 0 ? " of " + limit : "") + " left)";
        }
    }

    /**
     * Records a 429 whose request is retried after {@code retryAfter}: nothing is left until then,
     * which is told at once, the retry being a wait too.
     */
    synchronized void refused(Duration retryAfter, Instant now) {
        Instant until = now.plus(retryAfter);
        remaining = 0;
        resumeAt = resumeAt != null && resumeAt.isAfter(until) ? resumeAt : until;
        if (!told) {
            why = "pull limit reached (HTTP 429)"; // what the registry said, over what its headers had
        }
        tell();
    }

    /** True while no manifest {@code GET} may start, the budget being low until a known time. */
    synchronized boolean shut(Instant now) {
        return remaining >= 0 && remaining <= reserve && resumeAt != null && now.isBefore(resumeAt);
    }

    /**
     * Returns when a manifest {@code GET} may start: at once while the budget is above the
     * reserve or unknown, else once it is expected back, telling the wait once.
     *
     * @throws InterruptedIOException when the thread is interrupted while it waits
     */
    synchronized void awaitPull() throws InterruptedIOException {
        for (Instant now = Instant.now(); remaining >= 0 && remaining <= reserve && resumeAt != null;
                now = Instant.now()) {
            if (!shut(now)) {
                remaining = -1;
                clear();
                return;
            }
            tell();
            try {
                wait(Math.max(1, Duration.between(now, resumeAt).toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + registry + "'s pull limit");
            }
        }
    }

    /** Tells the wait, once. */
    private void tell() {
        if (!told) {
            told = true;
            notices.accept(registry + ": " + why + "; waiting until " + LocalTime.ofInstant(
                    resumeAt.plusSeconds(1).truncatedTo(ChronoUnit.SECONDS), ZoneId.systemDefault()).format(CLOCK));
        }
    }

    private void clear() {
        resumeAt = null;
        why = null;
        told = false;
    }
}
