package dev.jreg.internal.copy;

import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.store.ImageSource;
import dev.jreg.internal.store.VerifiedCopy;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageConfig;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads from one source what choosing and describing images needs: the children of an index
 * (each fetched once, checked against the size its index gives), their platforms and their
 * configs. A child the index lists without a platform has the platform its config names, as
 * containerd reads it. Thread-safe.
 */
public final class ImageReader {
    /** Largest config read, in bytes. */
    private static final long MAX_CONFIG = 8L * 1024 * 1024;
    /** The annotation with an artifact's creation time (RFC 3339), as ORAS writes it. */
    private static final String CREATED = "org.opencontainers.image.created";

    private final ImageSource source;
    private final Map<Digest, ManifestBlob> children = new ConcurrentHashMap<>();
    private final Map<Digest, ImageConfig> configs = new ConcurrentHashMap<>();

    /** @param source where the manifests and configs are read */
    public ImageReader(ImageSource source) {
        this.source = source;
    }

    /**
     * A child manifest of an index, by digest (verified by the source), fetched once.
     *
     * @throws InvalidContentException when its size is not the one the index gives
     */
    public ManifestBlob child(Descriptor child) throws IOException {
        ManifestBlob blob = children.get(child.digest());
        if (blob == null) {
            blob = source.manifest(child.digest().toString());
            children.put(child.digest(), blob);
        }
        if (blob.size() != child.size()) {
            throw new InvalidContentException("manifest " + child.digest() + " is " + blob.size()
                    + " bytes but its index says " + child.size());
        }
        return blob;
    }

    /**
     * The platform of a child of an index, {@linkplain Platform#normalized() normalised}: the one
     * the index gives, else the one the config of the child image names.
     *
     * @return the platform, or null for a child that names none (an artifact, a nested index, an
     *     image whose config has no os or architecture)
     */
    public Platform platformOf(Descriptor child) throws IOException {
        if (child.platform() != null) {
            return child.platform().normalized();
        }
        return child(child).manifest() instanceof ImageManifest image ? config(image).platform() : null;
    }

    /**
     * The child that serves a platform best, by {@link Platform#rank}. Children the index gives a
     * platform come first, as containerd orders them; only when none of them fits are the
     * children without one read, and the one returned then carries the platform its config
     * names. Attestations are never chosen.
     */
    public Optional<Descriptor> select(List<Descriptor> candidates, Platform wanted) throws IOException {
        Optional<Descriptor> declared = wanted.choose(candidates);
        if (declared.isPresent()) {
            return declared;
        }
        List<Descriptor> resolved = new ArrayList<>();
        for (Descriptor child : candidates) {
            if (child.platform() == null && !child.isAttestation()) {
                resolved.add(child.withPlatform(platformOf(child))); // still none: never chosen
            }
        }
        return wanted.choose(resolved);
    }

    /**
     * What an index offers, for messages after "it has": each child's platform or artifact type,
     * attestations left out; {@code no images, only attestations} or {@code no manifests} when
     * that leaves nothing.
     */
    public String offered(ImageIndex index) throws IOException {
        List<String> offered = new ArrayList<>();
        for (Descriptor child : index.manifests()) {
            if (!child.isAttestation()) {
                offered.add(describe(child));
            }
        }
        return !offered.isEmpty() ? String.join(", ", offered)
                : index.manifests().isEmpty() ? "no manifests" : "no images, only attestations";
    }

    /** A child's platform, else its artifact type, else {@code unknown}. */
    private String describe(Descriptor child) throws IOException {
        Platform platform = platformOf(child);
        if (platform != null) {
            return platform.toString();
        }
        String artifactType = child(child).manifest() instanceof ImageManifest m ? m.effectiveArtifactType() : null;
        return artifactType != null ? artifactType : "unknown";
    }

    /**
     * The exact config bytes of an image or artifact, verified.
     *
     * @throws InvalidContentException when the config is over 8 MiB
     * @throws DigestMismatchException when the bytes are not the ones the manifest names
     */
    public byte[] configBytes(ImageManifest image) throws IOException {
        Descriptor config = image.config();
        if (config.size() > MAX_CONFIG) {
            throw new InvalidContentException("config " + config.digest() + " is " + config.size()
                    + " bytes, over the " + MAX_CONFIG + "-byte limit");
        }
        try (InputStream in = VerifiedCopy.hashed(source.blob(config), config, source.describe(), null)) {
            return in.readAllBytes();
        }
    }

    /**
     * The parsed config of an image, read once. An artifact's config is not an image config and
     * is not read: its view holds only the creation time of its
     * {@code org.opencontainers.image.created} annotation.
     *
     * @throws InvalidContentException when an image's config is not a valid image config
     */
    public ImageConfig config(ImageManifest image) throws IOException {
        if (image.effectiveArtifactType() != null) {
            return new ImageConfig(image.annotations().get(CREATED), null, null, null, null, null, null, null);
        }
        Descriptor descriptor = image.config();
        ImageConfig config = configs.get(descriptor.digest());
        if (config != null) {
            return config;
        }
        byte[] bytes = configBytes(image);
        try {
            config = ImageConfig.fromJson(Json.parse(bytes));
        } catch (IOException e) {
            throw new InvalidContentException("image config " + descriptor.digest() + " is not valid JSON", e);
        } catch (IllegalArgumentException e) {
            throw new InvalidContentException("image config " + descriptor.digest() + " is invalid: " + e.getMessage(), e);
        }
        configs.put(descriptor.digest(), config);
        return config;
    }
}
