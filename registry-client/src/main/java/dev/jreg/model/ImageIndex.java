package dev.jreg.model;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImageIndex(
        int schemaVersion,
        MediaType mediaType,
        String artifactType,
        List<Descriptor> manifests,
        Descriptor subject,
        Map<String, String> annotations) implements Manifest {

    /** Copies collections. */
    public ImageIndex {
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** The first child whose platform satisfies the requested one. */
    public Optional<Descriptor> select(Platform wanted) {
        return manifests.stream().filter(d -> wanted.matches(d.platform())).findFirst();
    }
}
