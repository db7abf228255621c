package dev.jreg.internal.copy;

import dev.jreg.internal.store.BlobLocations;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * What one copy engine has written to registry repositories, shared by the copies it runs at once
 * (a sync's images): the first repository each blob went to, to mount it into the next one instead
 * of uploading it again, and the blobs being written now, one writer per blob and registry. A copy
 * that needs a blob another is writing into the same registry waits for it, then finds it there or
 * mounts it. Registries do not all survive two uploads of one blob into one repository at once:
 * the distribution registry rewrites the repository's link to the blob in place, and a manifest
 * {@code PUT} that reads it meanwhile is refused as naming an unknown blob.
 *
 * <p>It holds one entry per blob written, not per image. Each blob written (or found there) is
 * also noted in the {@link BlobLocations} of earlier and later runs, which offer a repository of a
 * past run as a mount origin.
 */
final class BlobLedger {
    private final Map<Digest, Reference> writtenTo = new ConcurrentHashMap<>();
    private final Map<String, Writing> writing = new ConcurrentHashMap<>();
    private final BlobLocations past;

    BlobLedger(BlobLocations past) {
        this.past = past;
    }

    /** A blob's write into one repository, or the wait for another copy's. */
    interface Write {
        void run() throws IOException;
    }

    /** A write under way: where, and its outcome. */
    private record Writing(Reference repository, CompletableFuture<Void> done) {
    }

    /**
     * Repositories known to hold the blob, to mount it into {@code target} from: the first one of
     * this run it was written to, then the one of {@code target}'s registry an earlier run wrote
     * it to (unless that is {@code target}'s own, which lacks it, or the first).
     */
    List<Reference> originsOf(Reference target, Digest digest) {
        List<Reference> origins = new ArrayList<>(Optional.ofNullable(writtenTo.get(digest)).stream().toList());
        past.repositoryOf(target.registry(), digest)
                .filter(repository -> !repository.equals(target.repository()))
                .map(repository -> new Reference(target.registry(), repository, target.tag(), target.digest()))
                .filter(origin -> !origins.contains(origin))
                .ifPresent(origins::add);
        return origins;
    }

    /** Keeps the blobs' repositories noted so far for later runs. */
    void save() {
        past.save();
    }

    /**
     * Runs {@code write} once no other copy is writing the same blob into the same registry. When
     * one was, and wrote it into this very repository, returns false without running it; otherwise
     * {@code write} runs after it, with that repository among {@link #originsOf} to mount from.
     *
     * @return true when {@code write} ran
     */
    boolean writeOnce(Reference repository, Digest digest, Write write) throws IOException {
        String key = repository.registry() + "@" + digest;
        while (true) {
            Writing mine = new Writing(repository, new CompletableFuture<>());
            Writing theirs = writing.putIfAbsent(key, mine);
            if (theirs == null) {
                try {
                    write.run();
                    writtenTo.putIfAbsent(digest, repository);
                    past.record(repository.registry(), digest, repository.repository());
                    mine.done().complete(null);
                    return true;
                } catch (IOException | RuntimeException | Error e) {
                    mine.done().completeExceptionally(e);
                    throw e;
                } finally {
                    writing.remove(key, mine);
                }
            }
            try {
                theirs.done().get();
                if (theirs.repository().repository().equals(repository.repository())) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for " + digest);
            } catch (ExecutionException e) {
                // the other copy failed: this one writes the blob itself
            }
        }
    }
}
