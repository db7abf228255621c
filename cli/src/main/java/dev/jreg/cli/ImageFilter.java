package dev.jreg.cli;

import dev.jreg.LocalImage;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * {@code images --filter KEY=VALUE}, as docker reads it: values of one key are alternatives (any
 * may match), different keys must all match, except {@code label}, of which every one must.
 */
final class ImageFilter implements Predicate<LocalImage> {
    private final List<Pattern> references = new ArrayList<>();
    private final List<Predicate<LocalImage>> all = new ArrayList<>();
    private Boolean dangling;

    /**
     * Reads the filters.
     *
     * @param filters {@code reference=PATTERN}, {@code dangling=true|false}, {@code before=IMAGE},
     *     {@code since=IMAGE}, {@code label=KEY} or {@code label=KEY=VALUE}
     * @param created the creation time of a local image, named any way {@code rm} takes it
     * @throws IllegalArgumentException for another key or a malformed value
     */
    ImageFilter(List<String> filters, Function<String, String> created) {
        for (String filter : filters) {
            int eq = filter.indexOf('=');
            String key = eq < 0 ? filter : filter.substring(0, eq);
            String value = eq < 0 ? "" : filter.substring(eq + 1);
            switch (key) {
                case "reference" -> references.add(glob(value));
                case "dangling" -> dangling = bool(value);
                case "before", "since" -> {
                    Instant limit = instant(created.apply(value), value);
                    boolean before = key.equals("before");
                    all.add(image -> before ? instant(image.created()).isBefore(limit)
                            : instant(image.created()).isAfter(limit));
                }
                case "label" -> {
                    int inner = value.indexOf('=');
                    all.add(inner < 0 ? image -> image.labels().containsKey(value)
                            : image -> value.substring(inner + 1).equals(image.labels().get(value.substring(0, inner))));
                }
                default -> throw new IllegalArgumentException("invalid filter '" + key
                        + "' (images filters: reference, dangling, before, since, label)");
            }
        }
    }

    @Override
    public boolean test(LocalImage image) {
        // An image without a name matches no reference, and is dangling, as in docker.
        String familiar = image.reference() == null ? null : image.reference().familiarName();
        String named = familiar == null ? null
                : familiar + (image.reference().tag() != null ? ":" + image.reference().tag() : "@" + image.digest());
        // docker's FamiliarMatch: the pattern against NAME:TAG, then against NAME alone.
        return (references.isEmpty() || named != null && references.stream().anyMatch(p -> p.matcher(named).matches()
                        || p.matcher(familiar).matches()))
                && (dangling == null || dangling == (named == null || image.reference().tag() == null))
                && all.stream().allMatch(p -> p.test(image));
    }

    private static boolean bool(String value) {
        return switch (value) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new IllegalArgumentException("invalid filter 'dangling=" + value + "': true or false");
        };
    }

    private static Instant instant(String created) {
        try {
            return created == null ? Instant.EPOCH : Instant.parse(created);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    private static Instant instant(String created, String image) {
        if (created == null) {
            throw new IllegalArgumentException("image " + image + " has no creation time to compare with");
        }
        return instant(created);
    }

    /**
     * Go's {@code path.Match} pattern as a regular expression: {@code *} any run of characters but
     * {@code /}, {@code ?} one of them, {@code [...]} a class ({@code [^...]} its complement),
     * {@code \} quoting the next character.
     */
    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> regex.append("[^/]*");
                case '?' -> regex.append("[^/]");
                case '\\' -> regex.append(Pattern.quote(String.valueOf(i + 1 < pattern.length() ? pattern.charAt(++i) : c)));
                case '[' -> {
                    int end = pattern.indexOf(']', i + 2);
                    if (end < 0) {
                        throw new IllegalArgumentException("invalid filter 'reference=" + pattern + "': unclosed [");
                    }
                    String set = pattern.substring(i + 1, end);
                    boolean negated = set.startsWith("^");
                    regex.append('[').append(negated ? "^" : "")
                            .append(set.substring(negated ? 1 : 0).replace("\\", "\\\\").replace("[", "\\["))
                            .append(']');
                    i = end;
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
