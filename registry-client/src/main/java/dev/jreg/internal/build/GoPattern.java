package dev.jreg.internal.build;

import java.util.regex.Pattern;

/**
 * One path element's pattern as Go's {@code filepath.Match} reads it ({@code *} and {@code ?}
 * within the element, {@code [a-z]} and {@code [^a-z]} classes, {@code \} escapes), as a regular
 * expression: what {@code COPY} matches its wildcards with, element by element, and what
 * {@link IgnoreRules} builds its patterns of.
 */
final class GoPattern {
    private final Pattern regex;

    private GoPattern(Pattern regex) {
        this.regex = regex;
    }

    /**
     * Compiles one element's pattern.
     *
     * @throws IllegalArgumentException for a pattern {@code filepath.Match} refuses (an unclosed
     *     {@code [}, a {@code \} at the end)
     */
    static GoPattern compile(String element) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < element.length(); i++) {
            i = translate(element, i, regex);
        }
        return new GoPattern(Pattern.compile(regex.toString()));
    }

    /** Whether the element matches this pattern, whole. */
    boolean matches(String element) {
        return regex.matcher(element).matches();
    }

    /** Whether a character of a pattern is one of {@code filepath.Match}'s own. */
    static boolean isSpecial(char c) {
        return c == '*' || c == '?' || c == '[' || c == '\\';
    }

    /**
     * Appends the regular expression of the pattern's character at {@code at} (with what it takes:
     * a class, an escaped character) and returns the index of the last character taken.
     *
     * @throws IllegalArgumentException where {@code filepath.Match} finds a syntax error
     */
    static int translate(String pattern, int at, StringBuilder regex) {
        char c = pattern.charAt(at);
        switch (c) {
            case '*' -> regex.append("[^/]*");
            case '?' -> regex.append("[^/]");
            case '[' -> {
                return characterClass(pattern, at, regex);
            }
            case '\\' -> {
                if (at + 1 == pattern.length()) {
                    throw badPattern(pattern);
                }
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(at + 1))));
                return at + 1;
            }
            default -> regex.append(Pattern.quote(String.valueOf(c)));
        }
        return at;
    }

    /**
     * A {@code [...]} class of Go's {@code filepath.Match} from {@code start}, appended as a
     * regular expression's; returns the index of its {@code ]}.
     */
    private static int characterClass(String pattern, int start, StringBuilder regex) {
        int i = start + 1;
        boolean negated = i < pattern.length() && pattern.charAt(i) == '^';
        i += negated ? 1 : 0;
        StringBuilder ranges = new StringBuilder();
        for (int count = 0; i >= pattern.length() || pattern.charAt(i) != ']' || count == 0; count++) {
            char low = classCharacter(pattern, i);
            i += pattern.charAt(i) == '\\' ? 2 : 1;
            char high = low;
            if (pattern.charAt(i) == '-') {
                high = classCharacter(pattern, i + 1);
                i += pattern.charAt(i + 1) == '\\' ? 3 : 2;
            }
            // Go's class holds nothing for a range written backwards, where Java's regex fails.
            if (low <= high) {
                ranges.append(String.format("\\x{%x}-\\x{%x}", (int) low, (int) high));
            }
        }
        if (ranges.isEmpty()) {
            regex.append(negated ? "[\\s\\S]" : "(?!)");
        } else {
            regex.append(negated ? "[^" : "[").append(ranges).append(']');
        }
        return i;
    }

    /**
     * The character of a class at {@code at}, escaped or not, which a character must follow.
     *
     * @throws IllegalArgumentException where Go's {@code filepath.Match} finds none
     */
    private static char classCharacter(String pattern, int at) {
        int i = at;
        if (i >= pattern.length() || pattern.charAt(i) == '-' || pattern.charAt(i) == ']') {
            throw badPattern(pattern);
        }
        if (pattern.charAt(i) == '\\') {
            i++;
        }
        if (i + 1 >= pattern.length()) {
            throw badPattern(pattern);
        }
        return pattern.charAt(i);
    }

    private static IllegalArgumentException badPattern(String pattern) {
        return new IllegalArgumentException("bad pattern \"" + pattern + "\": syntax error in pattern (an unclosed"
                + " [ or a \\ at the end)");
    }
}
