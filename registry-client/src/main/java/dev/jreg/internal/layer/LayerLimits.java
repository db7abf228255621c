package dev.jreg.internal.layer;

/**
 * What unpacking a layer may write at most, against decompression bombs: a layer over either
 * limit fails with an error naming the limit, and what it wrote so far is left for the caller to
 * remove.
 *
 * @param maxBytes the total of file contents written, in bytes, across every layer applied
 * @param maxEntries the number of tar entries read, across every layer applied
 */
public record LayerLimits(long maxBytes, long maxEntries) {
    /** 64 GiB and 10 million entries: above any real image, far below a bomb's reach. */
    public static final LayerLimits DEFAULT = new LayerLimits(64L << 30, 10_000_000);
}
