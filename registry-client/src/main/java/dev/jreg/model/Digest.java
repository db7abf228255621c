package dev.jreg.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest such as {@code sha256:e3b0…}. Only algorithms jreg can verify are accepted.
 *
 * @param algorithm {@code sha256} or {@code sha512}
 * @param hex lowercase hex encoding of the hash
 */
public record Digest(String algorithm, String hex) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    /** Validates the algorithm and the hex length. */
    public Digest {
        int expected = switch (String.valueOf(algorithm)) {
            case "sha256" -> 64;
            case "sha512" -> 128;
            default -> throw new IllegalArgumentException("unsupported digest algorithm: " + algorithm);
        };
        if (hex == null || hex.length() != expected || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("invalid " + algorithm + " digest: expected " + expected
                    + " lowercase hex characters");
        }
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
            throw new IllegalArgumentException("invalid digest format: "
                    + (value.length() > 80 ? value.substring(0, 80) + "…" : value));
        }
        return new Digest(value.substring(0, colon), value.substring(colon + 1));
    }

    /** The SHA-256 digest of the given bytes. */
    public static Digest sha256(byte[] bytes) {
        return new Digest("sha256", HexFormat.of().formatHex(newHasher("sha256").digest(bytes)));
    }

    /** A fresh hasher for this digest's algorithm. */
    public MessageDigest newHasher() {
        return newHasher(algorithm);
    }

    /** Builds a digest of this algorithm from a finished hasher. */
    public Digest withHash(byte[] hash) {
        return new Digest(algorithm, HexFormat.of().formatHex(hash));
    }

    private static MessageDigest newHasher(String algorithm) {
        try {
            return MessageDigest.getInstance("sha256".equals(algorithm) ? "SHA-256" : "SHA-512");
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
}
