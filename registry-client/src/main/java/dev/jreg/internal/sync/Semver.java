package dev.jreg.internal.sync;

import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tag read as a semantic version the way {@code skopeo sync} reads one (Masterminds/semver v3's
 * {@code NewVersion}): an optional {@code v}, one to three numbers ({@code 1}, {@code 1.2} are
 * {@code 1.0.0}, {@code 1.2.0}), an optional {@code -PRERELEASE} and {@code +METADATA}. Ordered
 * as SemVer 2.0.0 §11; metadata does not count.
 *
 * @param major the first number
 * @param minor the second, 0 when absent
 * @param patch the third, 0 when absent
 * @param prerelease the dot-separated identifiers after {@code -}, empty when none
 * @param metadata what follows {@code +}, empty when none
 */
record Semver(long major, long minor, long patch, String prerelease, String metadata) implements Comparable<Semver> {
    private static final Pattern VERSION = Pattern.compile("v?([0-9]+)(\\.[0-9]+)?(\\.[0-9]+)?"
            + "(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?");

    /** The tag as a version, or empty when it is none ({@code latest}, {@code 1.2.3.4}, {@code 1.0-01}). */
    static Optional<Semver> parse(String tag) {
        Matcher m = VERSION.matcher(tag);
        if (!m.matches()) {
            return Optional.empty();
        }
        String prerelease = m.group(5) == null ? "" : m.group(5);
        // SemVer §9: numeric identifiers take no leading zeros.
        for (String identifier : prerelease.split("\\.")) {
            if (identifier.length() > 1 && identifier.startsWith("0") && identifier.chars().allMatch(Character::isDigit)) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(new Semver(Long.parseLong(m.group(1)), number(m.group(2)), number(m.group(3)),
                    prerelease, m.group(8) == null ? "" : m.group(8)));
        } catch (NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    private static long number(String dotted) {
        return dotted == null ? 0 : Long.parseLong(dotted.substring(1));
    }

    @Override
    public int compareTo(Semver other) {
        int core = major != other.major ? Long.compare(major, other.major)
                : minor != other.minor ? Long.compare(minor, other.minor) : Long.compare(patch, other.patch);
        if (core != 0) {
            return core;
        }
        if (prerelease.isEmpty() || other.prerelease.isEmpty()) {
            // A version without a pre-release ranks above one with (§11.3).
            return Boolean.compare(prerelease.isEmpty(), other.prerelease.isEmpty());
        }
        String[] mine = prerelease.split("\\.");
        String[] theirs = other.prerelease.split("\\.");
        for (int i = 0; i < Math.max(mine.length, theirs.length); i++) {
            if (i >= mine.length || i >= theirs.length) {
                return i >= mine.length ? -1 : 1; // the shorter set ranks lower (§11.4.4)
            }
            int part = compareIdentifier(mine[i], theirs[i]);
            if (part != 0) {
                return part;
            }
        }
        return 0;
    }

    /** Numbers by value, below identifiers with letters, which compare in ASCII order (§11.4.1-3). */
    private static int compareIdentifier(String a, String b) {
        boolean numberA = !a.isEmpty() && a.chars().allMatch(Character::isDigit);
        boolean numberB = !b.isEmpty() && b.chars().allMatch(Character::isDigit);
        if (numberA && numberB) {
            return new BigInteger(a).compareTo(new BigInteger(b));
        }
        if (numberA != numberB) {
            return numberA ? -1 : 1;
        }
        return Integer.signum(a.compareTo(b));
    }
}
