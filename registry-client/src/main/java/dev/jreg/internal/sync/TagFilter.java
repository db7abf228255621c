package dev.jreg.internal.sync;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A source's {@code tags} key: which of a repository's chosen tags are kept, after the
 * {@code images}, {@code images-by-tag-regex} or {@code images-by-semver} choice. A tag is kept
 * when some {@code allow} expression is found in it (or none is given), no {@code deny} one is,
 * and the {@code semver} constraint takes it; then {@code newest} keeps that many of the highest
 * versions among the kept, tags that are no version going. Digests are kept whatever the filter
 * says. Expressions are found anywhere in the tag, as in {@code images-by-tag-regex}: anchor with
 * {@code ^…$}. Public for the façade; not part of the supported API.
 *
 * @param allow expressions of which one must be found in a tag; empty for any tag
 * @param deny expressions none of which may be found in a tag
 * @param semver the versions to keep, or null for any tag
 * @param newest the most tags to keep, the highest versions; 0 for no limit
 */
public record TagFilter(List<Pattern> allow, List<Pattern> deny, SemverConstraint semver, int newest) {
    /** Keeps every tag. */
    public static final TagFilter NONE = new TagFilter(List.of(), List.of(), null, 0);
    private static final Set<String> KEYS = Set.of("allow", "deny", "semver", "newest");

    /**
     * Reads a {@code tags} mapping.
     *
     * @param at the file and source, for messages
     * @throws IllegalArgumentException naming the key and what is wrong
     */
    static TagFilter read(String at, JsonNode node) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        String where = at + ": tags";
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": expected a mapping of allow, deny, semver, newest");
        }
        for (Map.Entry<String, JsonNode> key : node.properties()) {
            if (!KEYS.contains(key.getKey())) {
                throw new IllegalArgumentException(where + ": unknown key \"" + key.getKey()
                        + "\" (known: allow, deny, newest, semver)");
            }
        }
        SemverConstraint semver = null;
        JsonNode constraint = node.get("semver");
        if (constraint != null && !constraint.isNull()) {
            semver = SyncConfig.constraint(where + ": semver", constraint);
        }
        JsonNode newest = node.get("newest");
        if (newest != null && !newest.isNull() && (!newest.canConvertToInt() || !newest.isIntegralNumber()
                || newest.asInt() < 1)) {
            throw new IllegalArgumentException(where + ": newest: expected a whole number of at least 1");
        }
        return new TagFilter(patterns(where + ": allow", node.get("allow")),
                patterns(where + ": deny", node.get("deny")), semver, newest == null ? 0 : newest.asInt());
    }

    private static List<Pattern> patterns(String where, JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<Pattern> patterns = new ArrayList<>();
        Iterable<JsonNode> expressions = node.isArray() ? node : List.of(node);
        for (JsonNode expression : expressions) {
            if (!expression.isTextual()) {
                throw new IllegalArgumentException(where + ": expected a list of regular expressions");
            }
            patterns.add(SyncConfig.pattern(where, expression.asText()));
        }
        return List.copyOf(patterns);
    }

    /**
     * The tags kept, in the order given.
     *
     * @param refs tags, and digests ({@code ALGORITHM:HEX}), which are all kept
     */
    public List<String> apply(List<String> refs) {
        List<String> kept = new ArrayList<>();
        for (String ref : refs) {
            if (ref.contains(":") || (allow.isEmpty() || allow.stream().anyMatch(p -> p.matcher(ref).find()))
                    && deny.stream().noneMatch(p -> p.matcher(ref).find()) && (semver == null || semver.matches(ref))) {
                kept.add(ref);
            }
        }
        if (newest == 0) {
            return kept;
        }
        // Equal versions (1.2 and v1.2.0) rank by their text, so the choice does not hang on list order.
        Set<String> highest = new HashSet<>(kept.stream().filter(ref -> !ref.contains(":"))
                .filter(ref -> Semver.parse(ref).isPresent())
                .sorted(Comparator.comparing((String ref) -> Semver.parse(ref).orElseThrow()).reversed()
                        .thenComparing(Comparator.naturalOrder()))
                .limit(newest).toList());
        return kept.stream().filter(ref -> ref.contains(":") || highest.contains(ref)).toList();
    }
}
