package dev.jreg.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.json.Json;
import java.util.Arrays;

/**
 * A manifest as bytes: the unit every store reads and writes. The digest is always computed from
 * these exact bytes, so copying never changes it. The parsed view is derived once and validated
 * on construction, so a {@code ManifestBlob} is always a well-formed manifest.
 */
public final class ManifestBlob {
    /** Largest manifest jreg accepts from anywhere (the distribution registry's own limit). */
    public static final int MAX_SIZE = 4 * 1024 * 1024;

    private final byte[] bytes;
    private final MediaType mediaType;
    private final Digest digest;
    private final Manifest manifest;

    private ManifestBlob(byte[] bytes, MediaType mediaType, Digest digest, Manifest manifest) {
        this.bytes = bytes;
        this.mediaType = mediaType;
        this.digest = digest;
        this.manifest = manifest;
    }

    /**
     * Validates and wraps manifest bytes.
     *
     * @param bytes the exact bytes (copied)
     * @param declaredType the {@code Content-Type} or descriptor media type, or null; the
     *     document's own {@code mediaType} field wins when present
     * @throws InvalidContentException when the bytes are not a manifest jreg can use
     */
    public static ManifestBlob of(byte[] bytes, String declaredType) throws InvalidContentException {
        byte[] copy = bytes.clone();
        if (copy.length > MAX_SIZE) {
            throw new InvalidContentException("manifest is " + copy.length + " bytes, over the " + MAX_SIZE + "-byte limit");
        }
        JsonNode root;
        try {
            root = Json.parse(copy);
        } catch (JacksonException e) {
            throw new InvalidContentException("manifest is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new InvalidContentException("manifest is not readable: " + e.getMessage(), e);
        }
        if (!root.isObject()) {
            throw new InvalidContentException("manifest is not a JSON object");
        }
        MediaType type = mediaTypeOf(root, declaredType);
        if (type.isSchema1() || root.path("schemaVersion").asInt() == 1) {
            throw new InvalidContentException("Docker schema 1 manifests are not supported; the registry should be asked for schema 2");
        }
        if (root.path("schemaVersion").asInt(-1) != 2) {
            throw new InvalidContentException("manifest has schemaVersion " + root.path("schemaVersion").asText("none")
                    + ", expected 2");
        }
        if (type.isIndex() && !root.path("manifests").isArray()) {
            throw new InvalidContentException("index has no \"manifests\" array");
        }
        if (!type.isIndex() && !root.path("config").isObject()) {
            throw new InvalidContentException("manifest of type " + type + " has no \"config\" descriptor");
        }
        Manifest manifest;
        try {
            manifest = type.isIndex() ? ImageIndex.fromJson(root) : ImageManifest.fromJson(root);
        } catch (IllegalArgumentException e) {
            throw new InvalidContentException("invalid manifest: " + e.getMessage(), e);
        }
        if (!type.equals(manifest.mediaType())) {
            manifest = withMediaType(manifest, type);
        }
        return new ManifestBlob(copy, type, Digest.sha256(copy), manifest);
    }

    /**
     * Like {@link #of} and checks that the bytes hash to the digest they were fetched by.
     *
     * @throws DigestMismatchException when they do not
     */
    public static ManifestBlob of(byte[] bytes, String declaredType, Digest expected)
            throws InvalidContentException, DigestMismatchException {
        Digest actual = expected.withHash(expected.newHasher().digest(bytes));
        if (!actual.equals(expected)) {
            throw new DigestMismatchException("manifest digest mismatch: expected " + expected + ", got " + actual);
        }
        ManifestBlob blob = of(bytes, declaredType);
        // Named by the digest it was fetched by, which for sha256 is the one it has.
        return new ManifestBlob(blob.bytes, blob.mediaType, expected, blob.manifest);
    }

    /** Serialises a manifest jreg creates itself (never one it copies). */
    public static ManifestBlob create(Manifest manifest) throws InvalidContentException {
        return of(Json.bytes(manifest.toJson()), manifest.mediaType().value());
    }

    private static MediaType mediaTypeOf(JsonNode root, String declaredType) throws InvalidContentException {
        JsonNode field = root.get("mediaType");
        if (field != null && field.isTextual() && !field.asText().isBlank()) {
            return MediaType.of(field.asText());
        }
        if (declaredType != null && !declaredType.isBlank()) {
            MediaType declared = MediaType.of(declaredType);
            if (declared.isIndex() || declared.isImageManifest() || declared.isSchema1()) {
                return declared;
            }
        }
        if (root.has("manifests")) {
            return MediaType.OCI_INDEX;
        }
        if (root.has("config")) {
            return MediaType.OCI_MANIFEST;
        }
        if (root.has("fsLayers")) {
            return MediaType.DOCKER_SCHEMA1;
        }
        throw new InvalidContentException("cannot tell what kind of manifest this is: no mediaType, manifests or config");
    }

    private static Manifest withMediaType(Manifest m, MediaType type) {
        if (m instanceof ImageIndex i) {
            return new ImageIndex(i.schemaVersion(), type, i.artifactType(), i.manifests(), i.subject(), i.annotations(),
                    i.otherFields());
        }
        ImageManifest im = (ImageManifest) m;
        return new ImageManifest(im.schemaVersion(), type, im.artifactType(), im.config(), im.layers(), im.subject(),
                im.annotations(), im.otherFields());
    }

    /** A copy of the exact bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Length of the bytes. */
    public int size() {
        return bytes.length;
    }

    /** The media type. */
    public MediaType mediaType() {
        return mediaType;
    }

    /** Digest of the exact bytes. */
    public Digest digest() {
        return digest;
    }

    /** The parsed view. */
    public Manifest manifest() {
        return manifest;
    }

    /** A descriptor for these bytes. */
    public Descriptor descriptor() {
        return Descriptor.of(mediaType, digest, bytes.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ManifestBlob other && Arrays.equals(bytes, other.bytes) && mediaType.equals(other.mediaType);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }

    @Override
    public String toString() {
        return "ManifestBlob[" + mediaType + ", " + digest + ", " + bytes.length + " bytes]";
    }
}
