package dev.jreg.internal.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreLockTest {
    @TempDir
    Path dir;

    /**
     * This process holds lock Y on one thread and wants lock X on another; a second process holds
     * X and waits, blocking, for Y. Nothing is deadlocked, since Y is let go, but a blocking wait
     * here would close a cycle in the kernel's per-process view and fail with EDEADLK.
     */
    @Test
    void waitingForAnotherProcessNeverLooksLikeADeadlockToTheKernel() throws Exception {
        Path x = dir.resolve("x.lock");
        Path y = dir.resolve("y.lock");
        Closeable holdingY = StoreLock.exclusive(y, () -> { });
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockTwoFiles.class.getName(), x.toString(), y.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("holding x", out.readLine());
            CompletableFuture<Void> wantsX = CompletableFuture.runAsync(() -> {
                try (Closeable lock = StoreLock.exclusive(x, () -> { })) {
                    // taken once the other process is done
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitBlockedOnLock(other);
            holdingY.close();
            wantsX.get(30, TimeUnit.SECONDS);
            assertEquals("holding both", out.readLine());
        }
        assertTrue(other.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, other.exitValue());
    }

    /**
     * A copy takes its hold on the store on a worker thread and lets it go on the thread that
     * started it; garbage collection must then get its turn, and must wait while a hold lasts.
     */
    @Test
    void aHoldTakenOnOneThreadIsReleasedOnAnother() throws Exception {
        Path activity = dir.resolve("activity");
        Closeable hold = CompletableFuture.supplyAsync(() -> {
            try {
                return StoreLock.shared(activity);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(30, TimeUnit.SECONDS);
        CompletableFuture<Void> collecting = CompletableFuture.runAsync(() -> {
            try (Closeable exclusive = StoreLock.exclusive(activity, () -> { })) {
                // runs once no copy holds the store
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThrows(java.util.concurrent.TimeoutException.class, () -> collecting.get(200, TimeUnit.MILLISECONDS),
                "the collector must wait while a copy holds the store");
        hold.close();
        collecting.get(30, TimeUnit.SECONDS);
        try (Closeable again = StoreLock.shared(activity)) {
            assertTrue(Files.exists(activity));
        }
    }

    /**
     * The state of a lock is kept while it is held or awaited, and dropped once released: a
     * store that writes many blobs, each under a lock of its own, keeps no state per blob.
     */
    @Test
    void aReleasedLockIsForgotten() throws Exception {
        int before = StoreLock.tracked();
        Closeable blob = StoreLock.exclusive(dir.resolve("sha256-1.lock"), () -> { });
        Closeable shared = StoreLock.shared(dir.resolve("activity"));
        Closeable again = StoreLock.shared(dir.resolve("activity"));
        assertEquals(before + 2, StoreLock.tracked());
        blob.close();
        shared.close();
        assertEquals(before + 1, StoreLock.tracked(), "one holder of the activity lock is left");
        again.close();
        assertEquals(before, StoreLock.tracked());
    }

    /** A lock that was busy (tried and given up, or awaited and then taken) is forgotten too. */
    @Test
    void aLockTriedWhileBusyIsForgotten() throws Exception {
        int before = StoreLock.tracked();
        Path activity = dir.resolve("activity");
        try (Closeable copy = StoreLock.shared(activity)) {
            assertNull(StoreLock.tryExclusive(activity), "a copy runs");
        }
        assertEquals(before, StoreLock.tracked());
        StoreLock.tryExclusive(activity).close();
        assertEquals(before, StoreLock.tracked());
    }

    /** Polls the other process's threads until the kernel shows one waiting for a file lock. */
    private static void awaitBlockedOnLock(Process other) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Path tasks = Path.of("/proc", Long.toString(other.pid()), "task");
        while (System.nanoTime() < deadline && other.isAlive()) {
            try (Stream<Path> threads = Files.list(tasks)) {
                for (Path thread : (Iterable<Path>) threads::iterator) {
                    String waitingIn = Files.readString(thread.resolve("wchan"));
                    if (waitingIn.contains("setlk") || waitingIn.contains("lock_inode")) {
                        return;
                    }
                }
            } catch (java.io.IOException threadEnded) {
                // a thread ended while being listed: look again
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the other process never waited for its lock");
    }

    /** The other process: takes X, then waits (blocking, as other tools do) for Y. */
    public static final class LockTwoFiles {
        public static void main(String[] args) throws Exception {
            try (FileChannel x = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock xLock = x.lock()) {
                System.out.println("holding x");
                System.out.flush();
                try (FileChannel y = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        FileLock yLock = y.lock()) {
                    System.out.println("holding both");
                    System.out.flush();
                }
            }
        }
    }
}
