package dev.jreg.layout;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * A readers–writer lock over one store, across threads and processes. Copies into the store are
 * readers: they may write blobs before naming them, so garbage collection, the writer, must not
 * run while any copy is under way, in this process or another.
 *
 * <p>File locks belong to the JVM as a whole, so inside a process a count of readers and a writer
 * flag order threads, and the first reader takes the shared file lock for all of them. Neither
 * belongs to a thread: a copy may take its hold on a worker and release it on the thread that
 * started it.
 */
final class StoreLock {
    /** One per lock file: the JVM-wide file locks need a JVM-wide guard. */
    private static final ConcurrentHashMap<Path, StoreLock> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private int readers;
    private boolean writing;
    private FileChannel sharedChannel;
    private FileLock sharedLock;

    private StoreLock(Path file) {
        this.file = file;
    }

    static StoreLock of(Path file) {
        return LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), StoreLock::new);
    }

    /** Held while copying into the store; many at once. */
    Closeable shared() throws IOException {
        synchronized (this) {
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
        }
        return new Closeable() {
            private boolean released;

            @Override
            public void close() throws IOException {
                synchronized (StoreLock.this) {
                    if (released) {
                        return;
                    }
                    released = true;
                    if (--readers == 0) {
                        try (FileChannel channel = sharedChannel) {
                            sharedLock.release();
                        } finally {
                            StoreLock.this.notifyAll();
                        }
                    }
                }
            }
        };
    }

    /**
     * Held while collecting garbage, or writing one blob; waits until no other holder runs anywhere.
     *
     * @param waiting run once, before the first wait, when another holds it
     */
    Closeable exclusive(Runnable waiting) throws IOException {
        boolean[] told = {false};
        Runnable tell = () -> {
            if (!told[0]) {
                told[0] = true;
                waiting.run();
            }
        };
        synchronized (this) {
            if (writing || readers > 0) {
                tell.run();
            }
            awaitTurn(() -> !writing && readers == 0);
            writing = true;
        }
        return lockFile(tell);
    }

    /** The writer's hold if no copy runs anywhere now, else null at once. */
    Closeable tryExclusive() throws IOException {
        synchronized (this) {
            if (writing || readers > 0) {
                return null;
            }
            writing = true;
        }
        return lockFile(null);
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
            return release(channel, lock);
        } catch (IOException | RuntimeException e) {
            try (FileChannel opened = channel) {
                endWriting();
            }
            throw e;
        }
    }

    private Closeable release(FileChannel held, FileLock lock) {
        return () -> {
            try (held) {
                lock.release();
            } finally {
                endWriting();
            }
        };
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
    static FileLock await(FileChannel channel, boolean shared) throws IOException {
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
