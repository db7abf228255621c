package dev.jreg.model;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Descriptor(
        MediaType mediaType,
        Digest digest,
        @JsonInclude(JsonInclude.Include.ALWAYS) long size,
        Platform platform,
        Map<String, String> annotations,
        List<String> urls,
        String artifactType) {

    /** Annotation with which an OCI layout names an image. */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";

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
    }

    /** A plain descriptor. */
    public static Descriptor of(MediaType mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, null, null, null);
    }

    /** The same descriptor with other annotations. */
    public Descriptor withAnnotations(Map<String, String> newAnnotations) {
        return new Descriptor(mediaType, digest, size, platform, newAnnotations, urls, artifactType);
    }

    /** The same descriptor with another platform. */
    public Descriptor withPlatform(Platform newPlatform) {
        return new Descriptor(mediaType, digest, size, newPlatform, annotations, urls, artifactType);
    }
}
