package dev.jreg.model;

import java.util.Map;

/** A parsed manifest: an image manifest or an index. Parsed views derive from {@link ManifestBlob}. */
public sealed interface Manifest permits ImageManifest, ImageIndex {
    /** The manifest's media type. */
    MediaType mediaType();

    /** Annotations, possibly empty. */
    Map<String, String> annotations();
}
