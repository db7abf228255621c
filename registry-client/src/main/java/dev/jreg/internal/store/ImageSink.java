package dev.jreg.internal.store;

import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Reference;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where images are written. The copy engine calls, in this order: {@link #hasBlob}, then
 * {@link #mountBlob} and {@link #putBlob} for each missing blob (concurrently),
 * {@link #putManifest} for each child manifest, then {@link #commit} once with the top manifest,
 * which names the image.
 */
public interface ImageSink extends Closeable {
    /** True when the sink already holds this blob, complete and verified. */
    boolean hasBlob(Descriptor descriptor) throws IOException;

    /**
     * Tries to obtain a blob without transferring it, e.g. by a cross-repository mount inside one
     * registry. The default does nothing.
     *
     * @param origins repositories known to hold the blob, best first
     * @return the repository the blob was mounted from, or empty when it was not
     */
    default Optional<Reference> mountBlob(Descriptor descriptor, List<Reference> origins) throws IOException {
        return Optional.empty();
    }

    /**
     * The registry repository this sink writes to (its tag or digest meaningless), or empty for a
     * sink that is no registry's: blobs written there can be mounted into its other repositories.
     */
    default Optional<Reference> repository() {
        return Optional.empty();
    }

    /**
     * Stores a blob. The sink (or the registry behind it) verifies size and digest before the blob
     * becomes visible, and leaves nothing behind when they do not match.
     *
     * @param content the bytes; the sink opens, reads to the end and closes them, and may open
     *     them again to retry
     */
    void putBlob(Descriptor descriptor, BlobSource content) throws IOException;

    /** Stores a child manifest, addressed by its digest. */
    void putManifest(ManifestBlob manifest) throws IOException;

    /**
     * Stores the top manifest under the sink's name.
     *
     * @return true when the name now points at different content than before
     */
    boolean commit(ManifestBlob top) throws IOException;

    /**
     * Stores the top manifest under the sink's name, noting the digest the source's reference
     * resolved to when it differs (one platform taken from an index). The default ignores it.
     *
     * @return true when the name now points at different content than before
     */
    default boolean commit(ManifestBlob top, Digest resolved) throws IOException {
        return commit(top);
    }

    /** What this sink is, for messages. */
    String describe();

    /** Releases what the sink held for the copy; called once, after commit or failure. */
    @Override
    default void close() throws IOException {
    }
}
