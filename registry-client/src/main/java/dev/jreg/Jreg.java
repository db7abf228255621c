package dev.jreg;

import dev.jreg.auth.Credentials;
import dev.jreg.error.BlobNotFoundException;
import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.ErrorCode;
import dev.jreg.error.ImageNotFoundException;
import dev.jreg.error.InvalidContentException;
import dev.jreg.error.InvalidReferenceException;
import dev.jreg.error.NoMatchingPlatformException;
import dev.jreg.error.NotFoundException;
import dev.jreg.error.RateLimitedException;
import dev.jreg.error.RunCommandException;
import dev.jreg.error.RegistryException;
import dev.jreg.error.StoreWriteException;
import dev.jreg.error.UnauthorizedException;
import dev.jreg.error.UnreachableException;
import dev.jreg.error.UnsupportedConversionException;
import dev.jreg.error.InvalidArchiveException;
import dev.jreg.internal.archive.ArchiveLoader;
import dev.jreg.internal.archive.ArchiveWriter;
import dev.jreg.internal.build.StageExecutor;
import dev.jreg.internal.copy.Copier;
import dev.jreg.internal.copy.ImageReader;
import dev.jreg.internal.copy.Parallel;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layer.Compression;
import dev.jreg.internal.layer.Flattener;
import dev.jreg.internal.layer.LayerLimits;
import dev.jreg.internal.layer.LayerWriter;
import dev.jreg.internal.layer.WrittenLayer;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.RegistryBlobRecord;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.internal.registry.PullLimits;
import dev.jreg.internal.registry.RegistryClient;
import dev.jreg.internal.store.HashingOutputStream;
import dev.jreg.internal.store.ImageSink;
import dev.jreg.internal.store.ImageSource;
import dev.jreg.internal.store.VerifiedCopy;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageConfig;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.Manifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The jreg library's entry point: what the {@code jreg} command does, as methods. Thread-safe.
 *
 * <pre>{@code
 * Jreg jreg = Jreg.open(new JregOptions(store, RegistryOptions.defaults(), 4));
 * CopyResult result = jreg.pull(Reference.parse("nginx:1.24.0"), CopyOptions.defaults());
 * List<String> tags = jreg.tags(new ImageLocation.Registry(Reference.parse("nginx")));
 * }</pre>
 *
 * <p>Failures are {@link IOException}s of {@code dev.jreg.error}, to be told apart by type: a
 * registry's error answer is a {@link RegistryException} ({@link NotFoundException} for its 404,
 * {@link UnauthorizedException}, {@link RateLimitedException}) with its status, method and URL;
 * what a location lacks without such an answer is an {@link ImageNotFoundException} (a name, tag
 * or digest: the local store, a layout), a {@link BlobNotFoundException} (an incomplete image) or
 * a {@link NoMatchingPlatformException} (an index without the platform asked for).
 */
public final class Jreg {
    private final JregOptions config;
    private final RegistryClient registry;
    private final LocalStore store;
    private final UnpackedDirectories unpacked;
    private final Copier copier;

    private Jreg(JregOptions config, LocalStore store) {
        this(config, store, null);
    }

    private Jreg(JregOptions config, LocalStore store, PullLimits pullLimits) {
        this.config = config;
        Set<String> insecure = new HashSet<>(config.settings().insecureRegistries());
        // A mirror the user wrote as http:// is meant to be reached over plain HTTP.
        config.settings().mirrors().values().forEach(list -> list.stream().filter(Mirror::plainHttp)
                .forEach(m -> insecure.add(m.registry())));
        this.registry = new RegistryClient(config.registry().withInsecure(insecure), config.notices(), pullLimits);
        this.store = store;
        this.unpacked = new UnpackedDirectories(store);
        this.copier = new Copier(new RegistryBlobRecord(store));
    }

    /**
     * Opens the local store, an OCI image layout, and prepares the registry client. Nothing is
     * written to the store and nothing is sent to a registry yet: the store's directory, its
     * {@code blobs/}, {@code ingest/} and lock files are made by the first write into it, its
     * {@code oci-layout} and {@code index.json} with the first name; until then every read finds
     * it empty, and working with registries and layouts alone needs no writable store.
     *
     * @param config the store directory, registry options, blobs moved at once, mirrors and where
     *     notices go
     * @return an instance to share between threads
     * @throws IOException not thrown: opening touches no file (kept in the signature for existing callers)
     */
    public static Jreg open(JregOptions config) throws IOException {
        return new Jreg(config, LocalStore.open(config.store()));
    }

    /**
     * The configuration this instance was opened with.
     *
     * @return the same value given to {@link #open}
     */
    public JregOptions config() {
        return config;
    }

    /**
     * Pulls an image into the local store, as {@code docker pull} does: the manifest by tag or
     * digest, from an index the platforms {@code options} select, then only the blobs the store
     * lacks, each verified against its digest and size, and the name recorded last (OCI
     * Distribution Spec, "Pulling manifests" and "Pulling blobs"). Reads go through the
     * registry's mirrors first when the config names some.
     *
     * @param reference what to pull, a full reference ({@code Reference.parse("nginx:1.24.0")} is
     *     {@code docker.io/library/nginx:1.24.0}); the store names the result by it, or by its digest
     *     alone when it has both a tag and a digest, as docker does
     * @param options the platforms to take from an index, blobs moved at once, progress listener
     * @return the digest the reference resolved to, the manifest now named, blobs fetched and skipped
     * @throws NotFoundException when the registry has no such repository, tag or manifest (its 404)
     * @throws NoMatchingPlatformException when an index has no image for a platform asked for
     * @throws UnauthorizedException when the registry refuses the credentials or wants some
     * @throws RateLimitedException when the registry still answers 429 once the retries are spent
     * @throws UnreachableException when the registry cannot be reached, times out or fails TLS
     * @throws DigestMismatchException when a manifest or blob is not the digest or size its descriptor names
     * @throws InvalidContentException when a manifest or config is malformed or too large
     * @throws StoreWriteException when a file of the store cannot be written (a full disk)
     * @throws IOException for any other failure of the registry or the store
     */
    public CopyResult pull(Reference reference, CopyOptions options) throws IOException {
        // As docker does, NAME:TAG@DIGEST is pulled by its digest and named by it alone: the tag
        // says nothing the registry was asked.
        Reference named = reference.digest() != null && reference.tag() != null
                ? new Reference(reference.registry(), reference.repository(), null, reference.digest()) : reference;
        return copier.copy(place(new ImageLocation.Registry(reference)).source(), reference.tagOrDigest(),
                store.sink(named), options);
    }

    /**
     * Pushes an image from the local store to the registry its name points at, as
     * {@code docker push} does: every platform the store holds under that name, digests unchanged.
     * Blobs the registry has are skipped, blobs another repository of that registry holds are
     * mounted, the rest uploaded; which repository holds a blob is known from the source, from
     * the copies this façade runs, and from the store's record of where earlier runs wrote blobs
     * ({@code cache/registry-blobs/}, which every write into a registry adds to, and a store that
     * cannot be written leaves unkept); manifests go children first and the tag last (OCI Distribution
     * Spec, "Pushing blobs", "Mounting a blob from another repository", "Pushing Manifests").
     *
     * @param reference the name in the local store, which is also where to push
     *     ({@code localhost:5000/app:1}); {@link #localReference} turns an image ID into it
     * @param options platforms (every one, for a push), blobs moved at once, progress listener
     * @param uploads monolithic or chunked uploads, chunk size in bytes
     * @return the manifest pushed and the blobs uploaded, mounted and skipped
     * @throws ImageNotFoundException when the store has no image by that name
     * @throws BlobNotFoundException when the image is incomplete: the store lost a blob it needs
     * @throws DigestMismatchException when a stored blob no longer hashes to its digest, or the
     *     registry stored a manifest under another digest
     * @throws UnauthorizedException when the registry refuses the credentials or wants some
     * @throws RegistryException when the registry refuses an upload or a manifest
     * @throws UnreachableException when the registry cannot be reached, times out or fails TLS
     * @throws IOException for any other failure of the registry or the store
     */
    public CopyResult push(Reference reference, CopyOptions options, UploadOptions uploads) throws IOException {
        return copier.copy(store.source(reference), reference.tagOrDigest(), registry.sink(reference, uploads), options);
    }

    /**
     * Copies an image between any two locations: registry to registry (blobs stream through,
     * never touching disk; mounted inside one registry), store or layout to registry and back.
     * Reads follow {@link #pull}, writes {@link #push}. Which images of an index are copied is
     * {@code options}' choice: {@link CopyOptions#defaults()} takes the host's platform alone, as
     * {@code pull} does; {@link PlatformSelector#all()} copies the whole index, digest unchanged,
     * as {@code jreg copy} does.
     *
     * <p>With {@link CopyOptions#referrers()}, once the image is written what refers at the source
     * to the manifest written (and to each child of it when it is an index) is copied too, by
     * digest with its blobs, and what refers to those, three levels down: what the source's
     * referrers API lists (OCI distribution spec 1.1, "Listing Referrers"), or where it has none
     * its fallback index tagged {@code sha256-HEX}, and the {@code sha256-HEX.sig}, {@code .att}
     * and {@code .sbom} tags, which keep their tag. A referrer the destination has is not copied
     * again. A manifest with a {@code subject} the destination did not index (no {@code
     * OCI-Subject} in its answer: no referrers API) is added to the destination's fallback index,
     * as the spec asks ("Pushing Manifests with Subject").
     *
     * @param from where to read: a registry reference, a local-store name, a layout and name (a layout
     *     without a name is read when it holds one image)
     * @param to where to write; a layout given without a name ({@code oci:DIR}) gets an entry without a
     *     name, as skopeo writes one
     * @param options the platforms to take from an index, blobs moved at once, progress listener,
     *     referrers or not
     * @param uploads monolithic or chunked uploads, chunk size in bytes (for a registry destination)
     * @return the source's digest, the manifest written, the blobs copied, mounted and skipped, the
     *     referrers copied
     * @throws IllegalArgumentException when referrers are asked for and either side is not a registry
     * @throws NotFoundException when a source registry has no such repository, tag or manifest
     * @throws ImageNotFoundException when the source store or layout has no image by that name
     * @throws BlobNotFoundException when a source store or layout lost a blob the image needs
     * @throws NoMatchingPlatformException when an index has no image for a platform asked for
     * @throws UnauthorizedException when either registry refuses the credentials or wants some
     * @throws DigestMismatchException when content is not the digest or size its descriptor names
     * @throws InvalidContentException when a manifest or config is malformed or too large
     * @throws UnreachableException when a registry cannot be reached, times out or fails TLS
     * @throws UnsupportedConversionException when {@code options.format()} asks for a format the
     *     image's content has no place in (zstd layers, artifacts, nested indexes in Docker's)
     * @throws InvalidReferenceException when {@code from} names a layout of several images without
     *     saying which, or {@code to} is a layout entry's position or a name the layout spec's
     *     grammar does not allow (nothing is written)
     * @throws IOException for any other failure of either side
     */
    public CopyResult copy(ImageLocation from, ImageLocation to, CopyOptions options, UploadOptions uploads)
            throws IOException {
        if (options.referrers() && !(from instanceof ImageLocation.Registry && to instanceof ImageLocation.Registry)) {
            throw new IllegalArgumentException("referrers are copied from a registry to a registry, not from " + from
                    + " to " + to);
        }
        ResolvedLocation source = place(from);
        CopyResult result = copier.copy(source.source(), source.tagOrDigest(), place(to).sink(uploads), options);
        if (!options.referrers()) {
            return result;
        }
        return result.withReferrersCopied(copyReferrers(((ImageLocation.Registry) from).reference(),
                ((ImageLocation.Registry) to).reference(), result.top().descriptor(), options, uploads));
    }

    /**
     * Copies what refers to a manifest the destination has, as {@link #copy} does with referrers.
     *
     * @return the referrers copied
     */
    int copyReferrers(Reference from, Reference to, Descriptor top, CopyOptions options, UploadOptions uploads)
            throws IOException {
        return new ReferrerCopy(registry, copier).copy(from, to, top, options, uploads);
    }

    /**
     * Brings the images a {@code skopeo sync} YAML file names in step at their destinations, as
     * {@code skopeo sync --src yaml --dest docker FILE DEST} does (skopeo-sync(1)). Each source
     * registry's {@code images} (repository to tags or digests; an empty list for every tag),
     * {@code images-by-tag-regex} (repository to a pattern found in the tags to take) and
     * {@code images-by-semver} (repository to a Masterminds/semver constraint the tags to take
     * meet; tags that are no version are left out) are read, with its {@code credentials} (before
     * the user's), {@code tls-verify: false} (an insecure registry) and {@code cert-dir} (that
     * registry's certs.d folder). jreg's keys: {@code destination} gives a source its own
     * {@code REGISTRY[/PREFIX]}; {@code tags} ({@code allow}, {@code deny}: lists of expressions;
     * {@code semver}: a constraint; {@code newest}: a count) filters every repository's chosen tags;
     * {@code platforms} ({@code [os/arch[/variant], …]}) copies an index with only those platforms;
     * {@code all-tags: true} takes every tag of each {@code images} repository. An image goes to
     * {@code DEST/LAST:TAG}, LAST the last component of its repository
     * ({@code DEST/REGISTRY/REPOSITORY:TAG} when {@code scoped}).
     *
     * <p>Each image costs a {@code HEAD} on each side; when the destination already names the
     * source's digest nothing moves. Otherwise the whole index is copied as {@link #copy} does
     * (digests unchanged, blobs the destination holds skipped, others of its registry mounted, the
     * tag written last). With {@code platforms} the source's index is read instead of a
     * {@code HEAD}, and the digest compared is that of the index (or, for one platform, the image)
     * a copy with {@link PlatformSelector.Only} makes of it. A failing image or repository is a
     * {@link SyncedImage.Status#FAILED} row with its reason (an index without one of the
     * platforms, too); the others go on.
     *
     * <p>With {@link SyncOptions#includeReferrers()}, or for a source with jreg's {@code
     * include-referrers: true}, what refers to each image is copied as {@link #copy} copies it with
     * referrers — also for an image up to date, so that a signature added later still arrives;
     * only referrers the destination lacks move. A dry run does not look at them.
     *
     * @param options the file, the destination, {@code --scoped}, dry run, images at once, a listener
     * @return every image with what happened to it, in the file's order, and the tags filters left out
     * @throws IllegalArgumentException naming the file and the source, when the file is missing, not
     *     YAML, or not a sync file jreg reads (an unknown key, a bad expression, constraint or
     *     platform), or a source has no destination
     * @throws java.io.InterruptedIOException when the thread is interrupted
     * @throws IOException when the file cannot be read, or a certs.d folder for the cert-dirs cannot
     *     be made
     */
    public SyncResult sync(SyncOptions options) throws IOException {
        return FleetSync.run(this, options);
    }

    /**
     * The digest {@link #copy} with these platforms would give its destination, found by reading
     * the source's manifest (a sync compares it with the destination's before copying a subset).
     */
    Digest selectedDigest(ImageLocation from, PlatformSelector platforms) throws IOException {
        ResolvedLocation source = place(from);
        return copier.selectedDigest(source.source(), source.tagOrDigest(), platforms);
    }

    /**
     * An instance on the same store with other options (a sync's sources' credentials and TLS
     * settings) whose manifest {@code GET}s wait for these pull budgets.
     */
    Jreg reopened(JregOptions options, PullLimits pullLimits) {
        return new Jreg(options, store, pullLimits);
    }

    /**
     * The tags at a location: a registry repository's tags (through its mirrors, every page its
     * {@code Link} headers lead to: OCI Distribution Spec, "Listing Tags"), a store repository's
     * tags, a layout's names. Entries of a registry's list that are not tags are skipped with one
     * notice.
     *
     * @param location the repository; a tag or digest in it is ignored
     * @return the tags, in the order the registry or the store gives them
     * @throws NotFoundException when the registry has no such repository
     * @throws ImageNotFoundException when the local store holds no tag of the repository
     * @throws InvalidContentException when a page is not a JSON object or a {@code Link} header cannot be read
     * @throws UnauthorizedException when the registry refuses the credentials or wants some
     * @throws UnreachableException when the registry cannot be reached, times out or fails TLS
     * @throws IOException for any other failure of the registry or the store
     */
    public List<String> tags(ImageLocation location) throws IOException {
        return tags(location, 0);
    }

    /**
     * {@link #tags(ImageLocation)}, at most {@code limit} of them. From a registry only that many
     * are asked for ({@code n}), in pages of at most 1000.
     *
     * @param location the repository; a tag or digest in it is ignored
     * @param limit the most tags to return; 0 for all
     * @return the tags, at most {@code limit}
     * @throws NotFoundException when the registry has no such repository
     * @throws InvalidContentException when a page is not a JSON object or a {@code Link} header cannot be read
     * @throws UnauthorizedException when the registry refuses the credentials or wants some
     * @throws UnreachableException when the registry cannot be reached, times out or fails TLS
     * @throws IOException for any other failure of the registry or the store
     */
    public List<String> tags(ImageLocation location, int limit) throws IOException {
        return place(location).tags(limit);
    }

    /**
     * What a location's tag or digest points at now: a {@code HEAD} for a registry, through its
     * mirrors (OCI Distribution Spec, "Checking if content exists in the registry"), else the
     * store's or layout's index.
     *
     * @param location a registry reference, a local-store name or a layout name
     * @return the manifest's descriptor (media type, digest, size in bytes), or empty when there
     *     is none
     * @throws UnauthorizedException when the registry refuses the credentials or wants some
     * @throws RegistryException when the registry answers with another error status
     * @throws UnreachableException when the registry cannot be reached, times out or fails TLS
     * @throws IOException for any other failure of the registry or the store
     */
    public Optional<Descriptor> resolve(ImageLocation location) throws IOException {
        return place(location).resolve();
    }

    /**
     * {@link #resolve}, as a copy would write the location: a registry's own answer, never a
     * mirror's ({@code copy --no-clobber}).
     *
     * @param location a registry reference, a local-store name or a layout name
     * @return the manifest's descriptor, or empty when there is none
     * @throws UnauthorizedException when the registry refuses the credentials or wants some
     * @throws RegistryException when the registry answers with another error status
     * @throws UnreachableException when the registry cannot be reached, times out or fails TLS
     * @throws IOException for any other failure of the registry or the store
     */
    public Optional<Descriptor> resolveDestination(ImageLocation location) throws IOException {
        return place(location).resolveDestination();
    }

    private ResolvedLocation place(ImageLocation location) {
        return ResolvedLocation.of(location, registry, store, config);
    }

    /**
     * What refers to an image in its registry (signatures, attestations, SBOMs): the referrers
     * API of OCI distribution spec 1.1, or where the registry lacks it (its 404) the spec's
     * fallback index tagged {@code sha256-HEX}; and, either way, the tags of the schema cosign and
     * skopeo write, {@code sha256-HEX.sig}, {@code .att} and {@code .sbom}, each read whole for its
     * artifact type and annotations. Each manifest once, in that order. HEX is the hex of the manifest's digest the reference resolves to.
     *
     * @param location a registry reference, by tag or digest
     * @return the referrers, none when nothing refers to the image
     * @throws IllegalArgumentException when the location is not in a registry
     * @throws ImageNotFoundException when the registry has no such image
     * @throws NotFoundException when the registry has no such repository
     * @throws InvalidContentException when the referrers' index is malformed
     * @throws UnauthorizedException when the registry refuses the credentials or wants some
     * @throws UnreachableException when the registry cannot be reached, times out or fails TLS
     * @throws IOException for any other failure of the registry
     */
    public List<Referrer> referrers(ImageLocation location) throws IOException {
        if (!(location instanceof ImageLocation.Registry remote)) {
            throw new IllegalArgumentException("referrers are read from a registry, not from " + location);
        }
        Reference reference = remote.reference();
        Descriptor subject = registry.headManifest(reference).orElseThrow(() -> new ImageNotFoundException(
                reference + ": manifest unknown", reference.toString(), List.of()));
        return new ReferrerCopy(registry, copier).list(reference, subject.digest());
    }

    /**
     * Describes every tag of a repository: digest, platforms, compressed size in bytes (configs and
     * layers, each blob once, attestations left out, as {@link #images} counts it), created.
     * Tags are resolved with {@code HEAD}; each distinct digest is fetched once. A tag that vanished
     * while listing, or whose manifest or config is missing or invalid, is a row with an error;
     * the others are still described.
     *
     * @param repository the repository; a tag or digest in it is ignored
     * @param concurrency requests at once, at least 1
     * @return one row per tag, in {@link #tags(ImageLocation)}'s order
     * @throws NotFoundException when the registry has no such repository
     * @throws InvalidContentException when a page of the tag list cannot be read
     * @throws UnauthorizedException when the registry refuses the credentials or wants some
     * @throws UnreachableException when the registry cannot be reached, times out or fails TLS
     * @throws IOException for any other failure of the registry or the store
     */
    public List<TagDetail> tagDetails(ImageLocation repository, int concurrency) throws IOException {
        ResolvedLocation place = place(repository);
        List<String> tags = place.tags(0);
        // A tag that vanished or whose content cannot be read is a row that says so: one such tag
        // must not hide the others. Trouble reaching the registry still ends the listing.
        List<Optional<Descriptor>> heads = Parallel.map(tags, concurrency, place::resolveTag);
        Map<Digest, Descriptor> distinct = new LinkedHashMap<>();
        heads.forEach(d -> d.ifPresent(head -> distinct.putIfAbsent(head.digest(), head)));
        ImageSource source = place.source();
        ImageReader reader = new ImageReader(source);
        List<TagDetail> summaries = Parallel.map(List.copyOf(distinct.values()), concurrency, d -> {
            try {
                return summarize(source, reader, d);
            } catch (NotFoundException | ImageNotFoundException | BlobNotFoundException | InvalidContentException
                    | DigestMismatchException e) {
                return TagDetail.failed(null, d, e.getMessage());
            }
        });
        Map<Digest, TagDetail> byDigest = summaries.stream()
                .collect(Collectors.toMap(s -> s.manifest().digest(), s -> s));
        return IntStream.range(0, tags.size()).mapToObj(i -> heads.get(i).isEmpty()
                ? TagDetail.failed(tags.get(i), null, "tag vanished while listing")
                : byDigest.get(heads.get(i).get().digest()).withTag(tags.get(i))).toList();
    }

    /** Platforms, artifact types and sizes of an image or index; attestations only counted. */
    private static TagDetail summarize(ImageSource source, ImageReader reader, Descriptor descriptor)
            throws IOException {
        ManifestBlob blob = source.manifest(descriptor.digest().toString());
        int attestations = 0;
        record Shown(ImageManifest image, Platform platform) {
        }
        List<Shown> images = new ArrayList<>();
        if (blob.manifest() instanceof ImageIndex index) {
            for (Descriptor child : index.manifests()) {
                if (child.isAttestation()) {
                    attestations++;
                } else if (reader.child(child).manifest() instanceof ImageManifest image) {
                    images.add(new Shown(image, reader.platformOf(child)));
                }
            }
        } else {
            ImageManifest image = (ImageManifest) blob.manifest();
            images.add(new Shown(image, reader.config(image).platform()));
        }
        long size = compressedSize(images.stream().map(Shown::image).toList());
        List<String> artifactTypes = images.stream().map(s -> s.image().effectiveArtifactType())
                .filter(Objects::nonNull).distinct().toList();
        List<Platform> platforms = images.stream().filter(s -> s.image().effectiveArtifactType() == null)
                .map(Shown::platform).filter(Objects::nonNull).toList();
        String created = null;
        for (int i = 0; created == null && i < images.size(); i++) {
            created = reader.config(images.get(i).image()).created();
        }
        return new TagDetail(null, blob.descriptor(), platforms, artifactTypes, attestations, size, created, null);
    }

    /**
     * The compressed size of images as registries and {@code docker manifest inspect} count it:
     * their configs and layers, each blob once, at the sizes their manifests give; no manifest.
     * What {@code images} and {@code tags --details} show, so that they agree.
     */
    private static long compressedSize(Collection<ImageManifest> images) {
        Map<Digest, Long> blobs = new HashMap<>();
        images.forEach(image -> image.blobs().forEach(blob -> blobs.putIfAbsent(blob.digest(), blob.size())));
        return blobs.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The repositories of a registry ({@code GET /v2/_catalog}, paginated by {@code Link} headers
     * as tags are), where it allows listing them. Entries that are not repository names are
     * skipped with one notice.
     *
     * @param registryName the registry as images name it: {@code host[:port]}, {@code docker.io}
     * @param limit the most names to return; 0 for all
     * @return repository names without the registry ({@code library/nginx})
     * @throws NotFoundException when the registry offers no catalog
     * @throws UnauthorizedException when the registry does not let this user list it
     * @throws InvalidContentException when a page is not a JSON object or a {@code Link} header cannot be read
     * @throws UnreachableException when the registry cannot be reached, times out or fails TLS
     * @throws IOException for any other failure of the registry
     */
    public List<String> catalog(String registryName, int limit) throws IOException {
        return registry.catalog(registryName, limit);
    }

    /**
     * Deletes a manifest from a registry (OCI Distribution Spec, "Deleting tags" and "Deleting
     * Manifests"). By digest, that manifest goes (and every tag on it). By tag, only the tag goes:
     * where the registry cannot delete tags, a unique throw-away manifest is pushed to the tag and
     * deleted by its digest, so other tags on the old digest survive.
     *
     * @param reference {@code NAME:TAG} or {@code NAME@DIGEST} at a registry
     * @return the digest the tag pointed at (by tag), or the digest deleted
     * @throws ImageNotFoundException when the registry has no such tag (its {@code HEAD} found none)
     * @throws NotFoundException when the registry has no such manifest to delete (its 404)
     * @throws RegistryException when the registry does not allow deleting manifests (405 or
     *     {@code UNSUPPORTED}: the message says so) or answers with another error status
     * @throws UnauthorizedException when the registry refuses the credentials or wants some
     * @throws UnreachableException when the registry cannot be reached, times out or fails TLS
     * @throws IOException for any other failure of the registry
     */
    public Digest delete(Reference reference) throws IOException {
        if (reference.digest() != null) {
            try {
                registry.deleteManifest(reference);
            } catch (RegistryException e) {
                throw deletionDisabled(reference, e);
            }
            return reference.digest();
        }
        Descriptor current = registry.headManifest(reference).orElseThrow(() -> new ImageNotFoundException(
                reference + ": manifest unknown", reference.toString(), List.of()));
        try {
            registry.deleteManifest(reference);
            return current.digest();
        } catch (RegistryException tagDeleteRefused) {
            if (tagDeleteRefused instanceof UnauthorizedException || tagDeleteRefused.status() >= 500) {
                throw tagDeleteRefused;
            }
        }
        requireDeletion(reference);
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        Descriptor config = Descriptor.of(MediaType.OCI_EMPTY, Digest.sha256(empty), empty.length);
        ManifestBlob placeholder = ManifestBlob.create(new ImageManifest(2, MediaType.OCI_MANIFEST, null, config, List.of(),
                null, Map.of("dev.jreg.untag", UUID.randomUUID().toString())));
        try (ImageSink sink = registry.sink(reference, UploadOptions.monolithic())) {
            if (!sink.hasBlob(config)) {
                sink.putBlob(config, () -> new ByteArrayInputStream(empty));
            }
            sink.commit(placeholder);
        }
        registry.deleteManifest(reference.withDigest(placeholder.digest()));
        return current.digest();
    }

    /** Fails clearly when the registry does not delete manifests at all, before anything is pushed. */
    private void requireDeletion(Reference reference) throws IOException {
        Digest absent = Digest.sha256(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        try {
            registry.deleteManifest(Reference.parse(reference.name() + "@" + absent));
        } catch (NotFoundException expected) {
            // The registry deletes manifests; it only lacks this one.
        } catch (RegistryException e) {
            throw deletionDisabled(reference, e);
        }
    }

    /**
     * A registry's refusal to delete manifests at all (405, or the error code {@code UNSUPPORTED}:
     * the CNCF registry without {@code storage.delete.enabled}) said in one sentence; any other
     * failure as it is.
     */
    private static RegistryException deletionDisabled(Reference reference, RegistryException e) {
        if (e.status() == 405 || e.errors().stream().anyMatch(err -> err.code() == ErrorCode.UNSUPPORTED)) {
            return new RegistryException(reference.registry() + " does not allow deleting manifests"
                    + " (deletion is disabled on this registry)", e.status(), e.method(), e.url(), e.errors());
        }
        return e;
    }

    /**
     * Streams a blob to {@code out}, verifying size and digest (OCI Distribution Spec, "Pulling
     * blobs"); on a mismatch the bytes already written stay written.
     *
     * @param repository the repository, store or layout holding the blob; a tag in it is ignored
     * @param digest the blob's digest ({@code sha256:} and 64 hex digits)
     * @param out where the bytes go; not closed
     * @throws BlobNotFoundException when the location does not hold the blob
     * @throws DigestMismatchException when the bytes are not the size or digest asked for
     * @throws UnauthorizedException when the registry refuses the credentials or wants some
     * @throws UnreachableException when the registry cannot be reached, times out or fails TLS
     * @throws IOException for any other failure of the registry, the store or {@code out}
     */
    public void blob(ImageLocation repository, Digest digest, OutputStream out) throws IOException {
        ResolvedLocation place = place(repository);
        long size = place.blobSize(digest).orElseThrow(() -> new BlobNotFoundException(repository.repositoryName()
                + "@" + digest + ": blob unknown", digest));
        Descriptor descriptor = Descriptor.of(MediaType.of("application/octet-stream"), digest, size);
        try (InputStream in = place.source().blob(descriptor)) {
            VerifiedCopy.copy(in, out, descriptor);
        }
    }

    /**
     * {@link #blob(ImageLocation, Digest, OutputStream)} into a file that appears only once
     * verified (through a temp file beside it, created under the umask like any other output
     * file, not with a temp file's owner-only mode); an existing file is replaced.
     *
     * @param repository the repository, store or layout holding the blob; a tag in it is ignored
     * @param digest the blob's digest ({@code sha256:} and 64 hex digits)
     * @param file where to write it
     * @throws BlobNotFoundException when the location does not hold the blob
     * @throws DigestMismatchException when the bytes are not the size or digest asked for; no file is left
     * @throws UnauthorizedException when the registry refuses the credentials or wants some
     * @throws UnreachableException when the registry cannot be reached, times out or fails TLS
     * @throws IOException for any other failure of the registry, the store or the file
     */
    public void blob(ImageLocation repository, Digest digest, Path file) throws IOException {
        writeWhole(file, out -> {
            blob(repository, digest, out);
            return null;
        });
    }

    /**
     * Writes a file whole or not at all: into a temp file beside it (hidden, created under the
     * umask like any other output file, not with a temp file's owner-only mode), forced to disk,
     * then renamed over it; the temp file is deleted when the writer fails, and when the JVM is
     * stopped meanwhile (Ctrl-C, {@code kill}), by a shutdown hook held for the write.
     *
     * @throws FileSystemException when the file is a directory
     * @throws NoSuchFileException naming the directory, when the file's directory does not exist
     */
    private static <T> T writeWhole(Path file, Parallel.IoFunction<OutputStream, T> writer) throws IOException {
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new FileSystemException(target.toString(), null, "is a directory");
        }
        if (!Files.isDirectory(target.getParent())) {
            throw new NoSuchFileException(target.getParent().toString(), null, "no such directory");
        }
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        Thread stopped = new Thread(() -> temp.toFile().delete(), "jreg-delete-" + temp.getFileName());
        Runtime.getRuntime().addShutdownHook(stopped);
        try {
            T result;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(channel)) {
                result = writer.apply(out);
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return result;
        } finally {
            Files.deleteIfExists(temp);
            try {
                Runtime.getRuntime().removeShutdownHook(stopped);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs, or ran, and deletes the temp file
            }
        }
    }

    /**
     * The filesystem an image's layers give when applied in order (OCI image spec, "Applying
     * Changesets"), as one uncompressed tar stream: what {@code docker export} gives for a new
     * container of the image. Whiteouts and opaque directories are applied and none is written;
     * each path has the entry of the top-most layer that wrote it, its time to the nanosecond the
     * layer gave; paths that share a file stay hard links, the file written at the first of them
     * in path order; a directory that entries need and none describes is mode 0755, owner 0:0,
     * time 0; entries come in path order (each directory right before what it holds), so the same
     * image gives the same bytes. Entries that would leave the filesystem are refused, as an
     * unpack refuses them. Each layer is read twice, headers then contents; memory holds one header
     * per path, never content.
     *
     * @param image an image of the local store or of a layout (not of a registry: pull it first)
     * @param platform the platform to take from an index ({@code Platform.parse("linux/arm64")});
     *     null takes this machine's
     * @param out where the tar stream goes; flushed, not closed. When this fails, what was written
     *     is no complete archive
     * @return the image exported, its layers, the entries and bytes written
     * @throws IllegalArgumentException when the location is a registry, or the image is an
     *     artifact (it has no filesystem)
     * @throws ImageNotFoundException when the store or layout has no image by that name
     * @throws BlobNotFoundException when the store or layout lost a blob the image needs
     * @throws NoMatchingPlatformException when the index has no image for the platform, or the
     *     image alone is of another platform than one asked for
     * @throws InvalidContentException when a manifest, config or layer cannot be read, or a layer
     *     holds an entry that would leave the filesystem (the message names layer and entry), or
     *     the layers exceed {@link JregOptions#limits()} (refused at the header past the limit)
     * @throws DigestMismatchException when a stored blob no longer hashes to its digest
     * @throws IOException for any other failure of the store, the layout or {@code out}
     */
    public ExportResult export(ImageLocation image, Platform platform, OutputStream out) throws IOException {
        ChosenImage chosen = flattenable(image, platform);
        Flattener flattener = Flattener.read(layersOf(chosen), layerLimits());
        WrittenLayer written = flattener.write(LayerWriter.of(Compression.NONE, Optional.empty()).withExactTimes(),
                HashingOutputStream.over(out));
        return new ExportResult(chosen.manifest().descriptor(), chosen.image().layers().size(),
                flattener.entries().size(), written.size());
    }

    /**
     * {@link #export(ImageLocation, Platform, OutputStream)} into a file that appears only whole:
     * written beside it under a hidden temp name, forced to disk and renamed over it (an existing
     * file is replaced); a failed export leaves no file and the old one as it was.
     *
     * @param file where to write it, in a directory that exists
     * @throws FileSystemException when the file is a directory
     * @throws NoSuchFileException naming the directory, when it does not exist
     * @throws IOException as {@link #export(ImageLocation, Platform, OutputStream)} throws it
     */
    public ExportResult export(ImageLocation image, Platform platform, Path file) throws IOException {
        return writeWhole(file, out -> export(image, platform, out));
    }

    /**
     * Makes an image of one layer holding the filesystem of an image's layers, as
     * {@link #export} flattens it, and names it in the local store. The config is the source's,
     * every field kept, but for {@code rootfs.diff_ids}, now the new layer's alone, and the
     * history, now one step: created by {@code jreg squash}, with a comment naming how many layers
     * were squashed and the source's manifest digest, created at {@code options.timestamp()} or
     * now. The manifest is in the source's format: a Docker schema 2 image stays one, its layer
     * {@code application/vnd.docker.image.rootfs.diff.tar.gzip}; an OCI image's layer is
     * {@code application/vnd.oci.image.layer.v1.tar+gzip} or {@code +zstd}. The layer is written
     * into the store in one pass, hashed as it goes; the config and the manifest follow, and the
     * name is written last, so that a failure leaves no name.
     *
     * @param image an image of the local store or of a layout (not of a registry: pull it first)
     * @param platform the platform to take from an index; null takes this machine's
     * @param name the new image's name, with a tag ({@code localhost:5000/app:squashed})
     * @param options the layer's compression, and the timestamp that clamps its times
     * @return the new image's name, manifest, ID (its config digest), layer and diff ID, and the source's
     * @throws IllegalArgumentException when the location is a registry, the image is an artifact,
     *     the name has a digest, or zstd is asked of a Docker schema 2 image (which cannot hold it)
     * @throws ImageNotFoundException when the store or layout has no image by that name
     * @throws BlobNotFoundException when the store or layout lost a blob the image needs
     * @throws NoMatchingPlatformException when the index has no image for the platform, or the
     *     image alone is of another platform than one asked for
     * @throws InvalidContentException when a manifest, config or layer cannot be read, or a layer
     *     holds an entry that would leave the filesystem, or the layers exceed
     *     {@link JregOptions#limits()}
     * @throws DigestMismatchException when a stored blob no longer hashes to its digest
     * @throws StoreWriteException when a file of the store cannot be written (a full disk)
     * @throws IOException for any other failure of the store or the layout
     */
    public SquashResult squash(ImageLocation image, Platform platform, Reference name, SquashOptions options)
            throws IOException {
        if (name.digest() != null) {
            throw new IllegalArgumentException("a squashed image is named by a tag, not a digest: " + name.familiar());
        }
        ChosenImage chosen = flattenable(image, platform);
        ImageManifest source = chosen.image();
        boolean docker = source.mediaType().equals(MediaType.DOCKER_MANIFEST);
        Compression compression = options.compression() == LayerCompression.ZSTD ? Compression.ZSTD : Compression.GZIP;
        if (docker && compression == Compression.ZSTD) {
            throw new IllegalArgumentException(image + " is a Docker schema 2 image, which cannot hold a zstd layer;"
                    + " squash it with gzip, or copy it with --format oci first");
        }
        ImageConfig config = chosen.reader().config(source);
        Flattener flattener = Flattener.read(layersOf(chosen), layerLimits());
        Optional<Instant> clamp = Optional.ofNullable(options.timestamp());
        LayerWriter writer = LayerWriter.of(compression, clamp).withExactTimes();
        try (Closeable writing = store.copying(); ImageSink sink = store.sink(name)) {
            WrittenLayer[] written = new WrittenLayer[1];
            Descriptor layer = store.putNew(docker ? MediaType.DOCKER_LAYER_GZIP : compression.ociMediaType(),
                    out -> written[0] = flattener.write(writer, out));
            Digest diffId = written[0].diffId();
            ImageConfig.RootFs rootfs = config.rootfs();
            ImageConfig.History step = new ImageConfig.History(clamp.orElseGet(Instant::now).toString(), "jreg squash",
                    false, source.layers().size() + " layers of " + chosen.manifest().digest() + " squashed into one",
                    null, null);
            byte[] squashedConfig = Json.bytes(new ImageConfig(config.created(), config.author(), config.os(),
                    config.architecture(), config.variant(), config.config(),
                    new ImageConfig.RootFs(rootfs == null || rootfs.type() == null ? "layers" : rootfs.type(),
                            List.of(diffId.toString()), rootfs == null ? null : rootfs.otherFields()),
                    List.of(step), config.otherFields()).toJson());
            Descriptor configDescriptor = store.putNew(source.config().mediaType(), out -> out.write(squashedConfig));
            ManifestBlob manifest = ManifestBlob.create(new ImageManifest(source.schemaVersion(), source.mediaType(),
                    source.artifactType(), configDescriptor, List.of(layer), source.subject(), source.annotations(),
                    source.otherFields()));
            sink.commit(manifest);
            return new SquashResult(name, manifest.descriptor(), configDescriptor.digest(), layer, diffId,
                    source.layers().size(), chosen.manifest().digest());
        }
    }

    /** The image a location names, which must be a container image of the store or a layout. */
    private ChosenImage flattenable(ImageLocation image, Platform platform) throws IOException {
        if (image instanceof ImageLocation.Registry registry) {
            throw new IllegalArgumentException(registry.reference().familiar()
                    + " is an image of a registry; pull it into the local store first");
        }
        ChosenImage chosen = chosen(image, platform);
        String artifactType = chosen.image().effectiveArtifactType();
        if (artifactType != null) {
            throw new IllegalArgumentException(image + " is an artifact (" + artifactType + "), not a container image:"
                    + " it has no filesystem");
        }
        return chosen;
    }

    /** The image's layers, base first, each read from its source by digest. */
    private static List<Flattener.Source> layersOf(ChosenImage chosen) {
        return chosen.image().layers().stream().map(layer -> new Flattener.Source(layer.digest().toString(),
                () -> chosen.source().blob(layer))).toList();
    }

    /**
     * Writes images from the local store into one tar stream, as {@code docker save} does (docker
     * 25 and later): an OCI image layout ({@code oci-layout}, {@code index.json}, every blob under
     * {@code blobs/sha256/HEX} once, layers as they are stored) with docker's {@code manifest.json}
     * and {@code repositories} beside it, or with {@link ArchiveFormat#OCI} the layout alone (OCI
     * image layout specification; {@code index.json} names each image by containerd's
     * {@code io.containerd.image.name}, the full name, and {@code org.opencontainers.image.ref.name},
     * its tag). The same images give the same bytes: entries in the order of their names,
     * modification times 0, owners 0:0. Every blob is streamed from the store and checked against
     * its digest and size as it is read; every manifest is read, and every blob found, before the
     * first byte is written.
     *
     * <p>An index in the store is saved whole — every platform it holds, its digest unchanged — and
     * {@code manifest.json} names the image of this machine's platform in it (else its first), as
     * docker with the containerd store saves one; {@link SaveOptions#platform()} saves that
     * platform's image alone instead.
     *
     * @param images each as {@code docker save} takes it: a repository alone ({@code nginx}) is every
     *     tag of it in the store, else a name ({@code nginx:1.24.0}, saved under it), or a digest,
     *     {@code NAME@DIGEST} or an image ID (or a unique prefix of one), saved without a name
     * @param options the format, and the one platform to take from an index
     * @param out where the archive goes; flushed, not closed
     * @return the images and names written, and the blobs
     * @throws ImageNotFoundException when the store has no image by one of the names, before anything is written
     * @throws BlobNotFoundException when an image is incomplete (the store lost a blob it needs),
     *     before anything is written
     * @throws NoMatchingPlatformException when an image is not of the platform asked for, or an index has none
     * @throws DigestMismatchException when a stored blob no longer hashes to its digest; what was
     *     written before it is no archive
     * @throws InvalidContentException when a stored manifest or config is malformed
     * @throws dev.jreg.error.InvalidReferenceException when a name is not a reference, or a prefix of several image IDs
     * @throws IOException when the store cannot be read or {@code out} written
     */
    public SaveResult save(List<String> images, SaveOptions options, OutputStream out) throws IOException {
        return write(archiveImages(images, options), options, out);
    }

    /**
     * {@link #save(List, SaveOptions, OutputStream)} into a file that appears only once the archive
     * is whole (through a temp file beside it, removed when the save fails); an existing file is
     * replaced.
     *
     * @param images each as {@code docker save} takes it (see the stream's variant)
     * @param options the format, and the one platform to take from an index
     * @param file where the archive goes
     * @return the images and names written, and the blobs
     * @throws ImageNotFoundException when the store has no image by one of the names; no file is made
     * @throws BlobNotFoundException when an image is incomplete; no file is made
     * @throws NoMatchingPlatformException when an image is not of the platform asked for, or an index has none
     * @throws DigestMismatchException when a stored blob no longer hashes to its digest; no file is left
     * @throws InvalidContentException when a stored manifest or config is malformed
     * @throws IOException when the store cannot be read or the file written
     */
    public SaveResult save(List<String> images, SaveOptions options, Path file) throws IOException {
        List<ArchiveWriter.Image> chosen = archiveImages(images, options);
        return writeWhole(file, out -> write(chosen, options, out));
    }

    private static SaveResult write(List<ArchiveWriter.Image> chosen, SaveOptions options, OutputStream out)
            throws IOException {
        ArchiveWriter.Written written = new ArchiveWriter(options.format() == ArchiveFormat.DOCKER).write(chosen, out);
        List<ArchivedImage> saved = new ArrayList<>();
        for (ArchiveWriter.Image image : chosen) {
            Digest id = image.top().manifest() instanceof ImageManifest m ? m.config().digest() : image.top().digest();
            if (image.names().isEmpty()) {
                saved.add(new ArchivedImage(null, image.top().descriptor(), id));
            }
            image.names().forEach(name -> saved.add(new ArchivedImage(name.reference(), image.top().descriptor(), id)));
        }
        return new SaveResult(saved, written.blobs(), written.bytes());
    }

    /** The images to save, in the order asked for; names of one manifest together. */
    private List<ArchiveWriter.Image> archiveImages(List<String> texts, SaveOptions options) throws IOException {
        LocalNames local = new LocalNames(store);
        Map<Digest, ArchiveWriter.Image> byTop = new LinkedHashMap<>();
        for (String text : texts) {
            for (LocalNames.Selected selected : local.forArchive(text)) {
                ArchiveWriter.Image image = archiveImage(selected, local.idOf(selected.entry()), options.platform());
                byTop.merge(image.top().digest(), image, (known, more) -> {
                    List<ArchiveWriter.Name> names = new ArrayList<>(known.names());
                    more.names().stream().filter(name -> !names.contains(name)).forEach(names::add);
                    return new ArchiveWriter.Image(known.source(), known.top(), names, known.image(), known.topDiffId());
                });
            }
        }
        return List.copyOf(byTop.values());
    }

    /**
     * What an archive holds of one selected image: its manifest, or of an index the whole index
     * (with the image of this machine's platform for docker's {@code manifest.json}) or, when a
     * platform is asked for, that platform's image, named as pulled from the index.
     */
    private ArchiveWriter.Image archiveImage(LocalNames.Selected selected, Digest id, Platform platform)
            throws IOException {
        Descriptor entry = selected.entry();
        String shown = selected.name() != null ? selected.name().familiar() : id.shortHex();
        ImageSource source = selected.name() != null ? store.source(selected.name()) : store.sourceByDigest(shown);
        ImageReader reader = new ImageReader(source);
        ManifestBlob top = source.manifest(entry.digest().toString());
        String pulledBy = entry.annotations().get(OciLayout.REPO_DIGEST);
        Digest repoDigest = pulledBy != null ? Digest.parse(pulledBy) : null;
        ManifestBlob image = top;
        if (top.manifest() instanceof ImageIndex index) {
            if (platform != null) {
                top = reader.child(choose(reader, index, platform, "local:" + shown));
                image = top;
                repoDigest = entry.digest();
            } else {
                Optional<Descriptor> child = reader.select(index.manifests(), Platform.host())
                        .or(() -> index.manifests().stream().filter(d -> !d.isAttestation()).findFirst());
                image = child.isPresent() ? reader.child(child.get()) : null;
            }
        } else if (platform != null) {
            NoMatchingPlatformException.requireMatch(platform, reader.config((ImageManifest) top.manifest()).platform(),
                    "local:" + shown);
        }
        ImageManifest manifest = image != null && image.manifest() instanceof ImageManifest m ? m : null;
        List<String> diffIds = manifest == null || manifest.effectiveArtifactType() != null ? List.of()
                : Optional.ofNullable(reader.config(manifest).rootfs()).map(ImageConfig.RootFs::diffIds).orElse(List.of());
        return new ArchiveWriter.Image(source, top, selected.name() == null ? List.of()
                : List.of(new ArchiveWriter.Name(selected.name(), repoDigest)), manifest,
                diffIds.isEmpty() ? null : Digest.parse(diffIds.get(diffIds.size() - 1)));
    }

    /**
     * Reads an archive as {@code docker load} does and stores its images: what {@code docker save}
     * writes (docker 25 and later: an OCI image layout and {@code manifest.json}; docker 24 and
     * earlier: {@code manifest.json} naming uncompressed {@code ID/layer.tar} files and
     * {@code HEX.json} configs), what skopeo and podman write as {@code docker-archive:} and
     * {@code oci-archive:}, and OCI archives; any of them gzip-, zstd-, xz- or bzip2-compressed
     * (told from the first bytes). The archive is read once, as a stream: every file is stored as it passes,
     * through the store's verified write path — a blob under {@code blobs/sha256/HEX} checked
     * against that digest, one the store holds skipped —, and the images are named once all is
     * read and each name's content is complete.
     *
     * <p>With {@code index.json}, its entries are the images, named by containerd's
     * {@code io.containerd.image.name} or else an {@code org.opencontainers.image.ref.name} that is
     * a whole name, digests unchanged; an index the archive holds only some platforms of is named
     * by the image of this machine's platform among them. Without it, an image manifest is made for
     * each item of {@code manifest.json} (Docker schema 2, OCI where a layer is zstd-compressed),
     * whose layers are the archive's layer files as they are — an uncompressed one's digest is its
     * diff ID, which it is checked against — and whose config keeps its bytes, so image IDs survive.
     *
     * @param archive the archive's bytes; read to its end, not closed
     * @param source what messages call it ({@code stdin}, a file's path)
     * @return the names given (and images loaded without one), and the blobs stored and skipped
     * @throws InvalidArchiveException when it is no archive, is truncated, holds neither
     *     {@code manifest.json} nor {@code index.json}, or lacks a blob its manifests name that
     *     the store lacks too; nothing is named
     * @throws DigestMismatchException when a file does not match its digest or size, or a layer
     *     its config's diff ID; nothing is named
     * @throws InvalidContentException when a manifest, config or the archive's JSON is malformed
     * @throws StoreWriteException when a file of the store cannot be written (a full disk)
     * @throws IOException when the archive or the store cannot be read
     */
    public LoadResult load(InputStream archive, String source) throws IOException {
        ArchiveLoader.Result loaded = new ArchiveLoader(store, source).load(archive);
        List<ArchivedImage> images = new ArrayList<>();
        for (ArchiveLoader.Loaded image : loaded.images()) {
            images.add(new ArchivedImage(image.name(), image.manifest(), LocalNames.imageId(store, image.manifest())));
        }
        return new LoadResult(images, loaded.stored(), loaded.present(), loaded.bytes());
    }

    /**
     * Removes names from the local store, docker's way ({@code docker rmi}), then deletes every
     * blob no remaining name reaches, unless a copy into the store is running (it may be about to
     * name those blobs): then they stay for {@link #prune}, and the result says so. Each argument
     * is resolved on its own; what fails is reported in the result (a name not found with the tags
     * stored after the removals) and the rest is removed.
     *
     * @param names each as {@code docker rmi} takes it: {@code nginx} is {@code nginx:latest};
     *     {@code name@digest} removes that repository's names of the digest; a digest or image ID
     *     (or a unique prefix) removes every name of it
     * @param force remove every name of a digest or ID even when they span several repositories,
     *     which is otherwise refused, as docker refuses it
     * @return the names removed, the blobs deleted, and each argument that removed nothing with why
     *     ({@link RemoveResult.Failure})
     * @throws IOException when the store's index or blobs cannot be read or changed
     */
    public RemoveResult remove(List<String> names, boolean force) throws IOException {
        LocalNames local = new LocalNames(store);
        Set<Descriptor> chosen = new LinkedHashSet<>();
        List<RemoveResult.Failure> failures = new ArrayList<>();
        for (String name : names) {
            try {
                List<Descriptor> matches = local.select(name);
                Set<String> repositories = new LinkedHashSet<>();
                matches.forEach(d -> LocalNames.referenceOf(d).ifPresent(r -> repositories.add(r.familiarName())));
                // Only a digest or ID reaches several repositories; a name stays in its own.
                if (!force && repositories.size() > 1) {
                    throw new IllegalStateException("image " + local.idOf(matches.get(0)).shortHex()
                            + " is named in several repositories (" + String.join(", ", repositories)
                            + "); remove it by name, or with -f every name");
                }
                chosen.addAll(matches);
            } catch (ImageNotFoundException | RuntimeException e) {
                failures.add(new RemoveResult.Failure(name, e));
            }
        }
        List<Descriptor> removed = store.removeNames(chosen::contains);
        // An image without a name is deleted without being untagged, as docker deletes a dangling one.
        List<String> untagged = removed.stream().map(entry -> entry.annotations().get(Descriptor.REF_NAME))
                .filter(Objects::nonNull).toList();
        Optional<PruneResult> collected = removed.isEmpty() ? Optional.of(PruneResult.NOTHING)
                : store.collectGarbageIfIdle();
        return new RemoveResult(untagged, collected, removed.isEmpty() ? failures : afterRemoval(failures));
    }

    /** A name not found is reported with the tags stored once the others are removed, not before. */
    private List<RemoveResult.Failure> afterRemoval(List<RemoveResult.Failure> failures) throws IOException {
        LocalNames now = new LocalNames(store);
        List<RemoveResult.Failure> updated = new ArrayList<>();
        for (RemoveResult.Failure failure : failures) {
            try {
                if (failure.error() instanceof ImageNotFoundException) {
                    now.select(failure.name());
                }
                updated.add(failure);
            } catch (ImageNotFoundException stillAbsent) {
                updated.add(new RemoveResult.Failure(failure.name(), stillAbsent));
            }
        }
        return updated;
    }

    /**
     * Checks the local store: every blob hashes to its name and every name reaches complete
     * content. Waits for any running copy into the store first; the config's notices say when it
     * waits.
     *
     * @param repair delete blobs that do not hash to their names; the names stay, as incomplete
     *     images that the next pull completes
     * @return blobs checked, the corrupt ones, the names left incomplete, and whether it repaired
     * @throws IOException when the store cannot be read, or a corrupt blob cannot be deleted
     */
    public dev.jreg.VerifyReport verify(boolean repair) throws IOException {
        return store.verify(repair, this::noticeWaiting);
    }

    /**
     * Deletes blobs no name reaches and leftovers of interrupted downloads, after any running
     * copy into the store (the config's notices say when it waits), what builds killed with
     * {@code kill -9} left (root filesystems under {@code build/} and half-unpacked bases under
     * {@code cache/rootfs/} that no live build holds, of this process or another), then the unpack
     * records of directories that are no longer at their paths (one moved since its unpack, until a
     * {@link #commit} of it found its record, among them).
     *
     * @return the blobs deleted, the bytes reclaimed, the temp files, build leftovers and unpack
     *     records removed
     * @throws IOException when the store cannot be read or a file cannot be deleted
     */
    public PruneResult prune() throws IOException {
        return prune(false);
    }

    /**
     * {@link #prune()}, and with {@code cache} the build cache too ({@link #build}'s steps and the
     * digests of its contexts' files), as {@code docker builder prune} clears BuildKit's, and the
     * record of where copies wrote blobs in registries, their mount origins for later runs; blobs
     * only the cache used go with the rest.
     *
     * @param cache also clear the build cache and the record of blobs in registries
     * @return the blobs deleted, the bytes reclaimed (the cache's files among them), the temp
     *     files, unpack records and cache entries removed: a cached step, a context's file
     *     digests, a base kept unpacked, a registry's record each one entry
     * @throws IOException when the store cannot be read or a file cannot be deleted
     */
    public PruneResult prune(boolean cache) throws IOException {
        PruneResult collected = store.collectGarbage(this::noticeWaiting);
        int leftovers = StageExecutor.deleteLeftovers(store);
        LocalStore.DeletedFolder cleared = cache ? store.deleteFolder(Path.of("cache"), this::noticeWaiting)
                : new LocalStore.DeletedFolder(0, 0);
        return new PruneResult(collected.deleted(), collected.bytes() + cleared.bytes(), collected.tempFiles(),
                unpacked.prune(), cleared.entries(), leftovers);
    }

    private void noticeWaiting() {
        config.notices().accept("Waiting for a pull or copy into the local store (another jreg process) to finish");
    }

    /**
     * Bytes these images take in the store, each blob counted once however many of them share it:
     * unlike {@link LocalImage#size()}, every stored blob, manifests and attestations included.
     *
     * @param images images as {@link #images()} lists them
     * @return the size in bytes of every stored blob they reach, manifests and configs included
     * @throws IOException when the store cannot be read
     */
    public long contentSize(Collection<LocalImage> images) throws IOException {
        Set<Digest> blobs = new HashSet<>();
        for (LocalImage image : images) {
            blobs.addAll(reachable(image.manifest()));
        }
        return sizeOf(blobs);
    }

    /** The stored blobs a name reaches; of a damaged manifest, which cannot be followed, only itself. */
    private Set<Digest> reachable(Descriptor entry) throws IOException {
        try {
            return store.blobsOf(entry);
        } catch (DigestMismatchException damaged) {
            return Set.of(entry.digest());
        }
    }

    private long sizeOf(Set<Digest> blobs) {
        return blobs.stream().mapToLong(digest -> store.blobSize(digest).orElse(0L)).sum();
    }

    /**
     * Checks credentials against a registry as {@code docker login} does, before they are stored:
     * a token request for a registry that issues tokens, an authenticated {@code /v2/} for one that
     * takes Basic credentials (OCI Distribution Spec, endpoint end-1, {@code GET /v2/}; the token
     * request of Docker's token authentication specification).
     *
     * @param registryName the registry: {@code host[:port]}, {@code docker.io}
     * @param credentials user and password, or an identity token
     * @throws UnauthorizedException when the registry refuses them
     * @throws UnreachableException when the registry or its token server cannot be reached
     * @throws InvalidContentException when the token server's answer cannot be read, or its realm is refused
     * @throws IOException for any other failure of the registry
     */
    public void checkLogin(String registryName, Credentials credentials) throws IOException {
        registry.checkCredentials(registryName, credentials);
    }

    /**
     * The exact manifest a location names, as the registry, store or layout holds its bytes (OCI
     * Distribution Spec, "Pulling manifests"); fetched by digest, the bytes are verified.
     *
     * @param location a registry reference, a local-store name or a layout name
     * @return the bytes with their media type and digest, and the parsed manifest or index
     * @throws NotFoundException when the registry has no such repository, tag or manifest (its 404)
     * @throws ImageNotFoundException when the store or layout has no image by that name
     * @throws BlobNotFoundException when the store or layout lost the manifest's blob
     * @throws InvalidContentException when the manifest is malformed, too large or Docker schema 1
     * @throws DigestMismatchException when bytes fetched by digest do not hash to it
     * @throws UnauthorizedException when the registry refuses the credentials or wants some
     * @throws UnreachableException when the registry cannot be reached, times out or fails TLS
     * @throws IOException for any other failure of the registry or the store
     */
    public ManifestBlob manifest(ImageLocation location) throws IOException {
        ResolvedLocation place = place(location);
        return place.source().manifest(place.tagOrDigest());
    }

    /**
     * Describes an image or index: for an index its platforms with their sizes and its
     * attestations apart; for an image (or the chosen platform of an index) its config and layers.
     * Platforms are chosen as containerd chooses them.
     *
     * @param location a registry reference, a local-store name or a layout name
     * @param platform the platform to detail from an index ({@code Platform.parse("linux/arm64")}),
     *     or null for none
     * @return what the manifest, index and config say; sizes in bytes, compressed
     * @throws NotFoundException when the registry has no such repository, tag, manifest or blob (its 404)
     * @throws ImageNotFoundException when the store or layout has no image by that name
     * @throws BlobNotFoundException when the store or layout lost a manifest or config the image needs
     * @throws NoMatchingPlatformException when the index has no image for {@code platform}
     * @throws InvalidContentException when a manifest or config is malformed or too large
     * @throws DigestMismatchException when a manifest or config does not hash to its digest
     * @throws UnauthorizedException when the registry refuses the credentials or wants some
     * @throws UnreachableException when the registry cannot be reached, times out or fails TLS
     * @throws IOException for any other failure of the registry or the store
     */
    public ImageInfo inspect(ImageLocation location, Platform platform) throws IOException {
        ResolvedLocation place = place(location);
        ImageSource source = place.source();
        ImageReader reader = new ImageReader(source);
        ManifestBlob top = source.manifest(place.tagOrDigest());
        List<ImageInfo.PlatformEntry> platforms = new ArrayList<>();
        List<ImageInfo.Attestation> attestations = new ArrayList<>();
        ManifestBlob shown = top;
        if (top.manifest() instanceof ImageIndex index) {
            for (Descriptor child : index.manifests()) {
                ManifestBlob blob = reader.child(child);
                ImageManifest m = blob.manifest() instanceof ImageManifest image ? image : null;
                long size = m != null ? m.config().size() + m.layersSize() : -1;
                if (child.isAttestation()) {
                    attestations.add(new ImageInfo.Attestation(child, child.annotations().get(Descriptor.REFERENCE_DIGEST),
                            size));
                } else {
                    platforms.add(new ImageInfo.PlatformEntry(child, reader.platformOf(child),
                            m != null ? m.effectiveArtifactType() : ((ImageIndex) blob.manifest()).artifactType(), size));
                }
            }
            shown = platform == null ? null : reader.child(choose(reader, index, platform, location.toString()));
        }
        ImageInfo.Image image = null;
        if (shown != null && shown.manifest() instanceof ImageManifest m) {
            ImageConfig config = reader.config(m);
            image = new ImageInfo.Image(shown.descriptor(), config.platform(), m.effectiveArtifactType(), config, m.config(),
                    m.layers());
        }
        return new ImageInfo(location.toString(), top.descriptor(), platforms, attestations, image);
    }

    /**
     * The exact config bytes of an image (of the chosen platform, for an index), verified against
     * the config descriptor's digest and size.
     *
     * @param location a registry reference, a local-store name or a layout name
     * @param platform the platform to take from an index ({@code Platform.parse("linux/arm64")});
     *     null takes this machine's
     * @return the config's bytes, at most 8 MiB
     * @throws NotFoundException when the registry has no such repository, tag, manifest or blob (its 404)
     * @throws ImageNotFoundException when the store or layout has no image by that name
     * @throws BlobNotFoundException when the store or layout lost a manifest or config the image needs
     * @throws NoMatchingPlatformException when the index has no image for the platform, or the
     *     image alone is of another platform than one asked for
     * @throws InvalidContentException when the manifest is not an image's, or is malformed or too large
     * @throws DigestMismatchException when the manifest or config does not hash to its digest
     * @throws UnauthorizedException when the registry refuses the credentials or wants some
     * @throws UnreachableException when the registry cannot be reached, times out or fails TLS
     * @throws IOException for any other failure of the registry or the store
     */
    public byte[] config(ImageLocation location, Platform platform) throws IOException {
        ChosenImage chosen = chosen(location, platform);
        return chosen.reader().configBytes(chosen.image());
    }

    /** The image a location names, or the child of its index for a platform (null: this machine's). */
    ChosenImage chosen(ImageLocation location, Platform platform) throws IOException {
        ResolvedLocation place = place(location);
        return chosen(place.source(), place.tagOrDigest(), platform, location);
    }

    /**
     * The image a tag or digest names at a source, or the platform's of an index (this machine's for
     * null); an image alone must be of the platform when one is asked for.
     */
    private static ChosenImage chosen(ImageSource source, String tagOrDigest, Platform platform, ImageLocation location)
            throws IOException {
        ImageReader reader = new ImageReader(source);
        ManifestBlob manifest = source.manifest(tagOrDigest);
        boolean fromIndex = manifest.manifest() instanceof ImageIndex;
        if (manifest.manifest() instanceof ImageIndex index) {
            manifest = reader.child(choose(reader, index, platform != null ? platform : Platform.host(),
                    location.toString()));
        }
        if (!(manifest.manifest() instanceof ImageManifest image)) {
            throw new InvalidContentException(location + " is not an image manifest");
        }
        if (!fromIndex && platform != null && image.effectiveArtifactType() == null) {
            NoMatchingPlatformException.requireMatch(platform, reader.config(image).platform(), location.toString());
        }
        return new ChosenImage(source, reader, manifest, image);
    }

    /**
     * Unpacks an image's root filesystem into a directory, as {@code umoci unpack} gives it in
     * {@code rootfs/} (OCI image spec, "Applying Changesets"): every layer applied in order, each
     * read verified — its digest checked as it streams — and applied safely (nothing written
     * outside the directory; hostile entries refused), owners set when running as root. What
     * could not be reproduced (owners other than root without root, device nodes) is said in one
     * line to the config's notices. The directory holds the filesystem and nothing else: what the
     * unpack wrote is recorded in the store ({@code unpacked/}, under the directory's real path
     * and its device and inode numbers), for {@link #commit} to tell edits from it, and follows
     * the directory when it is moved within its filesystem. Writing a record deletes those of
     * directories gone from their paths but the 16 written last (which may be of directories
     * moved since); {@link #prune} deletes them all. When the unpack fails, or the JVM is stopped
     * meanwhile (Ctrl-C, {@code kill}: a shutdown hook stops it and waits for that), the directory
     * is removed if it made it, emptied otherwise.
     *
     * @param image a local-store name, a layout's image or a registry reference (read from there
     *     without storing it)
     * @param platform the platform to take from an index; null takes this machine's
     * @param directory a directory that does not exist (it is made, with its parents) or is empty
     * @return the manifest and image ID unpacked, the layers applied, the regular files written and
     *     their bytes (uncompressed, each file once), and the directory's real path
     * @throws IllegalArgumentException when the directory is not an empty directory, a file is
     *     where one of its missing parents would be, or the image is an artifact
     * @throws ImageNotFoundException when the store or layout has no image by that name
     * @throws BlobNotFoundException when the store or layout lost a blob the image needs
     * @throws NoMatchingPlatformException when the index has no image for the platform, or the
     *     image alone is of another platform than one asked for
     * @throws DigestMismatchException when a manifest, config or layer is not its digest or size
     * @throws InvalidContentException when a manifest or config is malformed, a layer is not a
     *     tar or holds a refused entry, or the layers exceed {@link JregOptions#limits()} (by
     *     default 64 GiB, 10 million entries)
     * @throws IOException when the directory or the store cannot be written, or the registry read
     */
    public UnpackResult unpack(ImageLocation image, Platform platform, Path directory) throws IOException {
        // The record names the image so that any later run finds it again: a layout by its absolute path.
        ImageLocation located = image instanceof ImageLocation.Layout layout ? new ImageLocation.Layout(
                layout.directory().toAbsolutePath().normalize(), layout.name(), layout.index()) : image;
        ResolvedLocation place = place(located);
        ChosenImage chosen = chosen(place.source(), place.tagOrDigest(), platform, located);
        return ImageUnpack.run(chosen, located.toString(), directory, layerLimits(), unpacked, config.notices());
    }

    /** The options' limits, as the layer engine takes them. */
    private LayerLimits layerLimits() {
        return new LayerLimits(config.limits().maxBytes(), config.limits().maxEntries());
    }

    /**
     * Makes an image on a base, as {@code docker commit} makes one from a container, and names it
     * in the local store: at most one new layer — a directory's difference from the base, or
     * files added ({@code crane append}) — and config edits. The directory's difference is taken
     * against its unpack record when {@link #unpack} made it from that base, at this path or at
     * another one it was moved from within its filesystem (a path whose stamp is the one recorded
     * is unchanged; owners and device nodes an unprivileged unpack left out
     * are no change), else against the base's entries as its layers' headers give them, by type,
     * size, mode and time, with a note to the config's notices. Deletions are whiteouts, a deleted
     * directory one. A directory without changes makes no layer, as {@code docker commit} makes
     * none. The config is the base's — every field kept — with the layer's diff ID, a history
     * entry ({@code empty_layer} without a layer), {@code created}, the author and the edits; the
     * manifest has the base's format (OCI, or Docker schema 2 with a Docker gzip layer). Blobs
     * are written into the store first and the name last: a commit that fails names nothing,
     * and its blobs go at the next {@link #prune}.
     *
     * @param name the new image's name, a full reference with a tag
     * @param options base, directory or additions, config edits, author, comment, compression,
     *     timestamp, {@code created_by}
     * @return the name, the new manifest, the image ID (its config's digest), the new layer
     * @throws IllegalArgumentException when the name has a digest, the directory or a file to add
     *     is missing, no base is given and the directory has no unpack record, a change's values
     *     are wrong, or zstd is asked on a Docker base
     * @throws ImageNotFoundException when the base is not in the store or the layout, or no
     *     longer is when the unpack record names it
     * @throws BlobNotFoundException when the store or layout lost a blob the base needs
     * @throws NoMatchingPlatformException when the base is an index without the platform, or
     *     an image of another platform than one asked for
     * @throws DigestMismatchException when a blob of the base is not its digest or size
     * @throws InvalidContentException when the base's manifest, config or layers are malformed, or
     *     the unpack record named by no {@code --base} is damaged
     * @throws IOException when the directory cannot be read or the store written
     */
    public CommitResult commit(Reference name, CommitOptions options) throws IOException {
        if (name.digest() != null) {
            throw new IllegalArgumentException("a new image is named by a tag, not a digest: " + name.familiar());
        }
        for (CommitOptions.Addition addition : options.additions()) {
            if (!Files.exists(addition.source(), LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException("no such file or directory to add: " + addition.source());
            }
        }
        Path directory = null;
        Optional<UnpackedDirectories.Unpacked> record = Optional.empty();
        if (options.directory() != null) {
            Path given = options.directory();
            if (!Files.isDirectory(given)) {
                throw new IllegalArgumentException(Files.exists(given, LinkOption.NOFOLLOW_LINKS)
                        ? given + " is not a directory" : "no such directory: " + given);
            }
            directory = given.toRealPath();
            try {
                record = unpacked.find(directory);
            } catch (InvalidContentException damaged) {
                if (options.base() == null) {
                    throw damaged;
                }
                config.notices().accept("note: " + damaged.getMessage());
            }
        }
        if (options.base() == null && record.isEmpty()) {
            throw new IllegalArgumentException(directory == null ? "a commit needs a base image (--base IMAGE)"
                    : directory + " has no unpack record to name its base image: give --base IMAGE");
        }
        ImageLocation baseLocation = options.base() != null ? options.base() : ImageLocation.parse(record.get().image());
        // The store's names as docker shows them (gone:1), any other location as given.
        String baseName = baseLocation instanceof ImageLocation.Local local ? local.reference().familiar()
                : baseLocation.toString();
        ResolvedLocation place = place(baseLocation);
        ChosenImage base;
        try {
            base = chosen(place.source(), options.base() != null ? place.tagOrDigest()
                    : record.get().manifest().toString(), options.platform(), baseLocation);
        } catch (ImageNotFoundException | BlobNotFoundException gone) {
            if (options.base() != null) {
                throw gone;
            }
            throw new ImageNotFoundException(directory + " was unpacked from " + baseName + " ("
                    + record.get().manifest().shortHex() + "), which is gone; give --base IMAGE", record.get().image(),
                    List.of());
        }
        return new ImageCommit(store, config.notices(), base, baseName, options).run(name, directory, record);
    }

    /**
     * Builds an image from a Dockerfile, as {@code docker build} does with BuildKit, without a
     * daemon, and names it in the local store (Dockerfile reference): the stages the target needs,
     * each on its base — an image of the store, pulled into it as {@link #pull} pulls one when the
     * store lacks it (or always, with {@code pull}); {@code scratch}; an earlier stage — through
     * its instructions: config instructions change the config and add a history entry,
     * {@code WORKDIR} makes its directory when missing, {@code COPY} and {@code ADD} make a layer
     * of what they copy from the context (what {@code .dockerignore} excludes left out), a stage,
     * an image, a local tar archive (extracted) or a URL (fetched through the registries' HTTP
     * client, its proxies and CAs). A base image's {@code ONBUILD} triggers run right after
     * {@code FROM}. Steps that write files are cached in the store ({@code cache/}): the state
     * before them, the instruction after substitution and the digests of the files it reads decide
     * the key, so that a build with nothing changed writes no blob; {@link #prune(boolean)}
     * clears the cache. The image (the base's manifest format, gzip layers, BuildKit's history
     * entries) is written into the store and named last, all names at once, and the listener
     * told ({@link BuildListener#written}); then each name is pushed as {@link #push} pushes it.
     * {@code RUN} runs its command in the stage's root filesystem through bubblewrap, its change
     * the step's layer, its lines handed to the listener with the time since the step began; a
     * here-document starting with {@code #!} is run as the file {@code /dev/pipes/NAME}, as
     * BuildKit runs it.
     *
     * @param options the context, the Dockerfile or its text, build arguments, target, platform,
     *     labels, cache and pull policy, names, push, timestamp, network and progress listener
     * @return the image's ID and manifest, its names, the steps shown and cached, the pushes
     * @throws dev.jreg.error.DockerfileException for a Dockerfile or {@code .dockerignore} that
     *     Docker refuses, a source that is not there, a value refused once substituted (a port, a
     *     signal, {@code --chmod}, a name {@code --chown} or {@code USER} gives that the stage's
     *     {@code /etc/passwd} or {@code /etc/group} lacks), naming the file and line; nothing is
     *     written when the Dockerfile does not read
     * @throws IllegalArgumentException when the context is no directory, the Dockerfile is missing,
     *     the target stage is not in the Dockerfile, or a base image's name is no reference
     * @throws UnsupportedOperationException when a stage would {@code RUN} and this machine cannot
     *     run its commands (no bubblewrap, user namespaces refused, another CPU), naming the line;
     *     checked before any work
     * @throws RunCommandException when a {@code RUN} command ends with a status other than 0
     *     ({@code Dockerfile:LINE: process "/bin/sh -c exit 3" did not complete successfully:
     *     exit code: 3}); no name is written
     * @throws NotFoundException when a registry has no base image of that name
     * @throws NoMatchingPlatformException when a base image is an index without the platform
     * @throws DigestMismatchException when an {@code ADD}'s download does not match its
     *     {@code --checksum}, or a blob its digest
     * @throws UnauthorizedException when a registry refuses the credentials for a pull or a push
     * @throws UnreachableException when a registry or a URL's server cannot be reached
     * @throws StoreWriteException when a file of the store cannot be written (a full disk)
     * @throws IOException when the context cannot be read, or for any other failure of a registry
     *     or the store
     */
    public BuildResult build(BuildOptions options) throws IOException {
        return new ImageBuild(this, store, registry, options).run();
    }

    private static Descriptor choose(ImageReader reader, ImageIndex index, Platform wanted, String location)
            throws IOException {
        Optional<Descriptor> child = reader.select(index.manifests(), wanted);
        if (child.isEmpty()) {
            throw new NoMatchingPlatformException(wanted, location, reader.offered(index));
        }
        return child.get();
    }

    /**
     * Gives an image in the local store another name, as {@code docker tag} does; no bytes are
     * copied.
     *
     * @param source a name ({@code nginx}), {@code name@digest}, a manifest digest, or an image ID
     *     (full, {@code sha256:}, or a unique prefix)
     * @param target the new name, a full reference with a tag
     * @return the descriptor both names now point at
     * @throws ImageNotFoundException when nothing in the store matches {@code source}
     * @throws dev.jreg.error.InvalidReferenceException when {@code source} is not a reference, or a
     *     prefix of several image IDs
     * @throws IOException when the store's index cannot be read or written
     */
    public Descriptor tag(String source, Reference target) throws IOException {
        Descriptor descriptor = findLocal(source);
        Map<String, String> annotations = new HashMap<>(descriptor.annotations());
        // The digest a name was pulled by belongs to its repository; another has no such manifest.
        if (!LocalNames.referenceOf(descriptor).map(r -> r.name().equals(target.name())).orElse(false)) {
            annotations.remove(OciLayout.REPO_DIGEST);
        }
        store.setName(target, descriptor.withAnnotations(annotations));
        return descriptor;
    }

    /**
     * The name in the local store that text gives: itself for a stored name, the image's first
     * name for a digest or image ID (full, {@code sha256:}, or a unique prefix), as {@code rm},
     * {@code tag} and every {@code local:} location resolve it.
     *
     * @param text a name ({@code nginx} is {@code nginx:latest}), {@code name@digest}, a digest or
     *     an image ID
     * @return the stored name, a full reference
     * @throws ImageNotFoundException when nothing in the store matches; it names the tags the
     *     repository has ({@link ImageNotFoundException#stored()})
     * @throws dev.jreg.error.InvalidReferenceException when the text is not a reference, or a
     *     prefix of several image IDs
     * @throws IOException when the store's index cannot be read
     */
    public Reference localReference(String text) throws IOException {
        if (localImage(text) instanceof ImageLocation.Local named) {
            return named.reference();
        }
        throw new ImageNotFoundException("image " + text + " has no name in the local store; give it one with"
                + " `jreg tag " + text + " NAME:TAG`", text, List.of());
    }

    /**
     * The local store's image that text gives, as every command that reads one takes it: a stored
     * name; for a digest or image ID (full, {@code sha256:}, or a unique prefix), the image's first
     * name, or the image by its manifest's digest when it has none (docker's dangling image).
     *
     * @param text a name ({@code nginx} is {@code nginx:latest}), {@code name@digest}, a digest or
     *     an image ID
     * @return an {@link ImageLocation.Local}, or an {@link ImageLocation.LocalDigest} for an image
     *     without a name
     * @throws ImageNotFoundException when nothing in the store matches; it names the tags the
     *     repository has ({@link ImageNotFoundException#stored()})
     * @throws dev.jreg.error.InvalidReferenceException when the text is not a reference, or a
     *     prefix of several image IDs
     * @throws IOException when the store's index cannot be read
     */
    public ImageLocation localImage(String text) throws IOException {
        Descriptor found = findLocal(text);
        String name = found.annotations().get(Descriptor.REF_NAME);
        if (name != null) {
            return new ImageLocation.Local(Reference.parse(name));
        }
        // NAME@DIGEST of an image without a name reads it by digest in that repository, as given.
        Optional<Reference> given = text.startsWith("sha256:") ? Optional.empty() : Reference.tryParse(text);
        return given.filter(r -> r.digest() != null).<ImageLocation>map(ImageLocation.Local::new)
                .orElseGet(() -> new ImageLocation.LocalDigest(found.digest()));
    }

    /**
     * The local store's image that text gives as an image ID or digest rather than as a name, as
     * docker's build reads {@code FROM ID}; empty for a name. Text of {@link ImageLocation#isImageId}'s
     * forms is never a name; shorter hex digits are one when the store has that name or no image ID
     * begins with them.
     *
     * @throws ImageNotFoundException when text of {@link ImageLocation#isImageId}'s forms is in no image
     */
    Optional<ImageLocation> localImageById(String text) throws IOException {
        if (ImageLocation.isImageId(text)) {
            return Optional.of(localImage(text));
        }
        if (!text.matches("[0-9a-f]{1,11}") || store.lookup(Reference.parse(text)).isPresent()) {
            return Optional.empty();
        }
        try {
            return Optional.of(localImage(text));
        } catch (ImageNotFoundException aName) {
            return Optional.empty();
        }
    }

    /**
     * Every name in the local store that text selects, in the order they were stored: itself for
     * a stored name, every name of a digest or image ID (full, {@code sha256:}, or a unique
     * prefix).
     *
     * @param text a name ({@code nginx} is {@code nginx:latest}), {@code name@digest}, a digest or
     *     an image ID
     * @return the names, full references; empty when nothing is named so
     * @throws dev.jreg.error.InvalidReferenceException when the text is not a reference, or a
     *     prefix of several image IDs
     * @throws IOException when the store's index cannot be read
     */
    public List<Reference> localNames(String text) throws IOException {
        try {
            return new LocalNames(store).select(text).stream().flatMap(d -> LocalNames.referenceOf(d).stream())
                    .toList();
        } catch (ImageNotFoundException notNamed) {
            return List.of();
        }
    }

    private Descriptor findLocal(String source) throws IOException {
        return new LocalNames(store).first(source);
    }

    /**
     * Every image in the local store, in the order they were first stored, as
     * {@code docker images} lists them: name, image ID, platforms, created, labels, size in bytes
     * (the compressed size of the configs and layers the name reaches, each blob once, as
     * {@link #tagDetails} counts it; no manifest). An image whose manifest or config is damaged
     * or missing is listed, marked so, and does not hide the others.
     *
     * @return one entry per name, and one per image loaded without a name ({@link LocalImage#reference()}
     *     null); names in the index that are not references are left out
     * @throws IOException when the store's index cannot be read
     */
    public List<LocalImage> images() throws IOException {
        List<LocalImage> images = new ArrayList<>();
        for (Descriptor entry : store.names()) {
            Optional<Reference> reference = LocalNames.referenceOf(entry);
            if (reference.isPresent() || !entry.annotations().containsKey(Descriptor.REF_NAME)) {
                images.add(describe(reference.orElse(null), entry));
            }
        }
        return images;
    }

    private LocalImage describe(Reference reference, Descriptor entry) throws IOException {
        boolean complete = store.isComplete(entry);
        long size = compressedSize(storedImages(entry));
        try {
            return describe(reference, entry, size, complete);
        } catch (IOException unread) {
            boolean damaged = unread instanceof DigestMismatchException;
            if (complete && !damaged) {
                throw unread;
            }
            // Listed, not fatal: one damaged image must not hide the others. A missing manifest or
            // config cannot be read: shown without them until a pull restores them.
            return new LocalImage(reference, entry, LocalNames.imageId(store, entry), List.of(), null, null, null, size,
                    complete, damaged);
        }
    }

    /**
     * The images a name holds, as {@link #compressedSize} counts them: the image, or the stored
     * children of an index but its attestations; those whose manifest is missing or damaged left
     * out, a name whose manifest is holding none.
     */
    private List<ImageManifest> storedImages(Descriptor entry) throws IOException {
        Optional<Manifest> top = readable(entry);
        List<Descriptor> children = top.filter(ImageIndex.class::isInstance)
                .map(index -> ((ImageIndex) index).manifests()).orElse(List.of());
        List<ImageManifest> images = new ArrayList<>();
        top.filter(ImageManifest.class::isInstance).ifPresent(image -> images.add((ImageManifest) image));
        for (Descriptor child : children) {
            if (!child.isAttestation()) {
                readable(child).filter(ImageManifest.class::isInstance).ifPresent(image -> images.add((ImageManifest) image));
            }
        }
        return images;
    }

    /** A stored manifest, or empty when it is missing, damaged or not one. */
    private Optional<Manifest> readable(Descriptor descriptor) throws IOException {
        if (!descriptor.mediaType().isIndex() && !descriptor.mediaType().isImageManifest()) {
            return Optional.empty();
        }
        try {
            return Optional.of(store.readManifest(descriptor).manifest());
        } catch (NoSuchFileException | DigestMismatchException | InvalidContentException unreadable) {
            return Optional.empty();
        }
    }

    private LocalImage describe(Reference reference, Descriptor entry, long size, boolean complete) throws IOException {
        ManifestBlob blob = store.readManifest(entry);
        Digest id = LocalNames.imageId(store, entry);
        ImageReader reader = new ImageReader(reference != null ? store.source(reference)
                : store.sourceByDigest(id.shortHex()));
        ImageManifest image;
        List<Platform> platforms = new ArrayList<>();
        if (blob.manifest() instanceof ImageIndex index) {
            List<Descriptor> present = index.manifests().stream().filter(store::hasBlob).toList();
            for (Descriptor child : present) {
                Platform platform = child.isAttestation() ? null : reader.platformOf(child);
                if (platform != null && !platforms.contains(platform)) {
                    platforms.add(platform);
                }
            }
            Optional<Descriptor> shown = reader.select(present, Platform.host())
                    .or(() -> present.stream().filter(d -> !d.isAttestation()).findFirst());
            if (shown.isEmpty() || !(reader.child(shown.get()).manifest() instanceof ImageManifest m)) {
                return new LocalImage(reference, entry, blob.digest(), platforms, null, null, null, size, complete,
                        false);
            }
            image = m;
        } else {
            image = (ImageManifest) blob.manifest();
        }
        ImageConfig imageConfig = reader.config(image);
        if (platforms.isEmpty() && imageConfig.platform() != null) {
            platforms.add(imageConfig.platform());
        }
        return new LocalImage(reference, entry, id, platforms, image.effectiveArtifactType(),
                imageConfig.created(), imageConfig.config() == null ? null : imageConfig.config().labels(), size, complete,
                false);
    }
}
