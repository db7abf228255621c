package dev.jreg.internal.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.store.BlobLocations;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BlobLedgerTest {
    static final Digest BLOB = Digest.sha256("blob".getBytes(StandardCharsets.UTF_8));
    static final Reference ONE = Reference.parse("registry.test/mirror/one:1");
    static final Reference ONE_OTHER_TAG = Reference.parse("registry.test/mirror/one:2");
    static final Reference TWO = Reference.parse("registry.test/mirror/two:1");
    static final Reference ELSEWHERE = Reference.parse("other.test/mirror/one:1");

    final BlobLedger ledger = new BlobLedger(BlobLocations.NONE);

    /** Runs a write on a thread of its own. */
    static CompletableFuture<Boolean> start(Thread[] thread, Callable<Boolean> write) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        thread[0] = new Thread(() -> {
            try {
                result.complete(write.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        thread[0].start();
        return result;
    }

    /** Starts a write that holds the blob until released, and returns once it holds it. */
    CompletableFuture<Boolean> holding(Reference repository, CountDownLatch release, boolean fail) throws Exception {
        CountDownLatch holds = new CountDownLatch(1);
        CompletableFuture<Boolean> first = start(new Thread[1], () -> ledger.writeOnce(repository, BLOB, () -> {
            holds.countDown();
            await(release);
            if (fail) {
                throw new IOException("upload refused");
            }
        }));
        assertTrue(holds.await(10, TimeUnit.SECONDS));
        return first;
    }

    static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** A second write, returned once it waits for the first. */
    CompletableFuture<Boolean> waitingSecond(Reference repository, AtomicInteger ran) throws Exception {
        Thread[] thread = new Thread[1];
        CompletableFuture<Boolean> second = start(thread, () -> ledger.writeOnce(repository, BLOB,
                ran::incrementAndGet));
        Instant deadline = Instant.now().plusSeconds(10);
        while (thread[0].getState() != Thread.State.WAITING) {
            assertTrue(Instant.now().isBefore(deadline), "the second write never waited");
            thread[0].join(5);
        }
        return second;
    }

    /** The outcomes of a first write into ONE and a second one that waited for it. */
    record Race(CompletableFuture<Boolean> first, CompletableFuture<Boolean> second, AtomicInteger secondRan) {
    }

    Race race(Reference secondRepository, boolean firstFails) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Boolean> first = holding(ONE, release, firstFails);
        AtomicInteger ran = new AtomicInteger();
        CompletableFuture<Boolean> second = waitingSecond(secondRepository, ran);
        release.countDown();
        second.get(10, TimeUnit.SECONDS);
        return new Race(first, second, ran);
    }

    @Test
    void aSecondWriteIntoTheSameRepositoryWaitsAndDoesNotRun() throws Exception {
        Race race = race(ONE_OTHER_TAG, false);
        assertTrue(race.first().get(10, TimeUnit.SECONDS));
        assertFalse(race.second().get());
        assertEquals(0, race.secondRan().get());
    }

    @Test
    void aWriteIntoAnotherRepositoryRunsAfterTheFirstWithItAsOrigin() throws Exception {
        assertEquals(List.of(), ledger.originsOf(TWO, BLOB));
        Race race = race(TWO, false);
        assertTrue(race.second().get());
        assertTrue(race.first().get(10, TimeUnit.SECONDS));
        assertEquals(1, race.secondRan().get());
        assertEquals(List.of(ONE), ledger.originsOf(TWO, BLOB));
    }

    @Test
    void whenTheFirstWriteFailsTheWaitingOneWritesItself() throws Exception {
        Race race = race(ONE_OTHER_TAG, true);
        assertTrue(race.second().get());
        assertEquals(1, race.secondRan().get());
        assertThrows(Exception.class, () -> race.first().get(10, TimeUnit.SECONDS));
        assertEquals(List.of(ONE_OTHER_TAG), ledger.originsOf(TWO, BLOB));
    }

    @Test
    void writesIntoAnotherRegistryDoNotWait() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Boolean> first = holding(ONE, release, false);
        AtomicInteger ran = new AtomicInteger();
        assertTrue(start(new Thread[1], () -> ledger.writeOnce(ELSEWHERE, BLOB, ran::incrementAndGet))
                .get(10, TimeUnit.SECONDS));
        assertEquals(1, ran.get());
        release.countDown();
        assertTrue(first.get(10, TimeUnit.SECONDS));
    }

    /** Blob locations of an earlier run, in memory. */
    static final class Past implements BlobLocations {
        final Map<String, String> repositories = new ConcurrentHashMap<>();
        final AtomicInteger saves = new AtomicInteger();

        @Override
        public Optional<String> repositoryOf(String registry, Digest digest) {
            return Optional.ofNullable(repositories.get(registry + "@" + digest));
        }

        @Override
        public void record(String registry, Digest digest, String repository) {
            repositories.put(registry + "@" + digest, repository);
        }

        @Override
        public void save() {
            saves.incrementAndGet();
        }
    }

    @Test
    void anEarlierRunsRepositoryOfTheSameRegistryIsOfferedAfterThisRunsOwn() throws Exception {
        Past past = new Past();
        past.record("registry.test", BLOB, "mirror/earlier");
        BlobLedger withPast = new BlobLedger(past);
        Reference earlier = new Reference("registry.test", "mirror/earlier", TWO.tag(), TWO.digest());
        assertEquals(List.of(earlier), withPast.originsOf(TWO, BLOB));
        assertEquals(List.of(), withPast.originsOf(Reference.parse("registry.test/mirror/earlier:1"), BLOB),
                "a repository is no origin for itself");
        assertEquals(List.of(), withPast.originsOf(ELSEWHERE, BLOB), "nor for another registry");

        assertTrue(withPast.writeOnce(ONE, BLOB, () -> { }));
        assertEquals("mirror/one", past.repositories.get("registry.test@" + BLOB), "the write is recorded");
        assertEquals(List.of(ONE), withPast.originsOf(TWO, BLOB), "one origin is offered once");
        past.record("registry.test", BLOB, "mirror/earlier");
        assertEquals(List.of(ONE, earlier), withPast.originsOf(TWO, BLOB), "this run's first");
        withPast.save();
        assertEquals(1, past.saves.get());
    }
}
