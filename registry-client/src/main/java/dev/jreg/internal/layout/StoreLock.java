package dev.jreg.internal.layout;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A readers–writer lock on a file, across threads and processes. Copies into the store are
 * readers of {@code .jreg.activity}: they may write blobs before naming them, so garbage
 * collection, the writer, must not run while any copy is under way. Changes to the store's
 * {@code index.json} and each blob's writer are writers of their own files.
 *
 * <p>File locks belong to the JVM as a whole, so inside a process a count of readers and a writer
 * flag order threads, and the first reader takes the shared file lock for all of them. Neither
 * belongs to a thread: a copy may take its hold on a worker and release it on the thread that
 * started it. That state is kept only while someone holds or awaits the lock, so that a lock per
 * blob costs nothing once the blob is written.
 */
final class StoreLock {
    /** The locks held or awaited now, by file; guarded by itself. */
    private static final Map<Path, StoreLock> LOCKS = new HashMap<>();

    private final Path file;
    /** Holders and waiters; guarded by {@link #LOCKS}. */
    private int users;
    private int readers;
    private boolean writing;
    private FileChannel sharedChannel;
    private FileLock sharedLock;

    private StoreLock(Path file) {
        this.file = file;
    }

    /** Held while copying into the store; many at once. */
    static Closeable shared(Path file) throws IOException {
        return hold(file, StoreLock::takeShared);
    }

    /**
     * The writer's hold; waits until no other holder runs anywhere.
     *
     * @param waiting run once, before the first wait, when another holds it
     */
    static Closeable exclusive(Path file, Runnable waiting) throws IOException {
        return hold(file, lock -> lock.takeExclusive(waiting));
    }

    /** The writer's hold if no other holder runs anywhere now, else null at once. */
    static Closeable tryExclusive(Path file) throws IOException {
        return hold(file, lock -> lock.takeExclusive(null));
    }

    /** How many locks are held or awaited in this process now. */
    static int tracked() {
        synchronized (LOCKS) {
            return LOCKS.size();
        }
    }

    private interface Take {
        Closeable from(StoreLock lock) throws IOException;
    }

    private static Closeable hold(Path file, Take take) throws IOException {
        StoreLock lock;
        synchronized (LOCKS) {
            lock = LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), StoreLock::new);
            lock.users++;
        }
        Closeable held = null;
        try {
            held = take.from(lock);
        } finally {
            if (held == null) {
                lock.forget();
            }
        }
        Closeable taken = held;
        return taken == null ? null : () -> {
            try {
                taken.close();
            } finally {
                lock.forget();
            }
        };
    }

    /** Drops the lock's state once no one holds or awaits it: each hold is closed once. */
    private void forget() {
        synchronized (LOCKS) {
            if (--users == 0) {
                LOCKS.remove(file);
            }
        }
    }

    private synchronized Closeable takeShared() throws IOException {
        awaitTurn(() -> !writing);
        if (readers == 0) {
            sharedChannel = open();
            try {
                sharedLock = await(sharedChannel, true);
            } catch (IOException | RuntimeException e) {
                sharedChannel.close();
                notifyAll();
                throw e;
            }
        }
        readers++;
        return () -> {
            synchronized (this) {
                if (--readers == 0) {
                    try (FileChannel channel = sharedChannel) {
                        sharedLock.release();
                    } finally {
                        notifyAll();
                    }
                }
            }
        };
    }

    /** @param waiting run once, before the first wait; null to give up at once instead of waiting */
    private Closeable takeExclusive(Runnable waiting) throws IOException {
        boolean[] told = {false};
        Runnable tell = waiting == null ? null : () -> {
            if (!told[0]) {
                told[0] = true;
                waiting.run();
            }
        };
        synchronized (this) {
            if (writing || readers > 0) {
                if (tell == null) {
                    return null;
                }
                tell.run();
            }
            awaitTurn(() -> !writing && readers == 0);
            writing = true;
        }
        return lockFile(tell);
    }

    /**
     * Takes the exclusive file lock for a writer that holds the in-process turn. When another
     * process holds the lock: with {@code waiting} null, gives the turn back and returns null;
     * else runs it and waits.
     */
    private Closeable lockFile(Runnable waiting) throws IOException {
        FileChannel channel = null;
        try {
            channel = open();
            FileLock lock = channel.tryLock(0, Long.MAX_VALUE, false);
            if (lock == null && waiting == null) {
                try (FileChannel busy = channel) {
                    endWriting();
                }
                return null;
            }
            if (lock == null) {
                waiting.run();
                lock = await(channel, false);
            }
            FileChannel held = channel;
            FileLock taken = lock;
            return () -> {
                try (held) {
                    taken.release();
                } finally {
                    endWriting();
                }
            };
        } catch (IOException | RuntimeException e) {
            try (FileChannel opened = channel) {
                endWriting();
            }
            throw e;
        }
    }

    private synchronized void endWriting() {
        writing = false;
        notifyAll();
    }

    /** Waits, holding this monitor, until the condition holds. */
    private void awaitTurn(BooleanSupplier condition) throws InterruptedIOException {
        while (!condition.getAsBoolean()) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the store");
            }
        }
    }

    /**
     * Takes a lock on the whole file, waiting for other processes by polling. A blocking lock
     * (fcntl's F_SETLKW) fails with EDEADLK when two processes each wait, on one thread, for a
     * lock that the other holds on another thread: the kernel counts locks per process, and sees
     * a cycle where there is none. Polling never asks it to look.
     */
    private static FileLock await(FileChannel channel, boolean shared) throws IOException {
        long pauseMillis = 1;
        while (true) {
            FileLock lock = channel.tryLock(0, Long.MAX_VALUE, shared);
            if (lock != null) {
                return lock;
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a lock on the store");
            }
            pauseMillis = Math.min(pauseMillis * 2, 50);
        }
    }

    private FileChannel open() throws IOException {
        // A shared lock needs a readable channel, an exclusive one a writable one.
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
}
