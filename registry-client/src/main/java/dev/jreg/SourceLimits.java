package dev.jreg;

import dev.jreg.internal.copy.Parallel;
import dev.jreg.internal.registry.PullLimits;
import dev.jreg.internal.sync.SyncConfig;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How many images a sync moves at once: {@code overall} in all, and from a source with a
 * {@code concurrency} key no more than that. Each source's images run on their own workers, so one
 * at its bound holds up no other; and so each source registry has at most {@link #of} manifest
 * {@code GET}s in flight (the copy engine reads an image's manifests one after the other), which
 * is the pull budget it keeps in reserve.
 */
final class SourceLimits {
    private final int overall;
    private final Map<String, Integer> bySource = new HashMap<>();

    SourceLimits(SyncConfig config, int overall) {
        this.overall = overall;
        for (SyncConfig.Source source : config.sources()) {
            if (source.concurrency() != null) {
                // As references name it (index.docker.io is docker.io), as the registry client asks.
                bySource.put(new Reference(source.registry(), "x", "latest", null).registry(), source.concurrency());
            }
        }
    }

    /** Images from this source registry at once. */
    int of(String registry) {
        return Math.min(overall, bySource.getOrDefault(registry, overall));
    }

    /** The pull budgets of the sources' registries, each keeping {@link #of} pulls in reserve. */
    PullLimits pullLimits(Consumer<String> notices) {
        return new PullLimits(this::of, notices);
    }

    /**
     * Applies the task to every input within the bounds.
     *
     * @param registryOf the source registry of an input
     * @return the results, in input order
     */
    <T, R> List<R> map(List<T> inputs, Function<T, String> registryOf, Parallel.IoFunction<T, R> task)
            throws IOException {
        Map<String, List<Integer>> bySourceRegistry = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            bySourceRegistry.computeIfAbsent(registryOf.apply(inputs.get(i)), r -> new ArrayList<>()).add(i);
        }
        Semaphore running = new Semaphore(overall, true);
        Object[] results = new Object[inputs.size()];
        Parallel.map(List.copyOf(bySourceRegistry.entrySet()), Math.max(1, bySourceRegistry.size()),
                group -> Parallel.map(group.getValue(), of(group.getKey()), i -> {
                    try {
                        running.acquire();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted");
                    }
                    try {
                        results[i] = task.apply(inputs.get(i));
                        return null;
                    } finally {
                        running.release();
                    }
                }));
        @SuppressWarnings("unchecked")
        List<R> inOrder = (List<R>) Arrays.asList(results);
        return inOrder;
    }
}
