package dev.jreg;

import dev.jreg.model.Digest;

/**
 * What {@link Jreg#sync} did with one image, or with a repository it could not list.
 *
 * @param source the source image ({@code REGISTRY/REPOSITORY:TAG} or {@code …@DIGEST}), or the
 *     repository when its tags could not be listed
 * @param destination where it goes, in the same form
 * @param status what happened
 * @param digest the source's manifest digest (an index's for a multi-platform tag), or null when it
 *     could not be read; with the source's {@code platforms}, the digest of what is written from it:
 *     the new index of those platforms, or the one image
 * @param reason why it failed, one line; null unless {@link Status#FAILED}
 * @param blobsCopied blobs transferred
 * @param blobsMounted blobs the destination mounted from another of its repositories
 * @param bytesCopied bytes transferred
 * @param referrersCopied referrers copied (signatures, attestations, SBOMs the destination lacked),
 *     with {@link SyncOptions#includeReferrers()} or the source's {@code include-referrers}; also
 *     for an image {@link Status#UP_TO_DATE}
 */
public record SyncedImage(String source, String destination, Status status, Digest digest, String reason,
        int blobsCopied, int blobsMounted, long bytesCopied, int referrersCopied) {
    /** The outcome for one image. */
    public enum Status {
        /** Copied: the destination tag now names the source's digest. */
        COPIED,
        /** The destination already named the source's digest; the image did not move (referrers it lacked may have). */
        UP_TO_DATE,
        /** A dry run found the destination different or missing. */
        WOULD_COPY,
        /** Not copied: see the reason. */
        FAILED
    }
}
