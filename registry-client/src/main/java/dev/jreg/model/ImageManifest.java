package dev.jreg.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An OCI image manifest or Docker v2 schema 2 manifest.
 *
 * @param schemaVersion always 2
 * @param mediaType the manifest's media type
 * @param artifactType artifact type, or null
 * @param config the config blob
 * @param layers the layer blobs, base first
 * @param subject the manifest this one refers to, or null
 * @param annotations annotations, possibly empty
 * @param otherFields the fields of the JSON object this manifest was read from that it does not write
 *     itself, in document order; {@link #toJson} writes them back. Empty for one made in code
 */
public record ImageManifest(
        int schemaVersion,
        MediaType mediaType,
        String artifactType,
        Descriptor config,
        List<Descriptor> layers,
        Descriptor subject,
        Map<String, String> annotations,
        ObjectNode otherFields) implements Manifest {

    /** Validates and copies collections. */
    public ImageManifest {
        if (config == null) {
            throw new IllegalArgumentException("image manifest without config");
        }
        layers = layers == null ? List.of() : List.copyOf(layers);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        otherFields = JsonFields.own(otherFields);
    }

    /** An image manifest without other fields. */
    public ImageManifest(int schemaVersion, MediaType mediaType, String artifactType, Descriptor config,
            List<Descriptor> layers, Descriptor subject, Map<String, String> annotations) {
        this(schemaVersion, mediaType, artifactType, config, layers, subject, annotations, null);
    }

    /**
     * Reads a manifest from its JSON object.
     *
     * @throws IllegalArgumentException when a field is missing or of the wrong type
     */
    public static ImageManifest fromJson(JsonNode json) {
        JsonFields in = new JsonFields(json, "manifest");
        return new ImageManifest((int) in.integer("schemaVersion", 0), in.mediaType(), in.text("artifactType"),
                in.object("config", Descriptor::fromJson), in.list("layers", Descriptor::fromJson),
                in.object("subject", Descriptor::fromJson), in.textMap("annotations"), in.otherFields());
    }

    /** This manifest as a JSON object: fields in the spec's order, empty ones left out, then its other fields. */
    @Override
    public ObjectNode toJson() {
        return JsonFields.manifest(schemaVersion, mediaType, artifactType, subject, annotations, otherFields, json -> {
            json.set("config", config.toJson());
            JsonFields.putAll(json, "layers", layers, Descriptor::toJson);
        });
    }

    /** A copy of the other fields (the record keeps its own). */
    @Override
    public ObjectNode otherFields() {
        return otherFields.deepCopy();
    }

    /**
     * What this manifest holds when it is an artifact rather than a container image, as the image
     * spec tells them apart: its {@code artifactType}, else the config's media type when that is
     * not an image config (a Helm chart's {@code application/vnd.cncf.helm.config.v1+json}).
     *
     * @return the artifact type, or null for a container image
     */
    public String effectiveArtifactType() {
        if (artifactType != null && !artifactType.isEmpty()) {
            return artifactType;
        }
        MediaType configType = config.mediaType();
        return configType.equals(MediaType.OCI_CONFIG) || configType.equals(MediaType.DOCKER_CONFIG) ? null
                : configType.value();
    }

    /** The config followed by the layers: every blob this manifest needs. */
    public List<Descriptor> blobs() {
        return Stream.concat(Stream.of(config), layers.stream()).toList();
    }

    /** Sum of the layers' compressed sizes. */
    public long layersSize() {
        return layers.stream().mapToLong(Descriptor::size).sum();
    }
}
