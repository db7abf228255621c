package dev.jreg.layout;

import java.io.Closeable;
import java.io.IOException;
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
                    sharedLock = sharedChannel.lock(0, Long.MAX_VALUE, true);
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
            lock = channel.lock();
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

    private FileChannel open() throws IOException {
        // A shared lock needs a readable channel, an exclusive one a writable one.
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
}
