package dev.jreg;

import dev.jreg.error.BlobNotFoundException;
import dev.jreg.error.ImageNotFoundException;
import dev.jreg.error.NoMatchingPlatformException;
import dev.jreg.internal.build.BuildProgress;
import dev.jreg.internal.build.BuildSources;
import dev.jreg.internal.build.StageExecutor;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.registry.RegistryClient;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@link Jreg#build}: the Dockerfile read, the build's sources — base images brought into the
 * store by {@link Jreg#pull}, URLs fetched by the registry client — handed to the build's
 * {@link StageExecutor}, its progress passed on to the caller's {@link BuildListener}, which is
 * told of the image written, then each name pushed by {@link Jreg#push}.
 */
final class ImageBuild implements BuildSources, BuildProgress {
    /** The name the Dockerfile goes by when it comes from standard input, as docker names it. */
    private static final String STDIN_NAME = "Dockerfile";
    /** The Dockerfile a context holds when {@code -f} names none. */
    private static final String DEFAULT_NAME = "Dockerfile";
    /** The name docker's CLI falls back to when the context has no {@link #DEFAULT_NAME}. */
    private static final String LOWER_CASE_NAME = "dockerfile";

    private final Jreg jreg;
    private final LocalStore store;
    private final RegistryClient registry;
    private final BuildOptions options;
    private final BuildListener listener;

    ImageBuild(Jreg jreg, LocalStore store, RegistryClient registry, BuildOptions options) {
        this.jreg = jreg;
        this.store = store;
        this.registry = registry;
        this.options = options;
        this.listener = options.listener();
    }

    /** Builds, names and pushes the image. */
    BuildResult run() throws IOException {
        Path context = options.context();
        if (context != null && !Files.isDirectory(context)) {
            throw new IllegalArgumentException(Files.exists(context, LinkOption.NOFOLLOW_LINKS)
                    ? "the build context " + context + " is not a directory" : "no such build context: " + context);
        }
        String name;
        String text;
        Path dockerfile = null;
        if (options.dockerfileText() != null) {
            name = STDIN_NAME;
            text = options.dockerfileText();
        } else {
            dockerfile = options.dockerfile() != null ? options.dockerfile() : context.resolve(DEFAULT_NAME);
            // As docker's CLI: without -f, a lower-case dockerfile when the context has no Dockerfile.
            if (options.dockerfile() == null && !Files.exists(dockerfile, LinkOption.NOFOLLOW_LINKS)
                    && Files.exists(context.resolve(LOWER_CASE_NAME), LinkOption.NOFOLLOW_LINKS)) {
                dockerfile = context.resolve(LOWER_CASE_NAME);
            }
            name = options.dockerfile() != null ? options.dockerfile().toString() : dockerfile.getFileName().toString();
            if (Files.isDirectory(dockerfile)) {
                throw new IllegalArgumentException("Dockerfile " + dockerfile + " is a directory, not a file");
            }
            try {
                // As docker reads it, bytes: a byte that is not UTF-8 (in a comment, say) becomes U+FFFD, as Go decodes it.
                text = new String(Files.readAllBytes(dockerfile), StandardCharsets.UTF_8);
            } catch (NoSuchFileException missing) {
                throw new IllegalArgumentException("no such Dockerfile: " + dockerfile, missing);
            }
        }
        StageExecutor.Built built = new StageExecutor(store, this, this, jreg.config().notices()).build(
                new StageExecutor.Request(name, text, dockerfile, context, options.buildArgs(), options.target(),
                        options.platform(), options.labels(), options.noCache(), options.pull(), options.timestamp(),
                        options.network().name().toLowerCase(Locale.ROOT)),
                options.tags());
        BuildResult written = new BuildResult(built.imageId(), built.manifest(), options.tags(), built.steps(),
                built.cached(), List.of());
        listener.written(written);
        if (!options.push()) {
            return written;
        }
        List<CopyResult> pushed = new ArrayList<>();
        for (Reference tag : options.tags()) {
            pushed.add(transfer(BuildListener.Transfer.PUSH, tag, copies -> jreg.push(tag, new CopyOptions(
                    PlatformSelector.all(), jreg.config().concurrency(), copies), UploadOptions.monolithic())));
        }
        return new BuildResult(built.imageId(), built.manifest(), options.tags(), built.steps(), built.cached(), pushed);
    }

    /**
     * The image a {@code FROM} or {@code COPY --from} names, for the platform: an image ID's (or
     * digest's) image of the store, never pulled; a name's the store holds whole, else (or always,
     * with {@code pull}) pulled as {@link Jreg#pull} pulls it — but a name the store holds only for
     * another platform is refused rather than looked for in a registry.
     */
    @Override
    public Resolved image(String name, Platform platform, boolean pull) throws IOException {
        Optional<ImageLocation> byId = jreg.localImageById(name);
        if (byId.isPresent()) {
            ImageLocation location = byId.get();
            ChosenImage image = jreg.chosen(location, platform);
            // An image without a name shows as its ID, as it was given.
            return resolved(location instanceof ImageLocation.Local local ? local.reference().toString()
                    : image.image().config().digest().toString(), image, false);
        }
        Reference reference = Reference.parse(name);
        Optional<ChosenImage> stored = pull ? Optional.empty() : stored(name, reference, platform);
        boolean pulled = stored.isEmpty();
        if (pulled) {
            transfer(BuildListener.Transfer.PULL, reference, copies -> jreg.pull(reference, new CopyOptions(
                    PlatformSelector.only(platform), jreg.config().concurrency(), copies)));
            stored = stored(name, reference, platform);
            if (stored.isEmpty()) {
                throw new ImageNotFoundException(reference.familiar() + " was pulled, yet the store does not hold its"
                        + " image for " + platform + " whole", reference.toString(), List.of());
            }
        }
        return resolved(reference.toString(), stored.get(), pulled);
    }

    private static Resolved resolved(String name, ChosenImage image, boolean pulled) throws IOException {
        return new Resolved(name, image.manifest().digest(), image.image(), image.reader().configBytes(image.image()),
                pulled);
    }

    /**
     * The image the store holds whole under a name for a platform, or empty.
     *
     * @param name the name as the Dockerfile gives it, for the message
     *
     * @throws NoMatchingPlatformException when the store holds the name only for other platforms
     *     ({@code the store has armbb only for linux/arm64, not linux/amd64; …})
     */
    private Optional<ChosenImage> stored(String name, Reference reference, Platform platform) throws IOException {
        ImageLocation location = new ImageLocation.Local(reference);
        try {
            ChosenImage image = jreg.chosen(location, platform);
            return store.isComplete(image.manifest().descriptor()) ? Optional.of(image) : Optional.empty();
        } catch (ImageNotFoundException | BlobNotFoundException missing) {
            return Optional.empty();
        } catch (NoMatchingPlatformException otherPlatform) {
            ImageInfo info = jreg.inspect(location, null);
            String has = info.image() != null ? String.valueOf(info.image().platform())
                    : info.platforms().stream().map(p -> String.valueOf(p.platform())).collect(Collectors.joining(", "));
            throw new NoMatchingPlatformException("the store has " + name + " only for " + has + ", not " + platform
                    + "; build it for " + platform + ", or pull it (jreg pull --platform " + platform + " " + name
                    + ", or build with --pull)", platform, location.toString());
        }
    }

    /** A copy that tells the listener of itself. */
    @FunctionalInterface
    private interface Copy {
        CopyResult run(CopyListener listener) throws IOException;
    }

    private CopyResult transfer(BuildListener.Transfer transfer, Reference image, Copy copy) throws IOException {
        CopyResult result = null;
        try {
            result = copy.run(listener.transferStarted(transfer, image));
            return result;
        } finally {
            listener.transferFinished(transfer, image, result);
        }
    }

    @Override
    public Download download(String url) throws IOException {
        RegistryClient.Fetched fetched = registry.fetch(url);
        return new Download(fetched.body(), fetched.lastModified());
    }

    @Override
    public void started(Step step) {
        listener.started(shown(step));
    }

    @Override
    public void cached(Step step) {
        listener.cached(shown(step));
    }

    @Override
    public void done(Step step, Duration took) {
        listener.done(shown(step), took);
    }

    @Override
    public void failed(Step step, Duration took, String error) {
        listener.failed(shown(step), took, error);
    }

    @Override
    public void output(Step step, Duration elapsed, String line) {
        listener.output(shown(step), elapsed, line);
    }

    private static BuildStep shown(Step step) {
        return new BuildStep(step.stage(), step.number(), step.total(), step.text(), step.line());
    }
}
