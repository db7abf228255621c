package dev.jreg.internal.store;

import dev.jreg.model.Digest;
import java.util.Optional;

/**
 * Where blobs were written in registries, kept across runs: a registry repository known to have
 * held a blob, to mount it from into another repository of that registry instead of uploading it
 * again. Only a hint: a blob deleted there since makes the registry refuse the mount, and the
 * blob is uploaded as it would have been. Safe for concurrent use.
 */
public interface BlobLocations {
    /** Records nothing and knows nothing. */
    BlobLocations NONE = new BlobLocations() {
        @Override
        public Optional<String> repositoryOf(String registry, Digest digest) {
            return Optional.empty();
        }

        @Override
        public void record(String registry, Digest digest, String repository) {
        }

        @Override
        public void save() {
        }
    };

    /**
     * The repository of {@code registry} last known to hold the blob ({@code mirror/app}), or
     * empty.
     */
    Optional<String> repositoryOf(String registry, Digest digest);

    /** Notes that {@code repository} of {@code registry} holds the blob, kept from {@link #save} on. */
    void record(String registry, Digest digest, String repository);

    /** Keeps what was recorded since the last call; a failure to write is no error, only unkept hints. */
    void save();
}
