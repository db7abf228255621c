package dev.jreg.store;

import dev.jreg.model.Descriptor;
import dev.jreg.model.ManifestBlob;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where images are written. The copy engine calls, in this order: {@link #hasBlob} and
 * {@link #putBlob} for every blob (concurrently), {@link #putManifest} for each child manifest,
 * then {@link #commit} once with the top manifest, which names the image.
 */
public interface ImageSink {
    /** True when the sink already holds this blob, complete and verified. */
    boolean hasBlob(Descriptor descriptor) throws IOException;

    /**
     * Stores a blob. The sink must verify size and digest before the blob becomes visible, and
     * leave nothing behind when they do not match.
     *
     * @param in the bytes; the sink reads to the end and closes it
     */
    void putBlob(Descriptor descriptor, InputStream in) throws IOException;

    /** Stores a child manifest, addressed by its digest. */
    void putManifest(ManifestBlob manifest) throws IOException;

    /**
     * Stores the top manifest under the sink's name.
     *
     * @return true when the name now points at different content than before
     */
    boolean commit(ManifestBlob top) throws IOException;

    /** What this sink is, for messages. */
    String describe();
}
