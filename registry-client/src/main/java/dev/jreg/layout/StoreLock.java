package dev.jreg.layout;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A readers–writer lock over one store, across threads and processes. Copies into the store are
 * readers: they may write blobs before naming them, so garbage collection, the writer, must not
 * run while any copy is under way, in this process or another.
 *
 * <p>File locks belong to the JVM as a whole, so inside a process a {@link ReentrantReadWriteLock}
 * orders threads and the first reader takes the shared file lock for all of them.
 */
final class StoreLock {
    /** One per lock file: the JVM-wide file locks need a JVM-wide guard. */
    private static final ConcurrentHashMap<Path, StoreLock> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantReadWriteLock threads = new ReentrantReadWriteLock();
    private int readers;
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
        threads.readLock().lock();
        try {
            synchronized (this) {
                if (readers == 0) {
                    sharedChannel = open();
                    sharedLock = await(sharedChannel, true);
                }
                readers++;
            }
        } catch (IOException | RuntimeException e) {
            threads.readLock().unlock();
            throw e;
        }
        return () -> {
            try {
                synchronized (this) {
                    if (--readers == 0) {
                        try (FileChannel channel = sharedChannel) {
                            sharedLock.release();
                        }
                    }
                }
            } finally {
                threads.readLock().unlock();
            }
        };
    }

    /** Held while collecting garbage; waits until no copy runs anywhere. */
    Closeable exclusive() throws IOException {
        threads.writeLock().lock();
        FileChannel channel;
        FileLock lock;
        try {
            channel = open();
            lock = await(channel, false);
        } catch (IOException | RuntimeException e) {
            threads.writeLock().unlock();
            throw e;
        }
        return () -> {
            try (channel) {
                lock.release();
            } finally {
                threads.writeLock().unlock();
            }
        };
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
