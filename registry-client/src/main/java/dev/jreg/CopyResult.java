package dev.jreg;

import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;

/**
 * What a copy did.
 *
 * @param sourceDigest digest of what the reference resolved to at the source (an index for a
 *     multi-platform tag, as {@code docker pull} prints it)
 * @param top the manifest now named at the sink: the source's top manifest, a chosen platform's
 *     manifest, or a new index of the chosen platforms — converted when the options asked for
 *     another {@link ManifestFormat}
 * @param blobsCopied blobs transferred
 * @param blobsMounted blobs the sink mounted from another repository instead
 * @param blobsSkipped blobs the sink already had
 * @param bytesCopied bytes transferred
 * @param changed true when the sink's name now points at other content than before
 * @param convertedFrom the digest {@code top} would have had without conversion, or null when
 *     nothing was converted (no format asked, or the image already had it)
 * @param referrersCopied referrers copied with the image ({@link CopyOptions#referrers()}); 0 without
 */
public record CopyResult(Digest sourceDigest, ManifestBlob top, int blobsCopied, int blobsMounted, int blobsSkipped,
        long bytesCopied, boolean changed, Digest convertedFrom, int referrersCopied) {
    /** Without referrers. */
    public CopyResult(Digest sourceDigest, ManifestBlob top, int blobsCopied, int blobsMounted, int blobsSkipped,
            long bytesCopied, boolean changed, Digest convertedFrom) {
        this(sourceDigest, top, blobsCopied, blobsMounted, blobsSkipped, bytesCopied, changed, convertedFrom, 0);
    }

    /** The same result with this many referrers copied. */
    public CopyResult withReferrersCopied(int referrers) {
        return new CopyResult(sourceDigest, top, blobsCopied, blobsMounted, blobsSkipped, bytesCopied, changed,
                convertedFrom, referrers);
    }

    /** True when nothing was transferred and the name already pointed here. */
    public boolean upToDate() {
        return blobsCopied == 0 && blobsMounted == 0 && !changed && referrersCopied == 0;
    }

    /** True when the manifests were converted to another format, so {@code top} has a new digest. */
    public boolean converted() {
        return convertedFrom != null;
    }
}
