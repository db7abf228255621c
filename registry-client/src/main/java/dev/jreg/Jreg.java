package dev.jreg;

import dev.jreg.copy.CopyOptions;
import dev.jreg.copy.CopyResult;
import dev.jreg.copy.Copier;
import dev.jreg.error.InvalidContentException;
import dev.jreg.error.NotFoundException;
import dev.jreg.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageConfig;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.Json;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.registry.RegistryClient;
import dev.jreg.registry.UploadOptions;
import java.nio.file.Files;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The jreg library's entry point: what the {@code jreg} command does, as methods. Thread-safe.
 *
 * <pre>{@code
 * Jreg jreg = Jreg.open(new JregConfig(store, RegistryOptions.defaults(), 4));
 * CopyResult result = jreg.pull(Reference.parse("nginx:1.24.0"), CopyOptions.defaults());
 * }</pre>
 */
public final class Jreg {
    private static final long MAX_CONFIG = 8L * 1024 * 1024;

    private final JregConfig config;
    private final RegistryClient registry;
    private final OciLayout store;
    private final Copier copier = new Copier();

    private Jreg(JregConfig config, OciLayout store) {
        this.config = config;
        this.registry = new RegistryClient(config.registry());
        this.store = store;
    }

    /** Opens the store (creating it if needed) and prepares the registry client. */
    public static Jreg open(JregConfig config) throws IOException {
        return new Jreg(config, OciLayout.open(config.store()));
    }

    /** The configuration this instance was opened with. */
    public JregConfig config() {
        return config;
    }

    /** The local store. */
    public OciLayout store() {
        return store;
    }

    /** The registry client, for operations the façade does not wrap. */
    public RegistryClient registry() {
        return registry;
    }

    /**
     * Pulls an image into the local store: only missing blobs are fetched, each verified, and
     * the name is recorded last.
     *
     * @param reference what to pull; the store names the result by this reference
     * @param options platforms, concurrency and progress
     */
    public CopyResult pull(Reference reference, CopyOptions options) throws IOException {
        return copier.copy(registry.source(reference), reference.tagOrDigest(), store.sink(reference), options);
    }

    /**
     * Pushes an image from the local store to the registry its name points at. Every platform the
     * store holds under that name goes, digests unchanged.
     */
    public CopyResult push(Reference reference, CopyOptions options, UploadOptions uploads) throws IOException {
        return copier.copy(store.source(reference), reference.tagOrDigest(), registry.sink(reference, uploads), options);
    }

    /**
     * Copies an image between any two locations: registry to registry (blobs stream through,
     * never touching disk; mounted inside one registry), store or layout to registry and back.
     */
    public CopyResult copy(ImageLocation from, ImageLocation to, CopyOptions options, UploadOptions uploads)
            throws IOException {
        Place source = place(from);
        return copier.copy(source.source(), source.tagOrDigest(), place(to).sink(from.shortName(), uploads), options);
    }

    /** The tags at a location: a registry repository's tags, a store repository's names, a layout's names. */
    public List<String> tags(ImageLocation location) throws IOException {
        return place(location).tags();
    }

    /** What a location's name points at now, if anything (a {@code HEAD} for registries). */
    public Optional<Descriptor> resolve(ImageLocation location) throws IOException {
        return place(location).resolve();
    }

    private Place place(ImageLocation location) {
        return Place.of(location, registry, store);
    }

    /**
     * Gives an image in the local store another name; no bytes are copied.
     *
     * @param source a name ({@code nginx}), {@code name@digest}, or a manifest digest
     * @param target the new name
     * @return the descriptor both names now point at
     */
    public Descriptor tag(String source, Reference target) throws IOException {
        Descriptor descriptor = findLocal(source);
        store.setName(target, descriptor);
        return descriptor;
    }

    private Descriptor findLocal(String source) throws IOException {
        if (source.startsWith("sha256:") || source.startsWith("sha512:")) {
            return localManifest(Digest.parse(source), source);
        }
        Reference reference = Reference.parse(source);
        if (reference.digest() != null) {
            return localManifest(reference.digest(), source);
        }
        return store.lookup(reference).orElseThrow(() -> new NotFoundException("no such image in the local store: "
                + reference.familiar(), 404, "GET", store.root().toString(), List.of()));
    }

    private Descriptor localManifest(Digest digest, String source) throws IOException {
        if (!Files.isRegularFile(store.blobPath(digest))) {
            throw new NotFoundException("no such image in the local store: " + source, 404, "GET",
                    store.root().toString(), List.of());
        }
        return store.readManifest(digest).descriptor();
    }

    /** Every named image in the local store, in the order they were first stored. */
    public List<LocalImage> images() throws IOException {
        List<LocalImage> images = new ArrayList<>();
        for (Descriptor entry : store.names()) {
            String name = entry.annotations().get(Descriptor.REF_NAME);
            Optional<Reference> reference = Reference.tryParse(name);
            if (reference.isPresent()) {
                images.add(describe(reference.get(), entry));
            }
        }
        return images;
    }

    private LocalImage describe(Reference reference, Descriptor entry) throws IOException {
        ManifestBlob blob = store.readManifest(entry);
        ImageManifest image;
        Digest id;
        if (blob.manifest() instanceof ImageIndex index) {
            Optional<Descriptor> shown = index.select(Platform.host()).filter(store::hasBlob)
                    .or(() -> index.manifests().stream().filter(store::hasBlob).findFirst());
            if (shown.isEmpty()) {
                return new LocalImage(reference, entry, blob.digest(), null, null, 0);
            }
            ManifestBlob child = store.readManifest(shown.get());
            if (!(child.manifest() instanceof ImageManifest m)) {
                return new LocalImage(reference, entry, blob.digest(), null, null, 0);
            }
            image = m;
            id = blob.digest();
        } else {
            image = (ImageManifest) blob.manifest();
            id = image.config().digest();
        }
        ImageConfig imageConfig = readConfig(image);
        long size = image.config().size() + image.layersSize();
        return new LocalImage(reference, entry, id, imageConfig.platform(), imageConfig.created(), size);
    }

    private ImageConfig readConfig(ImageManifest image) throws IOException {
        byte[] bytes = store.readBlob(image.config().digest(), MAX_CONFIG);
        try {
            return Json.MAPPER.readValue(bytes, ImageConfig.class);
        } catch (IOException e) {
            throw new InvalidContentException("image config " + image.config().digest() + " is not valid JSON", e);
        }
    }
}
