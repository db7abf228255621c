package dev.jreg.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * A content digest such as {@code sha256:e3b0…}. Only algorithms jreg can verify are accepted.
 *
 * @param algorithm {@code sha256} or {@code sha512}
 * @param hex lowercase hex encoding of the hash
 */
public record Digest(String algorithm, String hex) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
    private static final AtomicBoolean WARMED_UP = new AtomicBoolean();
    /**
     * Small updates, and enough of them for the JIT's top tier to compile the update method itself:
     * only then does it use the multi-block SHA intrinsic (a compiled inner loop alone gets the
     * slower one-block intrinsic).
     */
    private static final int WARM_UP_UPDATES = 8000;
    /**
     * Lengths that leave part of a block over, one shorter than a block and an empty one, and a
     * finished hash now and then, so that every branch of the update method has been taken before
     * it is compiled. Compiled code meets a branch it never saw taken (a blob's last bytes) by going
     * back to the interpreter, and a download calls update too seldom (once per 256 KB) for it to be
     * compiled again: the rest of the pull would hash at the one-block intrinsic's speed.
     */
    static final int[] WARM_UP_LENGTHS = {1024, 1024, 1000, 1024, 40, 0};
    private static final int WARM_UP_DIGEST_EVERY = 1000;

    /** Validates the algorithm and the hex length. */
    public Digest {
        int expected = hexLength(algorithm);
        if (hex == null || hex.length() != expected || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("invalid " + algorithm + " digest: expected " + expected
                    + " lowercase hex characters");
        }
    }

    private static int hexLength(String algorithm) {
        if ("sha256".equals(algorithm)) {
            return 64;
        }
        if ("sha512".equals(algorithm)) {
            return 128;
        }
        throw new IllegalArgumentException("unsupported digest algorithm: " + algorithm);
    }

    /**
     * Parses {@code algorithm:hex}.
     *
     * @throws IllegalArgumentException with a message that says what is wrong
     */
    public static Digest parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("invalid digest: missing");
        }
        int colon = value.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("invalid digest format: " + abbreviate(value));
        }
        return new Digest(value.substring(0, colon), value.substring(colon + 1));
    }

    /** The SHA-256 digest of the given bytes. */
    public static Digest sha256(byte[] bytes) {
        return new Digest("sha256", HexFormat.of().formatHex(newSha256().digest(bytes)));
    }

    /**
     * Hashes a few MB of throw-away bytes on a daemon thread, once per JVM, so that the JIT has
     * compiled SHA-256 down to the CPU's SHA instructions before the first large blob arrives. A
     * short-lived process otherwise hashes its first tens of MB several times slower, while its
     * compiler threads are busy with start-up code. For commands about to move many bytes.
     */
    public static void warmUpHashing() {
        if (!WARMED_UP.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(Digest::hashThrowAwayBytes, "jreg-hash-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** The warm-up's work; returns how many bytes it hashed. */
    static long hashThrowAwayBytes() {
        MessageDigest hasher = newSha256();
        byte[] chunk = new byte[Arrays.stream(WARM_UP_LENGTHS).max().orElseThrow()];
        long hashed = 0;
        for (int i = 1; i <= WARM_UP_UPDATES; i++) {
            int length = WARM_UP_LENGTHS[i % WARM_UP_LENGTHS.length];
            hasher.update(chunk, 0, length);
            hashed += length;
            if (i % WARM_UP_DIGEST_EVERY == 0) {
                hasher.digest();
            }
        }
        return hashed;
    }

    /** A fresh hasher for this digest's algorithm. */
    public MessageDigest newHasher() {
        try {
            return MessageDigest.getInstance("sha256".equals(algorithm) ? "SHA-256" : "SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds a digest of this algorithm from a finished hasher. */
    public Digest withHash(byte[] hash) {
        return new Digest(algorithm, HexFormat.of().formatHex(hash));
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // Written out for the reason MediaType gives.
    @Override
    public boolean equals(Object other) {
        return other instanceof Digest d && algorithm.equals(d.algorithm) && hex.equals(d.hex);
    }

    @Override
    public int hashCode() {
        return 31 * algorithm.hashCode() + hex.hashCode();
    }

    /** The first 12 hex characters, as docker shows image and layer IDs. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
