package dev.jreg;

import dev.jreg.auth.Credentials;
import dev.jreg.auth.Keychain;
import dev.jreg.internal.copy.Parallel;
import dev.jreg.internal.sync.SyncConfig;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** {@link Jreg#sync}: the images of a sync file, each compared by {@code HEAD} and copied when it differs. */
final class FleetSync {
    private final SyncOptions options;
    private final SourceLimits limits;
    private final AtomicInteger skipped = new AtomicInteger();

    /**
     * One repository of a source: its tags or digests given, or which of its listed tags to take
     * (an {@code images-by-tag-regex} pattern, an {@code images-by-semver} constraint; null: every tag).
     */
    private record Repository(SyncConfig.Source source, String repository, List<String> refs, Predicate<String> takes) {
        Reference at(String tagOrDigest) {
            return tagOrDigest.contains(":")
                    ? new Reference(source.registry(), repository, null, Digest.parse(tagOrDigest))
                    : new Reference(source.registry(), repository, tagOrDigest, null);
        }

        String name() {
            return source.registry() + "/" + repository;
        }
    }

    /**
     * One image to bring in step, with the platforms its source's {@code platforms} key takes, or a
     * repository that could not be listed (no source, a failure); with its referrers or not.
     */
    private record Item(String name, Reference source, String destination, PlatformSelector platforms, String failure,
            boolean referrers) {
    }

    private FleetSync(SyncOptions options, SourceLimits limits) {
        this.options = options;
        this.limits = limits;
    }

    static SyncResult run(Jreg base, SyncOptions options) throws IOException {
        SyncConfig config = SyncConfig.read(options.config());
        if (options.destination() != null) {
            SyncConfig.checkDestination("--dest", options.destination());
        }
        for (SyncConfig.Source source : config.sources()) {
            if (source.destination() == null && options.destination() == null) {
                throw new IllegalArgumentException(options.config() + ": " + source.registry()
                        + ": no destination: give --dest or a destination key");
            }
            if (source.certDir() != null && !Files.isDirectory(source.certDir())) {
                throw new IllegalArgumentException(options.config() + ": " + source.registry() + ": cert-dir "
                        + source.certDir() + " is not a directory");
            }
        }
        Path certificates = certificateRoot(config);
        try {
            SourceLimits limits = new SourceLimits(config, options.concurrency());
            Jreg jreg = base.reopened(withSources(base.config(), config, certificates),
                    limits.pullLimits(base.config().registry().retry().notices()));
            return new FleetSync(options, limits).sync(jreg, config);
        } finally {
            if (certificates != null) {
                try (var links = Files.list(certificates)) {
                    for (Path link : links.toList()) {
                        Files.delete(link);
                    }
                }
                Files.delete(certificates);
            }
        }
    }

    private SyncResult sync(Jreg jreg, SyncConfig config) throws IOException {
        List<Repository> repositories = new ArrayList<>();
        for (SyncConfig.Source source : config.sources()) {
            source.images().forEach((repo, refs) -> repositories.add(new Repository(source, repo, refs, null)));
            source.tagPatterns().forEach((repo, pattern) -> repositories.add(
                    new Repository(source, repo, List.of(), tag -> pattern.matcher(tag).find())));
            source.semverConstraints().forEach((repo, constraint) -> repositories.add(
                    new Repository(source, repo, List.of(), constraint::matches)));
        }
        List<List<Item>> listed = Parallel.map(repositories, options.concurrency(), r -> items(jreg, r));
        List<Item> items = listed.stream().flatMap(List::stream).toList();
        List<SyncedImage> images = limits.map(items, FleetSync::registryOf, item -> {
            SyncedImage image = item.failure() != null ? failed(item, null, item.failure()) : one(jreg, item);
            options.listener().accept(image);
            return image;
        });
        return new SyncResult(images, skipped.get());
    }

    /** The source registry an item's image comes from; empty for a repository that could not be listed. */
    private static String registryOf(Item item) {
        return item.source() == null ? "" : item.source().registry();
    }

    /** The repository's images; listing its tags when the file gives none or a pattern. */
    private List<Item> items(Jreg jreg, Repository repository) throws IOException {
        String destination = destination(repository);
        List<String> refs = repository.refs();
        if (refs.isEmpty()) {
            try {
                refs = jreg.tags(new ImageLocation.Registry(repository.at("latest")));
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
                return List.of(new Item(repository.name(), null, destination, null, reason(e), false));
            }
        }
        List<String> taken = repository.takes() == null ? refs : refs.stream().filter(repository.takes()).toList();
        List<String> kept = repository.source().tags().apply(taken);
        skipped.addAndGet(refs.size() - kept.size());
        List<Item> items = new ArrayList<>();
        for (String ref : kept) {
            Reference source = repository.at(ref);
            List<Platform> platforms = repository.source().platforms();
            items.add(new Item(source.toString(), source, destination + (source.digest() != null ? "@" : ":") + ref,
                    platforms.isEmpty() ? PlatformSelector.all() : new PlatformSelector.Only(platforms), null,
                    options.includeReferrers() || repository.source().includeReferrers()));
        }
        return items;
    }

    /**
     * Where a repository goes, as {@code skopeo sync} names it: the destination and the last
     * component of the repository, or with {@code scoped} the registry and the whole repository.
     */
    private String destination(Repository repository) {
        String root = repository.source().destination() != null ? repository.source().destination()
                : options.destination();
        String path = repository.repository();
        return root + "/" + (options.scoped() ? repository.name() : path.substring(path.lastIndexOf('/') + 1));
    }

    /**
     * One {@code HEAD} on each side; a copy of the whole index, digests unchanged, when they differ.
     * A platform subset is a new index, so the source side is the digest that index would have,
     * made from the source's index as the copy makes it.
     */
    private SyncedImage one(Jreg jreg, Item item) throws IOException {
        Digest digest = null;
        try {
            Reference target = Reference.parse(item.destination());
            if (item.platforms() instanceof PlatformSelector.All) {
                Optional<Descriptor> from = jreg.resolve(new ImageLocation.Registry(item.source()));
                if (from.isEmpty()) {
                    return failed(item, null, "manifest unknown");
                }
                digest = from.get().digest();
            } else {
                digest = jreg.selectedDigest(new ImageLocation.Registry(item.source()), item.platforms());
            }
            Optional<Descriptor> to = jreg.resolveDestination(new ImageLocation.Registry(target));
            CopyOptions copy = new CopyOptions(item.platforms(), jreg.config().concurrency(), CopyListener.NONE)
                    .withReferrers(item.referrers());
            if (to.isPresent() && to.get().digest().equals(digest)) {
                // A signature added since the last run must still reach the mirror.
                int referrers = item.referrers() && !options.dryRun()
                        ? jreg.copyReferrers(item.source(), target, to.get(), copy, UploadOptions.monolithic()) : 0;
                return new SyncedImage(item.name(), item.destination(), SyncedImage.Status.UP_TO_DATE, digest, null, 0, 0,
                        0, referrers);
            }
            if (options.dryRun()) {
                return new SyncedImage(item.name(), item.destination(), SyncedImage.Status.WOULD_COPY, digest, null, 0, 0,
                        0, 0);
            }
            CopyResult copied = jreg.copy(new ImageLocation.Registry(item.source()), new ImageLocation.Registry(target),
                    copy, UploadOptions.monolithic());
            return new SyncedImage(item.name(), item.destination(), SyncedImage.Status.COPIED, copied.top().digest(),
                    null, copied.blobsCopied(), copied.blobsMounted(), copied.bytesCopied(), copied.referrersCopied());
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            return failed(item, digest, reason(e));
        }
    }

    /** A failed row; its reason without the image's name, which the row gives already. */
    private static SyncedImage failed(Item item, Digest digest, String reason) {
        String own = item.name() + ": ";
        return new SyncedImage(item.name(), item.destination(), SyncedImage.Status.FAILED, digest,
                reason.startsWith(own) ? reason.substring(own.length()) : reason, 0, 0, 0, 0);
    }

    /** The failure's message, on one line. */
    private static String reason(Exception e) {
        Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return message.strip().replaceAll("\\s*\\n\\s*", " ");
    }

    /**
     * The run's registry options: a source's credentials before the user's, {@code tls-verify:
     * false} as an insecure registry, a {@code cert-dir} as that registry's certs.d folder.
     */
    private static JregOptions withSources(JregOptions base, SyncConfig config, Path certificates) {
        RegistryOptions registry = base.registry();
        Map<String, Credentials> logins = new HashMap<>();
        Set<String> insecure = new HashSet<>(registry.insecureRegistries());
        for (SyncConfig.Source source : config.sources()) {
            if (source.credentials() != null) {
                logins.put(source.registry(), source.credentials());
            }
            if (Boolean.FALSE.equals(source.tlsVerify())) {
                insecure.add(source.registry());
            }
        }
        Keychain keychain = Keychain.firstOf(List.of(name -> Optional.ofNullable(logins.get(name)),
                registry.keychain()));
        List<Path> roots = new ArrayList<>(registry.certificateRoots());
        if (certificates != null) {
            roots.add(0, certificates);
        }
        return new JregOptions(base.store(), new RegistryOptions(keychain, insecure, registry.userAgent(),
                registry.connectTimeout(), registry.readTimeout(), registry.debug(), roots, registry.proxy(),
                registry.retry(), registry.dns()), base.concurrency(), base.settings(), base.notices(), base.status(), base.limits());
    }

    /** A certs.d folder whose {@code HOST[:PORT]} entries link to the sources' cert-dirs, or null when none has one. */
    private static Path certificateRoot(SyncConfig config) throws IOException {
        List<SyncConfig.Source> withCertificates = config.sources().stream().filter(s -> s.certDir() != null).toList();
        if (withCertificates.isEmpty()) {
            return null;
        }
        Path root = Files.createTempDirectory("jreg-sync-certs");
        for (SyncConfig.Source source : withCertificates) {
            Files.createSymbolicLink(root.resolve(source.registry()), source.certDir().toAbsolutePath());
        }
        return root;
    }
}
