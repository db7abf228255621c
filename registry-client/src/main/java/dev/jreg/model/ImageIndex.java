package dev.jreg.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OCI image index or Docker manifest list.
 *
 * @param schemaVersion always 2
 * @param mediaType the index's media type
 * @param artifactType artifact type, or null
 * @param manifests the child manifests
 * @param subject the manifest this one refers to, or null
 * @param annotations annotations, possibly empty
 * @param otherFields the fields of the JSON object this index was read from that it does not write
 *     itself, in document order; {@link #toJson} writes them back. Empty for one made in code
 */
public record ImageIndex(
        int schemaVersion,
        MediaType mediaType,
        String artifactType,
        List<Descriptor> manifests,
        Descriptor subject,
        Map<String, String> annotations,
        ObjectNode otherFields) implements Manifest {

    /** Copies collections. */
    public ImageIndex {
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        otherFields = JsonFields.own(otherFields);
    }

    /** An index without other fields. */
    public ImageIndex(int schemaVersion, MediaType mediaType, String artifactType, List<Descriptor> manifests,
            Descriptor subject, Map<String, String> annotations) {
        this(schemaVersion, mediaType, artifactType, manifests, subject, annotations, null);
    }

    /**
     * Reads an index from its JSON object.
     *
     * @throws IllegalArgumentException when a field is of the wrong type
     */
    public static ImageIndex fromJson(JsonNode json) {
        JsonFields in = new JsonFields(json, "index");
        return new ImageIndex((int) in.integer("schemaVersion", 0), in.mediaType(), in.text("artifactType"),
                in.list("manifests", Descriptor::fromJson), in.object("subject", Descriptor::fromJson),
                in.textMap("annotations"), in.otherFields());
    }

    /** This index as a JSON object: fields in the spec's order, empty ones left out, then its other fields. */
    @Override
    public ObjectNode toJson() {
        return JsonFields.manifest(schemaVersion, mediaType, artifactType, subject, annotations, otherFields,
                json -> JsonFields.putAll(json, "manifests", manifests, Descriptor::toJson));
    }

    /** A copy of the other fields (the record keeps its own). */
    @Override
    public ObjectNode otherFields() {
        return otherFields.deepCopy();
    }

    /**
     * The child whose platform, as this index gives it, serves the requested one best (see
     * {@link Platform#choose}); never an attestation.
     */
    public Optional<Descriptor> select(Platform wanted) {
        return wanted.choose(manifests);
    }
}
