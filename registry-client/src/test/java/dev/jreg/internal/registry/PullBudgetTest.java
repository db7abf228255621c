package dev.jreg.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The gate of manifest GETs: open above the reserve, shut until the budget is expected back, told once. */
class PullBudgetTest {
    final List<String> notices = new CopyOnWriteArrayList<>();
    final PullBudget budget = new PullBudget("docker.io", 2, notices::add);

    @Test
    void staysOpenAboveTheReserveOrWhenNothingWasTold() throws Exception {
        budget.awaitPull();
        budget.saw(new RateLimit(100, 3, Duration.ofHours(6), null), Instant.now());
        budget.awaitPull();
        budget.saw(new RateLimit(100, 1, null, null), Instant.now());
        budget.awaitPull(); // low, but no one can say when it comes back: the registry's 429 will
        assertEquals(List.of(), notices);
    }

    @Test
    void waitsOutTheWindowFromWhenTheBudgetWasFirstSeenLowAndTellsItOnce() throws Exception {
        Instant seen = Instant.now();
        budget.saw(new RateLimit(100, 2, Duration.ofSeconds(1), null), seen);
        // A later answer that is still low does not push the end of the wait on.
        budget.saw(new RateLimit(100, 1, Duration.ofSeconds(1), null), seen.plusMillis(500));
        budget.awaitPull();
        assertFalse(Instant.now().isBefore(seen.plusSeconds(1)), "went on before the window was over");
        assertEquals(1, notices.size(), notices::toString);
        assertTrue(notices.get(0).matches("docker\\.io: pull limit low \\(2 of 100 left\\); waiting until"
                + " \\d\\d:\\d\\d:\\d\\d"), notices::toString);
        budget.awaitPull();
        assertEquals(1, notices.size(), "the budget is expected back: no second wait");
    }

    @Test
    void waitsForTheResetAndTellsA429AtOnce() throws Exception {
        Instant seen = Instant.now();
        budget.saw(new RateLimit(-1, 0, Duration.ofHours(6), Duration.ofSeconds(1)), seen);
        budget.awaitPull();
        assertFalse(Instant.now().isBefore(seen.plusSeconds(1)), "went on before the reset");
        assertTrue(notices.get(0).startsWith("docker.io: pull limit low (0 left); waiting until "), notices::toString);

        Instant refused = Instant.now();
        budget.refused(Duration.ofSeconds(1), refused);
        assertEquals(2, notices.size(), notices::toString);
        assertTrue(notices.get(1).startsWith("docker.io: pull limit reached (HTTP 429); waiting until "),
                notices::toString);
        budget.awaitPull();
        assertFalse(Instant.now().isBefore(refused.plusSeconds(1)), "went on before Retry-After");
        assertEquals(2, notices.size(), notices::toString);
    }

    @Test
    void a429ThatAlsoCarriesItsBudgetIsToldAsA429() throws Exception {
        Instant now = Instant.now();
        budget.saw(new RateLimit(100, 0, Duration.ofHours(6), null), now); // the 429's own headers
        budget.refused(Duration.ofSeconds(1), now);
        assertEquals(1, notices.size(), notices::toString);
        assertTrue(notices.get(0).startsWith("docker.io: pull limit reached (HTTP 429); waiting until "),
                notices::toString);
    }

    @Test
    void aBudgetToldBackOpensTheGateForThoseWaiting() throws Exception {
        budget.saw(new RateLimit(100, 0, Duration.ofHours(6), null), Instant.now());
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread waiter = waiter(outcome);
        budget.saw(new RateLimit(100, 50, Duration.ofHours(6), null), Instant.now());
        waiter.join(Duration.ofSeconds(10).toMillis());
        assertEquals("went on", outcome.get());
    }

    @Test
    void aWaitIsInterruptible() throws Exception {
        budget.saw(new RateLimit(100, 0, Duration.ofHours(6), null), Instant.now());
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread waiter = waiter(outcome);
        waiter.interrupt();
        waiter.join(Duration.ofSeconds(10).toMillis());
        assertTrue(outcome.get() instanceof InterruptedIOException, String.valueOf(outcome.get()));
        assertThrows(InterruptedIOException.class, () -> {
            Thread.currentThread().interrupt();
            try {
                budget.awaitPull();
            } finally {
                Thread.interrupted();
            }
        });
    }

    /** A thread waiting at the gate, once this returns: "went on" or the exception goes into {@code outcome}. */
    private Thread waiter(AtomicReference<Object> outcome) {
        Thread waiter = new Thread(() -> {
            try {
                budget.awaitPull();
                outcome.set("went on");
            } catch (InterruptedIOException e) {
                outcome.set(e);
            }
        });
        waiter.start();
        awaitNotice();
        return waiter;
    }

    /** Polls until the waiter has told its wait: it is then waiting. */
    private void awaitNotice() {
        Instant deadline = Instant.now().plusSeconds(10);
        while (notices.isEmpty()) {
            assertTrue(Instant.now().isBefore(deadline), "no wait was told");
            Thread.onSpinWait();
        }
    }
}
