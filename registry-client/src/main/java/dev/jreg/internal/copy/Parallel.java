package dev.jreg.internal.copy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs I/O tasks on a bounded pool of daemon threads; the first failure cancels the rest and is
 * rethrown as it was. Public for the façade; not part of the supported API.
 */
public final class Parallel {
    private Parallel() {
    }

    /** A task that may fail with an I/O error. */
    @FunctionalInterface
    public interface IoFunction<T, R> {
        /** Applies the task to one input. */
        R apply(T input) throws IOException;
    }

    /**
     * Applies the function to every input, at most {@code threads} at once.
     *
     * @return the results, in input order
     */
    public static <T, R> List<R> map(List<T> inputs, int threads, IoFunction<T, R> function) throws IOException {
        if (inputs.isEmpty()) {
            return List.of();
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, inputs.size()), r -> {
            Thread t = new Thread(r, "jreg-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<R>> futures = inputs.stream().map(input -> pool.submit(() -> function.apply(input))).toList();
            List<R> results = new ArrayList<>(futures.size());
            try {
                for (Future<R> future : futures) {
                    results.add(future.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            } catch (ExecutionException e) {
                futures.forEach(f -> f.cancel(true));
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw (IOException) e.getCause(); // the only checked exception a task throws
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
