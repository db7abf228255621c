package dev.jreg;

import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.layer.LayerApplier;
import dev.jreg.internal.layer.LayerEntry;
import dev.jreg.internal.layer.LayerLimits;
import dev.jreg.internal.layer.Trees;
import dev.jreg.internal.layer.UnpackRecord;
import dev.jreg.model.Descriptor;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

/** {@link Jreg#unpack}: an image's layers applied to a directory, and the unpack record kept in the store. */
final class ImageUnpack {
    /** A layer unpack applies: a tar, plain or compressed, of OCI's or Docker's media types. */
    private static final Pattern LAYER = Pattern.compile(".*\\.tar([+.](gzip|zstd))?");

    private ImageUnpack() {
    }

    /**
     * Applies the image's layers to {@code directory}, which must be missing or empty, and records
     * the unpack. When anything fails, the directory is removed if this made it, else emptied.
     *
     * @param location the image as the record names it, {@link ImageLocation#toString()}
     */
    static UnpackResult run(ChosenImage image, String location, Path directory, LayerLimits limits,
            UnpackedDirectories records, Consumer<String> notices) throws IOException {
        String artifact = image.image().effectiveArtifactType();
        if (artifact != null) {
            throw new IllegalArgumentException(location + " is an artifact (" + artifact
                    + "), not a container image: it has no filesystem to unpack");
        }
        for (Descriptor layer : image.image().layers()) {
            if (!LAYER.matcher(layer.mediaType().value()).matches()) {
                throw new InvalidContentException("layer " + layer.digest() + " of " + location + " has media type "
                        + layer.mediaType() + ", which unpack cannot apply");
            }
        }
        Path target = directory.toAbsolutePath().normalize();
        Path made = emptyDirectory(target);
        // Its real path: the applier walks the tree, and a symbolic link would be no directory to it.
        Path real = target.toRealPath();
        Stop stop = new Stop(made != null ? made : real, made == null);
        Runtime.getRuntime().addShutdownHook(stop.hook);
        try {
            LayerApplier applier = new LayerApplier(real, limits, line -> notices.accept("warning: " + line));
            image.readLayers((layer, blob) -> applier.apply(layer, stop.guarded(blob)));
            UnpackRecord record = applier.finish();
            records.write(new UnpackedDirectories.Unpacked(real, UnpackedDirectories.Identity.of(real), location,
                    image.manifest().digest(), image.image().config().digest(), record));
            stop.finished();
            // Each file once, however many names it has: by inode.
            Map<Long, Long> files = record.items().values().stream()
                    .filter(item -> item.stamp() != null && (item.entry().type() == LayerEntry.Type.FILE
                            || item.entry().type() == LayerEntry.Type.HARDLINK))
                    .collect(Collectors.toMap(item -> item.stamp().inode(), item -> item.stamp().size(), (a, b) -> a));
            return new UnpackResult(image.manifest().descriptor(), image.image().config().digest(),
                    image.image().layers().size(), files.size(), files.values().stream().mapToLong(Long::longValue).sum(),
                    real);
        } catch (IOException | RuntimeException e) {
            try {
                stop.cleanUp();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stop.hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs, and waits for the clean-up
            }
        }
    }

    /**
     * What a stopped JVM (Ctrl-C, {@code kill}) does to an unpack under way: its shutdown hook
     * makes the layers' streams fail at their next read, so that the unpack stops writing and
     * cleans up as on any failure, and waits for that; an unpack that does not come to it in
     * {@value #SHUTDOWN_WAIT_SECONDS} seconds (a read that blocks) is cleaned up by the hook.
     */
    private static final class Stop {
        private static final long SHUTDOWN_WAIT_SECONDS = 10;

        private final Path directory;
        private final boolean keepRoot;
        private final Thread hook;
        private boolean stopping;
        private boolean over;

        Stop(Path directory, boolean keepRoot) {
            this.directory = directory;
            this.keepRoot = keepRoot;
            this.hook = new Thread(this::stopped, "jreg-unpack-stopped");
        }

        InputStream guarded(InputStream blob) {
            return new FilterInputStream(blob) {
                @Override
                public int read() throws IOException {
                    check();
                    return super.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    check();
                    return super.read(b, off, len);
                }
            };
        }

        private synchronized void check() throws InterruptedIOException {
            if (stopping) {
                throw new InterruptedIOException("the unpack was stopped");
            }
        }

        /** The unpack is complete, unless it was stopped meanwhile. */
        synchronized void finished() throws InterruptedIOException {
            check();
            over = true;
        }

        /** Removes the directory, or empties the one that was there, once. */
        synchronized void cleanUp() throws IOException {
            if (!over) {
                over = true;
                notifyAll();
                Trees.delete(directory, keepRoot);
            }
        }

        private synchronized void stopped() {
            stopping = true;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SHUTDOWN_WAIT_SECONDS);
            try {
                for (long left = deadline - System.nanoTime(); !over && left > 0; left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
                cleanUp();
            } catch (InterruptedException | IOException e) {
                // the JVM is going: what is left stays, as after kill -9
            }
        }
    }

    /**
     * Makes the directory, or checks that it is an empty one.
     *
     * @return the highest directory made (the target or a parent), or null when the target existed
     * @throws IllegalArgumentException when the target is not an empty directory, or a file is
     *     where one of its missing parents would be made
     */
    private static Path emptyDirectory(Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(target)) {
            if (!Files.isDirectory(target)) {
                throw new IllegalArgumentException("cannot unpack into " + target + ": it is not a directory");
            }
            try (DirectoryStream<Path> listing = Files.newDirectoryStream(target)) {
                if (listing.iterator().hasNext()) {
                    throw new IllegalArgumentException("cannot unpack into " + target + ": the directory is not empty");
                }
            }
            return null;
        }
        Path highest = target;
        while (highest.getParent() != null && !Files.exists(highest.getParent(), LinkOption.NOFOLLOW_LINKS)) {
            highest = highest.getParent();
        }
        if (highest.getParent() != null && !Files.isDirectory(highest.getParent())) {
            throw new IllegalArgumentException("cannot unpack into " + target + ": " + highest.getParent()
                    + " is not a directory");
        }
        Files.createDirectories(target);
        return highest;
    }
}
