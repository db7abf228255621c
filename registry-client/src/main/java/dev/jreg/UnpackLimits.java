package dev.jreg;

/**
 * What the layers of one image may hold at most when {@link Jreg#unpack} applies them or
 * {@link Jreg#export} and {@link Jreg#squash} flatten them, against decompression bombs: an image
 * over either limit fails at the first entry past it, with an {@code InvalidContentException}
 * naming the layer and the limit ({@code layer sha256:…: the layers' files hold more than 64GiB,
 * the limit of an unpack}), before that entry's content is written or read.
 *
 * @param maxBytes the sizes of every file of every layer added up (files a later layer deletes or
 *     replaces too), in bytes; at least 1
 * @param maxEntries the tar entries of every layer, counted together; at least 1
 */
public record UnpackLimits(long maxBytes, long maxEntries) {
    /** 64 GiB and 10 million entries: above any real image, far below a bomb's reach. */
    public static final UnpackLimits DEFAULT = new UnpackLimits(64L << 30, 10_000_000);

    /** Validates. */
    public UnpackLimits {
        if (maxBytes < 1 || maxEntries < 1) {
            throw new IllegalArgumentException("unpack limits must be at least 1, not " + maxBytes + " bytes and "
                    + maxEntries + " entries");
        }
    }
}
