package dev.jreg;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * How {@link Jreg#sync} runs.
 *
 * @param config a {@code skopeo sync} YAML file (skopeo-sync(1), "YAML file content"), with jreg's
 *     {@code destination} key per source
 * @param destination {@code REGISTRY[/PREFIX]} the images of a source without its own
 *     {@code destination} go to; null when every source names one
 * @param scoped as {@code skopeo sync --scoped}: an image goes to {@code DEST/REGISTRY/REPOSITORY}
 *     rather than {@code DEST/}the last component of its repository
 * @param dryRun compare both sides and report what would be copied, writing nothing
 * @param concurrency images copied at once (at least 1); each moves its blobs as
 *     {@link JregOptions#concurrency()} says
 * @param listener told of each image once it is done, from the worker threads (thread-safe), or null
 * @param includeReferrers copy what refers to each image too, for every source (a source's {@code
 *     include-referrers: true} asks it for that source alone): see {@link Jreg#copy}
 */
public record SyncOptions(Path config, String destination, boolean scoped, boolean dryRun, int concurrency,
        Consumer<SyncedImage> listener, boolean includeReferrers) {
    /** Images copied at once unless told otherwise. */
    public static final int DEFAULT_CONCURRENCY = 4;

    /** Without referrers unless the file asks. */
    public SyncOptions(Path config, String destination, boolean scoped, boolean dryRun, int concurrency,
            Consumer<SyncedImage> listener) {
        this(config, destination, scoped, dryRun, concurrency, listener, false);
    }

    /** Validates. */
    public SyncOptions {
        if (config == null) {
            throw new IllegalArgumentException("a config file is required");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
        }
        listener = listener == null ? image -> { } : listener;
    }
}
