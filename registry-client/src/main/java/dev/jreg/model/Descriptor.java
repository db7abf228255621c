package dev.jreg.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.internal.json.Json;
import java.util.List;
import java.util.Map;

/**
 * An OCI content descriptor: what a blob or manifest is, and how to find and verify it.
 *
 * @param mediaType media type of the referenced content
 * @param digest digest of the referenced bytes
 * @param size exact length of the referenced bytes
 * @param platform platform of a manifest inside an index, or null
 * @param annotations annotations, possibly empty
 * @param urls external locations (foreign layers), possibly empty
 * @param artifactType artifact type, or null
 * @param otherFields the fields of the JSON object this descriptor was read from that it does not
 *     write itself — {@code data} among them —, in document order; {@link #toJson} writes them
 *     back. Empty for a descriptor made in code
 */
public record Descriptor(
        MediaType mediaType,
        Digest digest,
        long size,
        Platform platform,
        Map<String, String> annotations,
        List<String> urls,
        String artifactType,
        ObjectNode otherFields) {

    /** Annotation with which an OCI layout names an image. */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    /**
     * Annotation with which BuildKit marks what a child of an index is; {@code attestation-manifest}
     * for the provenance and SBOM attestations it adds (with platform {@code unknown/unknown}).
     */
    public static final String REFERENCE_TYPE = "vnd.docker.reference.type";
    /** Annotation naming the digest of the image an attestation describes. */
    public static final String REFERENCE_DIGEST = "vnd.docker.reference.digest";

    /** Validates required fields and copies collections. */
    public Descriptor {
        if (mediaType == null) {
            throw new IllegalArgumentException("descriptor without mediaType");
        }
        if (digest == null) {
            throw new IllegalArgumentException("descriptor without digest");
        }
        if (size < 0) {
            throw new IllegalArgumentException("descriptor with negative size " + size);
        }
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        urls = urls == null ? List.of() : List.copyOf(urls);
        otherFields = JsonFields.own(otherFields);
    }

    /** A descriptor without other fields. */
    public Descriptor(MediaType mediaType, Digest digest, long size, Platform platform, Map<String, String> annotations,
            List<String> urls, String artifactType) {
        this(mediaType, digest, size, platform, annotations, urls, artifactType, null);
    }

    /**
     * Reads a descriptor from its JSON object.
     *
     * @throws IllegalArgumentException when a field is missing or of the wrong type
     */
    public static Descriptor fromJson(JsonNode json) {
        JsonFields in = new JsonFields(json, "descriptor");
        String digest = in.text("digest");
        long size = in.integer("size", -1);
        if (size == -1 && !json.hasNonNull("size")) {
            throw new IllegalArgumentException("descriptor without size");
        }
        return new Descriptor(in.mediaType(), digest == null ? null : Digest.parse(digest), size,
                in.object("platform", Platform::fromJson), in.textMap("annotations"), in.texts("urls"),
                in.text("artifactType"), in.otherFields());
    }

    /** This descriptor as a JSON object, as the OCI spec writes it, then its other fields. */
    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("mediaType", mediaType.value());
        json.put("digest", digest.toString());
        json.put("size", size);
        JsonFields.put(json, "platform", platform, Platform::toJson);
        JsonFields.put(json, "annotations", annotations);
        JsonFields.put(json, "urls", urls);
        JsonFields.put(json, "artifactType", artifactType);
        return JsonFields.withOtherFields(json, otherFields);
    }

    /** A copy of the other fields (the record keeps its own). */
    @Override
    public ObjectNode otherFields() {
        return otherFields.deepCopy();
    }

    /** A plain descriptor. */
    public static Descriptor of(MediaType mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, null, null, null);
    }

    /** True for an attestation manifest in an index: it describes another child and runs nowhere. */
    public boolean isAttestation() {
        return "attestation-manifest".equals(annotations.get(REFERENCE_TYPE));
    }

    /** The same descriptor with other annotations; its other fields kept. */
    public Descriptor withAnnotations(Map<String, String> newAnnotations) {
        return new Descriptor(mediaType, digest, size, platform, newAnnotations, urls, artifactType, otherFields);
    }

    /** The same descriptor with another platform; its other fields kept. */
    public Descriptor withPlatform(Platform newPlatform) {
        return new Descriptor(mediaType, digest, size, newPlatform, annotations, urls, artifactType, otherFields);
    }
}
