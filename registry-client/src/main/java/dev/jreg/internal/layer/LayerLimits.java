package dev.jreg.internal.layer;

import dev.jreg.error.InvalidContentException;
import java.util.Locale;

/**
 * What unpacking a layer may write at most, against decompression bombs: a layer over either
 * limit fails with an error naming the layer and the limit, and what it wrote so far is left for
 * the caller to remove. Flattening (export, squash) is held to the same limits.
 *
 * @param maxBytes the total of file contents written, in bytes, across every layer applied
 * @param maxEntries the number of tar entries read, across every layer applied
 */
public record LayerLimits(long maxBytes, long maxEntries) {
    /** 64 GiB and 10 million entries: above any real image, far below a bomb's reach. */
    public static final LayerLimits DEFAULT = new LayerLimits(64L << 30, 10_000_000);

    /** {@code layer L: the layers' files hold more than 64GiB, the limit of an unpack}. */
    InvalidContentException tooManyBytes(String layer) {
        return new InvalidContentException("layer " + layer + ": the layers' files hold more than " + human(maxBytes)
                + ", the limit of an unpack");
    }

    /** {@code layer L: the layers hold more than 10000000 entries, the limit of an unpack}. */
    InvalidContentException tooManyEntries(String layer) {
        return new InvalidContentException("layer " + layer + ": the layers hold more than " + maxEntries
                + " entries, the limit of an unpack");
    }

    /** Bytes in binary units, as limits are set: {@code 1000B}, {@code 16MiB}, {@code 1.5GiB}. */
    static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        String shown = String.format(Locale.ROOT, "%.1f", value);
        return (shown.endsWith(".0") ? shown.substring(0, shown.length() - 2) : shown) + units[unit];
    }
}
