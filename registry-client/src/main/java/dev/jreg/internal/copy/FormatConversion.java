package dev.jreg.internal.copy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.ManifestFormat;
import dev.jreg.error.UnsupportedConversionException;
import dev.jreg.internal.json.Json;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Converts the manifests a copy writes to OCI or to Docker schema 2, as containers/image does for
 * skopeo's {@code --format}: image manifest, config descriptor and layer descriptors change media
 * type ({@code …docker.image.rootfs.diff.tar.gzip} is {@code …oci.image.layer.v1.tar+gzip}, a
 * foreign layer a non-distributable one), an index becomes a manifest list and back with every
 * child converted. The documents are edited as JSON trees, so every other field survives;
 * configs and layers keep their bytes and digests (skopeo rewrites a Docker config into an OCI
 * one, dropping Docker's extra fields; OCI readers ignore those, and kept bytes keep the image ID).
 * A manifest already of the asked type is left as it is, bytes and digest unchanged.
 *
 * <p>Refused, as containers/image refuses them, towards Docker: zstd-compressed and encrypted
 * layers, artifacts (an {@code artifactType}, or a config that is not an image config), an index
 * nested in an index. Towards either: a layer type of neither family. BuildKit's attestations are
 * left out of a Docker list: they describe an OCI manifest that the list no longer holds.
 */
final class FormatConversion {
    private static final MediaType DOCKER_FOREIGN_LAYER = MediaType.of("application/vnd.docker.image.rootfs.foreign.diff.tar");
    private static final MediaType OCI_FOREIGN_LAYER = MediaType.of("application/vnd.oci.image.layer.nondistributable.v1.tar");
    private static final MediaType OCI_FOREIGN_LAYER_GZIP =
            MediaType.of("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip");
    private static final MediaType OCI_FOREIGN_LAYER_ZSTD =
            MediaType.of("application/vnd.oci.image.layer.nondistributable.v1.tar+zstd");
    /** Docker's layer types and the OCI types they are; the rest of either family has no counterpart. */
    private static final Map<MediaType, MediaType> DOCKER_TO_OCI = Map.of(
            MediaType.DOCKER_LAYER, MediaType.OCI_LAYER,
            MediaType.DOCKER_LAYER_GZIP, MediaType.OCI_LAYER_GZIP,
            DOCKER_FOREIGN_LAYER, OCI_FOREIGN_LAYER,
            MediaType.DOCKER_FOREIGN_LAYER, OCI_FOREIGN_LAYER_GZIP);
    private static final Map<MediaType, MediaType> OCI_TO_DOCKER = DOCKER_TO_OCI.entrySet().stream()
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));

    private final ManifestFormat format;
    private final ImageReader reader;
    private final Map<Digest, ManifestBlob> converted = new HashMap<>();
    private final Map<Digest, ManifestBlob> children = new LinkedHashMap<>();

    /**
     * @param format {@link ManifestFormat#OCI} or {@link ManifestFormat#DOCKER}
     * @param reader the source's children of an index (already fetched by the copy) and their platforms
     */
    FormatConversion(ManifestFormat format, ImageReader reader) {
        this.format = format;
        this.reader = reader;
    }

    /** The child manifests of the last {@link #convert}, converted, children before their index. */
    List<ManifestBlob> children() {
        return List.copyOf(children.values());
    }

    /**
     * The manifest in the asked format: itself when it has that format already (an index: when
     * it and every child have it).
     *
     * @param depth how many indexes hold it: 0 for the top manifest
     * @throws IOException when the asked format cannot hold it
     */
    ManifestBlob convert(ManifestBlob blob, int depth) throws IOException {
        ManifestBlob done = converted.get(blob.digest());
        if (done == null) {
            done = blob.manifest() instanceof ImageIndex ? index(blob, depth) : image(blob);
            converted.put(blob.digest(), done);
        }
        return done;
    }

    private ManifestBlob image(ManifestBlob blob) throws IOException {
        MediaType target = format == ManifestFormat.OCI ? MediaType.OCI_MANIFEST : MediaType.DOCKER_MANIFEST;
        if (blob.mediaType().equals(target)) {
            return blob;
        }
        ImageManifest manifest = (ImageManifest) blob.manifest();
        ObjectNode tree = (ObjectNode) Json.parse(blob.bytes());
        tree.put("mediaType", target.value());
        ((ObjectNode) tree.get("config")).put("mediaType", configType(blob, manifest).value());
        JsonNode layers = tree.get("layers");
        for (int i = 0; i < manifest.layers().size(); i++) {
            ((ObjectNode) layers.get(i)).put("mediaType", layerType(blob, manifest.layers().get(i)).value());
        }
        return ManifestBlob.of(Json.bytes(tree), target.value());
    }

    private MediaType configType(ManifestBlob blob, ImageManifest manifest) throws IOException {
        MediaType type = manifest.config().mediaType();
        if (format == ManifestFormat.OCI) {
            // A Docker manifest with another config (an artifact pushed in Docker's format) keeps it: OCI allows any.
            return type.equals(MediaType.DOCKER_CONFIG) ? MediaType.OCI_CONFIG : type;
        }
        if (manifest.artifactType() != null || !(type.equals(MediaType.OCI_CONFIG) || type.equals(MediaType.DOCKER_CONFIG))) {
            throw refused(blob, "is an artifact (" + (manifest.artifactType() != null ? "artifact type "
                    + manifest.artifactType() : "config " + type) + "), which Docker's image format cannot hold");
        }
        return MediaType.DOCKER_CONFIG;
    }

    private MediaType layerType(ManifestBlob blob, Descriptor layer) throws IOException {
        MediaType type = layer.mediaType();
        Map<MediaType, MediaType> table = format == ManifestFormat.OCI ? DOCKER_TO_OCI : OCI_TO_DOCKER;
        if (table.containsKey(type)) {
            return table.get(type);
        }
        // Already of the asked family; or OCI's own zstd and encrypted layers, kept.
        if (table.containsValue(type)
                || format == ManifestFormat.OCI && type.value().startsWith("application/vnd.oci.image.layer.")) {
            return type;
        }
        if (type.equals(MediaType.OCI_LAYER_ZSTD) || type.equals(OCI_FOREIGN_LAYER_ZSTD)) {
            throw refused(blob, "has a zstd-compressed layer " + layer.digest()
                    + ", which Docker's image format cannot hold");
        }
        throw refused(blob, "has a layer " + layer.digest() + " of type " + type + ", which jreg cannot convert to "
                + name(format));
    }

    private ManifestBlob index(ManifestBlob blob, int depth) throws IOException {
        Copier.checkDepth(depth);
        MediaType target = format == ManifestFormat.OCI ? MediaType.OCI_INDEX : MediaType.DOCKER_LIST;
        List<Descriptor> entries = ((ImageIndex) blob.manifest()).manifests();
        ObjectNode tree = (ObjectNode) Json.parse(blob.bytes());
        ArrayNode kept = Json.array();
        Map<String, String> renamed = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Descriptor entry = entries.get(i);
            ObjectNode node = (ObjectNode) tree.get("manifests").get(i);
            if (format == ManifestFormat.DOCKER && entry.isAttestation()) {
                continue;
            }
            ManifestBlob child = reader.child(entry);
            if (format == ManifestFormat.DOCKER && child.manifest() instanceof ImageIndex) {
                throw refused(blob, "holds an index " + child.digest() + ", which a Docker manifest list cannot hold");
            }
            ManifestBlob now = convert(child, depth + 1);
            children.putIfAbsent(now.digest(), now);
            if (!now.digest().equals(child.digest())) {
                node.setAll(now.descriptor().toJson()); // its media type, digest and size
                renamed.put(child.digest().toString(), now.digest().toString());
            }
            if (format == ManifestFormat.DOCKER && !node.hasNonNull("platform")) {
                // Every entry of a Docker list has a platform: the one the child's config names.
                Platform platform = reader.platformOf(entry);
                if (platform == null) {
                    throw refused(blob, "lists " + child.digest() + " without a platform, and its config names none");
                }
                node.set("platform", platform.toJson());
            }
            kept.add(node);
        }
        // Unchanged when of the asked type with the same entries: none left out, renamed or given a platform.
        if (blob.mediaType().equals(target) && kept.equals(Json.parse(blob.bytes()).get("manifests"))) {
            return blob;
        }
        for (JsonNode node : kept) {
            // An attestation follows the image it describes to that image's new digest.
            String described = node.path("annotations").path(Descriptor.REFERENCE_DIGEST).asText(null);
            if (renamed.containsKey(described)) {
                ((ObjectNode) node.get("annotations")).put(Descriptor.REFERENCE_DIGEST, renamed.get(described));
            }
        }
        tree.put("mediaType", target.value());
        tree.set("manifests", kept);
        return ManifestBlob.of(Json.bytes(tree), target.value());
    }

    private UnsupportedConversionException refused(ManifestBlob blob, String why) {
        return new UnsupportedConversionException(blob.digest(), "cannot convert " + blob.digest() + " to " + name(format)
                + ": it " + why);
    }

    private static String name(ManifestFormat format) {
        return format == ManifestFormat.OCI ? "OCI" : "Docker schema 2";
    }
}
