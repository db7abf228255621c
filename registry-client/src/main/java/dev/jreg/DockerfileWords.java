package dev.jreg;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The words of a Dockerfile instruction as the builder reads them (Dockerfile reference,
 * "Environment replacement"): split on white space outside quotes, then each word's quotes and
 * backslash escapes resolved and its variables replaced — {@code $NAME}, {@code ${NAME}},
 * {@code ${NAME:-word}}, {@code ${NAME-word}}, {@code ${NAME:+word}}, {@code ${NAME+word}},
 * {@code ${NAME:?message}}, {@code ${NAME?message}}; inside single quotes nothing is replaced, and
 * an unset variable is empty.
 */
final class DockerfileWords {
    private DockerfileWords() {
    }

    /**
     * The words of a text, split at white space outside quotes; each keeps its quotes and escapes
     * for {@link #expand}.
     *
     * @throws IllegalArgumentException when a quote is not closed
     */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == 0 && Character.isWhitespace(c)) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
                continue;
            }
            word.append(c);
            if (c == '\\' && quote != '\'' && i + 1 < text.length()) {
                word.append(text.charAt(++i));
            } else if (c == quote) {
                quote = 0;
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unmatched " + quote + " in " + text);
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }

    /**
     * A word with its quotes and escapes resolved and its variables replaced.
     *
     * @param env a variable's value, or null when it is not set
     * @throws IllegalArgumentException when a quote or brace is not closed, a variable name is
     *     malformed, or {@code ${NAME?message}} names an unset variable
     */
    static String expand(String word, UnaryOperator<String> env) {
        return new Expansion(word, env).all();
    }

    /** One pass over a word. */
    private static final class Expansion {
        private final String word;
        private final UnaryOperator<String> env;
        private int at;

        Expansion(String word, UnaryOperator<String> env) {
            this.word = word;
            this.env = env;
        }

        String all() {
            StringBuilder out = new StringBuilder();
            while (at < word.length()) {
                char c = word.charAt(at++);
                switch (c) {
                    case '\'' -> {
                        int end = word.indexOf('\'', at);
                        if (end < 0) {
                            throw new IllegalArgumentException("unmatched ' in " + word);
                        }
                        out.append(word, at, end);
                        at = end + 1;
                    }
                    case '"' -> doubleQuoted(out);
                    case '\\' -> out.append(at < word.length() ? word.charAt(at++) : '\\');
                    case '$' -> out.append(variable());
                    default -> out.append(c);
                }
            }
            return out.toString();
        }

        /** Up to the closing quote: variables replaced, a backslash escaping only {@code "}, {@code $} and itself. */
        private void doubleQuoted(StringBuilder out) {
            while (at < word.length() && word.charAt(at) != '"') {
                char c = word.charAt(at++);
                if (c == '\\' && at < word.length() && "\"$\\".indexOf(word.charAt(at)) >= 0) {
                    out.append(word.charAt(at++));
                } else if (c == '$') {
                    out.append(variable());
                } else {
                    out.append(c);
                }
            }
            if (at >= word.length()) {
                throw new IllegalArgumentException("unmatched \" in " + word);
            }
            at++;
        }

        /** The value of the variable after a {@code $}; a lone {@code $} stands for itself. */
        private String variable() {
            if (at < word.length() && word.charAt(at) == '{') {
                at++;
                return braced();
            }
            String name = name();
            return name.isEmpty() ? "$" : valueOf(name);
        }

        private String name() {
            int start = at;
            while (at < word.length() && (Character.isLetterOrDigit(word.charAt(at)) || word.charAt(at) == '_')) {
                at++;
            }
            return word.substring(start, at);
        }

        private String braced() {
            String name = name();
            int close = closingBrace();
            String modifier = word.substring(at, close);
            at = close + 1;
            if (name.isEmpty() || !modifier.isEmpty() && !modifier.matches(":?[-+?][\\s\\S]*")) {
                throw new IllegalArgumentException("bad substitution ${" + name + modifier + "} in " + word);
            }
            String value = env.apply(name);
            if (modifier.isEmpty()) {
                return value == null ? "" : value;
            }
            boolean colon = modifier.charAt(0) == ':';
            char op = modifier.charAt(colon ? 1 : 0);
            String operand = modifier.substring(colon ? 2 : 1);
            // With a colon, an empty value counts as unset.
            boolean set = value != null && !(colon && value.isEmpty());
            return switch (op) {
                case '-' -> set ? value : expand(operand, env);
                case '+' -> set ? expand(operand, env) : "";
                default -> {
                    if (!set) {
                        throw new IllegalArgumentException(name + ": " + (operand.isEmpty() ? "is not set"
                                : expand(operand, env)));
                    }
                    yield value;
                }
            };
        }

        /** Where the braces opened before {@link #at} close, braces nested in between counted. */
        private int closingBrace() {
            int depth = 1;
            for (int i = at; i < word.length(); i++) {
                char c = word.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '{') {
                    depth++;
                } else if (c == '}' && --depth == 0) {
                    return i;
                }
            }
            throw new IllegalArgumentException("missing } in " + word);
        }

        private String valueOf(String name) {
            String value = env.apply(name);
            return value == null ? "" : value;
        }
    }
}
