package dev.jreg.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** A parsed manifest: an image manifest or an index. Parsed views derive from {@link ManifestBlob}. */
public sealed interface Manifest permits ImageManifest, ImageIndex {
    /** The manifest's media type. */
    MediaType mediaType();

    /** Annotations, possibly empty. */
    Map<String, String> annotations();

    /** The manifest as a JSON object, as jreg writes the manifests it creates. */
    ObjectNode toJson();
}
