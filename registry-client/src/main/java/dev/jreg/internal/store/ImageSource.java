package dev.jreg.internal.store;

import dev.jreg.model.Descriptor;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Where images are read from: a registry repository, an OCI layout, an archive. */
public interface ImageSource {
    /**
     * Fetches a manifest.
     *
     * @param tagOrDigest a tag, or a digest whose bytes are verified before returning
     */
    ManifestBlob manifest(String tagOrDigest) throws IOException;

    /**
     * Opens a blob's bytes. The stream is not verified here: every sink verifies what it keeps,
     * so the bytes are hashed once, where they are written.
     */
    InputStream blob(Descriptor descriptor) throws IOException;

    /**
     * Opens a blob from an offset, to resume a broken or interrupted transfer. A source that
     * cannot start there starts over and says so with offset 0. The default starts over.
     */
    default BlobRange blobFrom(Descriptor descriptor, long offset) throws IOException {
        return new BlobRange(blob(descriptor), 0);
    }

    /** What this source is, for messages (e.g. {@code docker.io/library/nginx}). */
    String describe();

    /**
     * How many times a blob may be asked for when the sink rejects its bytes: more than one for a
     * source with alternatives (registry mirrors), each call to {@link #blob} trying the next.
     */
    default int attemptsPerBlob() {
        return 1;
    }

    /**
     * Registry repositories known to hold this blob, so a registry sink can mount it instead of
     * uploading: the source repository itself for a registry source, the repositories images
     * were pulled from for the local store. The default knows none.
     */
    default List<Reference> originsOf(Descriptor descriptor) throws IOException {
        return List.of();
    }
}
