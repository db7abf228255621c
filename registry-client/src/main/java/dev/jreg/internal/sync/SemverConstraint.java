package dev.jreg.internal.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version constraint in the grammar of Masterminds/semver v3, which {@code skopeo sync}'s
 * {@code images-by-semver} takes: comparisons ({@code =}, {@code !=}, {@code >}, {@code <},
 * {@code >=}, {@code <=}, also written {@code =>}, {@code =<}) joined by spaces or {@code ,} (and)
 * and {@code ||} (or); {@code ~1.2} (at least 1.2.0, below 1.3.0), {@code ^1.2} (below 2.0.0; for
 * 0.x below the next minor); {@code x}, {@code X} or {@code *} for a part left open, a part left
 * out being open too; hyphen ranges {@code 1.2 - 1.4.5} (both ends included); an optional
 * {@code v} before a version. A pre-release version matches only an and-group in which some
 * constraint names a pre-release, as in that library. The regular expressions and the checks are
 * that library's, so a constraint means what it means to skopeo. Public for the façade; not part
 * of the supported API.
 */
public final class SemverConstraint {
    private static final String VERSION = "v?([0-9xX*]+)(\\.[0-9xX*]+)?(\\.[0-9xX*]+)?"
            + "(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?";
    // The empty alternative is the library's: no operator is "=" (or "~" with a wildcard).
    private static final String OPERATORS = "=||!=|>|<|>=|=>|<=|=<|~|~>|\\^";
    private static final Pattern ONE = Pattern.compile("^\\s*(" + OPERATORS + ")\\s*(" + VERSION + ")\\s*$");
    private static final Pattern RANGE = Pattern.compile("\\s*(" + VERSION + ")\\s+-\\s+(" + VERSION + ")\\s*");
    private static final Pattern FIND = Pattern.compile("(" + OPERATORS + ")\\s*(" + VERSION + ")");
    private static final Pattern GROUP = Pattern.compile("^(\\s*(" + OPERATORS + ")\\s*(" + VERSION + ")\\s*)((?:\\s+|,\\s*)("
            + OPERATORS + ")\\s*(" + VERSION + ")\\s*)*$");
    private static final Map<String, String> SPELLINGS = Map.of("", "=", "=>", ">=", "=<", "<=", "~>", "~");

    private final String text;
    private final List<List<Comparison>> groups;

    /**
     * One comparison: its operator ({@code =}, {@code !=}, {@code >}, {@code <}, {@code >=},
     * {@code <=}, {@code ~} or {@code ^}), the version with open parts as 0, and which parts were
     * open: from the major on ({@code dirty} alone), from the minor on, or the patch only.
     */
    private record Comparison(String operator, Semver version, boolean dirty, boolean minorDirty, boolean patchDirty) {
    }

    private SemverConstraint(String text, List<List<Comparison>> groups) {
        this.text = text;
        this.groups = groups;
    }

    /**
     * Reads a constraint.
     *
     * @throws IllegalArgumentException saying which part is not a constraint
     */
    public static SemverConstraint parse(String constraint) {
        String rewritten = constraint;
        Matcher range = RANGE.matcher(constraint);
        while (range.find()) {
            rewritten = rewritten.replaceFirst(Pattern.quote(range.group()),
                    Matcher.quoteReplacement(">= " + range.group(1) + ", <= " + range.group(11)));
        }
        List<List<Comparison>> groups = new ArrayList<>();
        for (String group : rewritten.split("\\|\\|", -1)) {
            if (!GROUP.matcher(group).matches()) {
                throw new IllegalArgumentException("not a semver constraint: \"" + group.strip() + "\"");
            }
            List<Comparison> comparisons = new ArrayList<>();
            Matcher found = FIND.matcher(group);
            while (found.find()) {
                comparisons.add(comparison(found.group()));
            }
            groups.add(List.copyOf(comparisons));
        }
        return new SemverConstraint(constraint, List.copyOf(groups));
    }

    private static Comparison comparison(String text) {
        Matcher m = ONE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a semver constraint: \"" + text.strip() + "\"");
        }
        String pre = m.group(6) == null ? "" : m.group(6);
        String version = m.group(2);
        boolean dirty = true;
        boolean minorDirty = false;
        boolean patchDirty = false;
        if (open(m.group(3))) {
            version = "0.0.0" + pre;
        } else if (open(m.group(4))) {
            minorDirty = true;
            version = m.group(3) + ".0.0" + pre;
        } else if (open(m.group(5))) {
            patchDirty = true;
            version = m.group(3) + m.group(4) + ".0" + pre;
        } else {
            dirty = false;
        }
        Semver parsed = Semver.parse(version)
                .orElseThrow(() -> new IllegalArgumentException("not a semver constraint: \"" + text.strip() + "\""));
        return new Comparison(SPELLINGS.getOrDefault(m.group(1), m.group(1)), parsed, dirty, minorDirty, patchDirty);
    }

    /** Whether a version part ({@code 1}, {@code .2}, or null when left out) is open. */
    private static boolean open(String part) {
        if (part == null) {
            return true;
        }
        String bare = part.startsWith(".") ? part.substring(1) : part;
        return bare.equals("x") || bare.equals("X") || bare.equals("*");
    }

    /** Whether the tag is a version (as {@link Semver#parse} reads it) this constraint takes. */
    public boolean matches(String tag) {
        return Semver.parse(tag).filter(this::matches).isPresent();
    }

    boolean matches(Semver version) {
        for (List<Comparison> group : groups) {
            boolean prereleases = group.stream().anyMatch(c -> !c.version().prerelease().isEmpty());
            if (!version.prerelease().isEmpty() && !prereleases) {
                continue;
            }
            if (group.stream().allMatch(c -> check(c, version))) {
                return true;
            }
        }
        return false;
    }

    private static boolean check(Comparison c, Semver v) {
        Semver con = c.version();
        return switch (c.operator()) {
            case "=" -> c.dirty() ? tilde(c, v) : v.compareTo(con) == 0;
            case "!=" -> notEqual(c, v);
            case ">" -> greater(c, v);
            case "<" -> v.compareTo(con) < 0;
            case ">=" -> v.compareTo(con) >= 0;
            case "<=" -> !c.dirty() ? v.compareTo(con) <= 0
                    : v.major() < con.major() || v.major() == con.major()
                            && (v.minor() <= con.minor() || c.minorDirty());
            case "~" -> tilde(c, v);
            case "^" -> caret(c, v);
            default -> throw new IllegalStateException(c.operator());
        };
    }

    private static boolean notEqual(Comparison c, Semver v) {
        Semver con = c.version();
        if (c.dirty()) {
            if (con.major() != v.major()) {
                return true;
            }
            if (c.minorDirty()) {
                return false;
            }
            if (con.minor() != v.minor()) {
                return true;
            }
            if (!c.patchDirty()) {
                return con.patch() != v.patch() || v.compareTo(con) != 0;
            }
            return (!v.prerelease().isEmpty() || !con.prerelease().isEmpty())
                    && !v.prerelease().equals(con.prerelease());
        }
        return v.compareTo(con) != 0;
    }

    /** {@code >1.2.3}; with open parts the next one up: {@code >1} from 2.0.0, {@code >1.2} from 1.3.0. */
    private static boolean greater(Comparison c, Semver v) {
        Semver con = c.version();
        if (!c.dirty() || v.major() == con.major() && !c.minorDirty() && !c.patchDirty()) {
            return v.compareTo(con) > 0;
        }
        if (v.major() != con.major()) {
            return v.major() > con.major();
        }
        return c.patchDirty() && v.minor() > con.minor();
    }

    /** {@code ~1.2.3}: at least that, same major and minor; {@code ~1}: same major; {@code ~0.0.0}: any. */
    private static boolean tilde(Comparison c, Semver v) {
        Semver con = c.version();
        if (v.compareTo(con) < 0) {
            return false;
        }
        if (con.major() == 0 && con.minor() == 0 && con.patch() == 0 && !c.minorDirty() && !c.patchDirty()) {
            return true;
        }
        return v.major() == con.major() && (v.minor() == con.minor() || c.minorDirty());
    }

    /** {@code ^1.2.3}: at least that, same major; with major 0 the minor stays, with 0.0 the patch. */
    private static boolean caret(Comparison c, Semver v) {
        Semver con = c.version();
        if (v.compareTo(con) < 0) {
            return false;
        }
        if (con.major() > 0 || c.minorDirty()) {
            return v.major() == con.major();
        }
        if (v.major() > 0) {
            return false;
        }
        if (con.minor() > 0 || c.patchDirty()) {
            return v.minor() == con.minor();
        }
        return v.minor() == 0 && v.patch() == con.patch();
    }

    @Override
    public String toString() {
        return text;
    }
}
