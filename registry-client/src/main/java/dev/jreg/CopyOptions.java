package dev.jreg;

/**
 * How a copy runs.
 *
 * @param platforms which images of an index to copy
 * @param concurrency how many blobs move at once (at least 1)
 * @param listener progress events
 * @param format the manifest format to write; {@link ManifestFormat#KEEP} copies manifests as they are
 * @param referrers copy what refers to the image too (signatures, attestations, SBOMs), registry to
 *     registry: see {@link Jreg#copy}
 */
public record CopyOptions(PlatformSelector platforms, int concurrency, CopyListener listener, ManifestFormat format,
        boolean referrers) {
    /** Blobs moved at once unless told otherwise. */
    public static final int DEFAULT_CONCURRENCY = 4;

    /** Validates. */
    public CopyOptions {
        if (platforms == null) {
            throw new IllegalArgumentException("platforms is required");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
        }
        listener = listener == null ? CopyListener.NONE : listener;
        format = format == null ? ManifestFormat.KEEP : format;
    }

    /** Without referrers. */
    public CopyOptions(PlatformSelector platforms, int concurrency, CopyListener listener, ManifestFormat format) {
        this(platforms, concurrency, listener, format, false);
    }

    /** Manifests copied as they are. */
    public CopyOptions(PlatformSelector platforms, int concurrency, CopyListener listener) {
        this(platforms, concurrency, listener, ManifestFormat.KEEP);
    }

    /** Host platform, default concurrency, no listener, manifests as they are. */
    public static CopyOptions defaults() {
        return new CopyOptions(PlatformSelector.host(), DEFAULT_CONCURRENCY, CopyListener.NONE);
    }

    /** The same options with another platform selection. */
    public CopyOptions withPlatforms(PlatformSelector selector) {
        return new CopyOptions(selector, concurrency, listener, format, referrers);
    }

    /** The same options with another listener. */
    public CopyOptions withListener(CopyListener newListener) {
        return new CopyOptions(platforms, concurrency, newListener, format, referrers);
    }

    /** The same options writing manifests in another format. */
    public CopyOptions withFormat(ManifestFormat newFormat) {
        return new CopyOptions(platforms, concurrency, listener, newFormat, referrers);
    }

    /** The same options copying referrers, or not. */
    public CopyOptions withReferrers(boolean copyReferrers) {
        return new CopyOptions(platforms, concurrency, listener, format, copyReferrers);
    }
}
