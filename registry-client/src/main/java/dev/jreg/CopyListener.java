package dev.jreg;

import dev.jreg.model.Descriptor;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Reference;
import java.util.List;

/**
 * Progress of one copy. Called from the copy's worker threads: implementations must be
 * thread-safe. Every method has a no-op default.
 */
public interface CopyListener {
    /** A listener that ignores everything. */
    CopyListener NONE = new CopyListener() {
    };

    /** The reference resolved to this top manifest. */
    default void resolved(ManifestBlob top) {
    }

    /** The layers about to be copied (configs are not listed), in manifest order, without repeats. */
    default void planned(List<Descriptor> layers) {
    }

    /** The sink already held this blob. */
    default void blobSkipped(Descriptor blob) {
    }

    /** The sink obtained this blob from another repository of its registry, without a transfer. */
    default void blobMounted(Descriptor blob, Reference from) {
    }

    /** Transfer of this blob begins. */
    default void blobStarted(Descriptor blob) {
    }

    /** The sink waits for another writer of this blob (another process pulling it into the same store). */
    default void blobWaiting(Descriptor blob) {
    }

    /** Bytes of this blob transferred so far. */
    default void blobProgress(Descriptor blob, long bytesDone) {
    }

    /** This blob is stored and verified. */
    default void blobDone(Descriptor blob) {
    }
}
