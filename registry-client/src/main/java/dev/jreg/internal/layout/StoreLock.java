package dev.jreg.internal.layout;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * A readers–writer lock on a file, across threads and processes. Copies into the store are
 * readers of {@code .jreg.activity}: they may write blobs before naming them, so garbage
 * collection, the writer, must not run while any copy is under way. Changes to the store's
 * {@code index.json} and each blob's writer are writers of their own files.
 *
 * <p>File locks belong to the JVM as a whole, so inside a process the file lock is taken once,
 * by the first reader or the writer, and a count of readers shares it. A hold belongs to no
 * thread: a copy may take its hold on a worker and release it on the thread that started it. A
 * lock is remembered only while it is held, so that a lock per blob costs nothing once the blob
 * is written.
 */
final class StoreLock {
    /** The locks held now, by file; guarded by itself, which waiters wait on. */
    private static final Map<Path, Hold> LOCKS = new HashMap<>();

    /** A file locked by this process: shared by {@code readers}, or by a writer when there are none. */
    private record Hold(FileChannel channel, int readers) {
    }

    private StoreLock() {
    }

    /** Held while copying into the store; many at once. */
    static Closeable shared(Path file) throws IOException {
        return take(file, true, () -> { });
    }

    /**
     * The writer's hold; waits until no other holder runs anywhere.
     *
     * @param waiting run once, before the first wait, when another holds it
     */
    static Closeable exclusive(Path file, Runnable waiting) throws IOException {
        return take(file, false, waiting);
    }

    /** The writer's hold if no other holder runs anywhere now, else null at once. */
    static Closeable tryExclusive(Path file) throws IOException {
        return take(file, false, null);
    }

    /** How many locks are held in this process now. */
    static int tracked() {
        synchronized (LOCKS) {
            return LOCKS.size();
        }
    }

    /**
     * Takes the lock: joins this process's readers, or else locks the file when no thread of this
     * process holds it. Other processes are waited for by polling: a blocking lock (fcntl's
     * F_SETLKW) fails with EDEADLK when two processes each wait, on one thread, for a lock that
     * the other holds on another thread: the kernel counts locks per process, and sees a cycle
     * where there is none. Polling never asks it to look.
     *
     * @param waiting run once, before the first wait; null to give up at once instead of waiting
     */
    private static Closeable take(Path file, boolean shared, Runnable waiting) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        for (long pauseMillis = 1;; pauseMillis = Math.min(pauseMillis * 2, 50)) {
            boolean heldHere;
            synchronized (LOCKS) {
                Hold hold = LOCKS.get(key);
                heldHere = hold != null;
                if (shared && heldHere && hold.readers() > 0) {
                    LOCKS.put(key, new Hold(hold.channel(), hold.readers() + 1));
                    return () -> release(key);
                }
                FileChannel locked = heldHere ? null : lockFile(key, shared);
                if (locked != null) {
                    LOCKS.put(key, new Hold(locked, shared ? 1 : 0));
                    return () -> release(key);
                }
            }
            if (waiting == null) {
                return null;
            }
            if (pauseMillis == 1) {
                waiting.run();
            }
            try {
                synchronized (LOCKS) {
                    LOCKS.wait(pauseMillis); // a release here wakes it at once
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(heldHere ? "interrupted while waiting for the store"
                        : "interrupted while waiting for a lock on the store");
            }
        }
    }

    /** Locks the whole file, or returns null when another process holds it. */
    private static FileChannel lockFile(Path file, boolean shared) throws IOException {
        // A shared lock needs a readable channel, an exclusive one a writable one.
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        boolean locked = false;
        try {
            locked = channel.tryLock(0, Long.MAX_VALUE, shared) != null;
            return locked ? channel : null;
        } finally {
            if (!locked) {
                channel.close();
            }
        }
    }

    /** Lets go of one hold, each closed once; the last lets go of the file, whose channel holds its lock. */
    private static void release(Path key) throws IOException {
        synchronized (LOCKS) {
            Hold hold = LOCKS.get(key);
            if (hold.readers() > 1) {
                LOCKS.put(key, new Hold(hold.channel(), hold.readers() - 1));
                return;
            }
            LOCKS.remove(key);
            LOCKS.notifyAll();
            hold.channel().close();
        }
    }
}
