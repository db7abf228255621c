package dev.jreg.internal.build;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words of Dockerfile instructions as the builder reads them, and their variables replaced
 * (Dockerfile reference, "Environment replacement"): the one lexer of Dockerfile text, for builds
 * and for {@code jreg commit -c}.
 *
 * <p>Outside quotes the escape character ({@code \}, or {@code `} after {@code # escape=`}) keeps
 * the next character as it is; inside single quotes nothing is special; inside double quotes the
 * escape character escapes only {@code "}, {@code $} and itself, and variables are replaced.
 * {@code $NAME} and {@code ${NAME}} give the value or nothing; {@code ${NAME:-word}},
 * {@code ${NAME-word}}, {@code ${NAME:+word}}, {@code ${NAME+word}}, {@code ${NAME:?message}},
 * {@code ${NAME?message}} as in a POSIX shell (with a colon an empty value counts as unset);
 * {@code ${NAME#pattern}}, {@code ${NAME##pattern}}, {@code ${NAME%pattern}},
 * {@code ${NAME%%pattern}} remove the shortest or longest match of a pattern ({@code *} and
 * {@code ?}, escaped with {@code \}) from the start or the end, and {@code ${NAME/pattern/word}}
 * and {@code ${NAME//pattern/word}} replace its first or every match. A {@code $} before no name
 * stays; {@code $1}, {@code $@} and the other positional and special parameters are empty.
 */
final class DockerfileWords {
    private DockerfileWords() {
    }

    /** White space as Go's {@code unicode.IsSpace} knows it, which the builder splits words at. */
    static boolean isSpace(char c) {
        return c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r' || c == 0x85 || Character.isSpaceChar(c);
    }

    /** The text without white space ({@link #isSpace}) at either end, as Go's {@code strings.TrimSpace} gives it. */
    static String trim(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    /**
     * The words of a text, split at white space outside quotes; each keeps its quotes and escapes
     * for {@link #expand}. An escape character at the very end is dropped.
     *
     * @param strict whether a quote left open is an error rather than running to the end
     * @throws IllegalArgumentException when {@code strict} and a quote is not closed
     */
    static List<String> split(String text, char escape, boolean strict) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        boolean quoted = false; // the word holds quotes, so even an empty one counts
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == 0 && isSpace(c)) {
                if (inWord && (quoted || !word.isEmpty())) {
                    words.add(word.toString());
                }
                word.setLength(0);
                inWord = false;
                quoted = false;
                continue;
            }
            inWord = true;
            if (quote == 0 && (c == '\'' || c == '"')) {
                quote = c;
                quoted = true;
            } else if (c == quote) {
                quote = 0;
            } else if (c == escape && quote != '\'') {
                if (i + 1 == text.length()) {
                    quote = 0;
                    continue;
                }
                word.append(c);
                c = text.charAt(++i);
            }
            word.append(c);
        }
        if (strict && quote != 0) {
            throw new IllegalArgumentException("unmatched " + quote + " in " + word);
        }
        if (inWord && (quoted || !word.isEmpty())) {
            words.add(word.toString());
        }
        return words;
    }

    /**
     * One word with its quotes and escapes resolved and its variables replaced; white space in it
     * stays.
     *
     * @param variables a variable's value, or null when it is not set
     * @throws IllegalArgumentException when a quote or brace is not closed, a substitution is
     *     malformed, or {@code ${NAME?message}} names a variable that is not set
     */
    static String expand(String word, char escape, UnaryOperator<String> variables) {
        return new Lexer(word, escape, true, variables).until(Lexer.END, false).text.toString();
    }

    /**
     * The words a text gives once expanded: split at white space that is not quoted, so that a
     * variable holding white space gives several words.
     *
     * @throws IllegalArgumentException as {@link #expand} does
     */
    static List<String> expandWords(String text, char escape, UnaryOperator<String> variables) {
        return new Lexer(text, escape, true, variables).until(Lexer.END, false).words();
    }

    /**
     * A here-document's content with its variables replaced: quotes are plain characters, a
     * backslash escapes the next one (POSIX, "Here-Document").
     *
     * @throws IllegalArgumentException as {@link #expand} does
     */
    static String expandDocument(String content, UnaryOperator<String> variables) {
        return new Lexer(content, '\\', false, variables).until(Lexer.END, false).text.toString();
    }

    /** A word with its quotes and backslash escapes resolved and its {@code $} kept: a here-document's delimiter. */
    static String unquote(String word) {
        return new Lexer(word, '\\', true, null).until(Lexer.END, false).text.toString();
    }

    /**
     * Whether a word holds quotes that {@link #unquote} removes: a here-document's delimiter quoted
     * in part or whole.
     */
    static boolean quoted(String word) {
        String literalQuotes = new Lexer(word, '\\', false, null).until(Lexer.END, false).text.toString();
        return quotes(literalQuotes) != quotes(unquote(word));
    }

    private static long quotes(String text) {
        return text.chars().filter(c -> c == '\'' || c == '"').count();
    }

    /** What a pass gives: the text, and the words it splits into. */
    private static final class Output {
        final StringBuilder text = new StringBuilder();
        private final List<String> words = new ArrayList<>();
        private final StringBuilder word = new StringBuilder();
        private boolean inWord;

        /** A character that splits words where it is white space. */
        void plain(char c) {
            text.append(c);
            split(c);
        }

        /** Text from a variable, which splits words where it holds white space. */
        void plain(String s) {
            text.append(s);
            for (int i = 0; i < s.length(); i++) {
                split(s.charAt(i));
            }
        }

        /** Quoted or escaped text: part of the word whatever it holds. */
        void kept(CharSequence s) {
            text.append(s);
            word.append(s);
            inWord = true;
        }

        void kept(char c) {
            kept(String.valueOf(c));
        }

        private void split(char c) {
            if (!isSpace(c)) {
                word.append(c);
                inWord = true;
            } else if (inWord && !word.isEmpty()) {
                words.add(word.toString());
                word.setLength(0);
                inWord = false;
            }
        }

        List<String> words() {
            if (!word.isEmpty()) {
                words.add(word.toString());
                word.setLength(0);
            }
            return words;
        }
    }

    /** One pass over a text, as BuildKit's shell lexer makes it. */
    private static final class Lexer {
        static final int END = -1;

        private final String text;
        private final char escape;
        private final boolean quotes;
        private final UnaryOperator<String> variables;
        private int at;

        /**
         * @param quotes whether quotes are processed, or plain characters
         * @param variables null to keep {@code $} as written
         */
        Lexer(String text, char escape, boolean quotes, UnaryOperator<String> variables) {
            this.text = text;
            this.escape = escape;
            this.quotes = quotes;
            this.variables = variables;
        }

        /**
         * Up to {@code stop}, which is consumed, or to the end.
         *
         * @param keepEscapes whether escape characters stay in the output (a pattern's)
         */
        Output until(int stop, boolean keepEscapes) {
            Output out = new Output();
            while (at < text.length()) {
                char c = text.charAt(at);
                if (c == stop) {
                    at++;
                    return out;
                }
                if (c == '$' && variables != null) {
                    out.plain(dollar());
                } else if (quotes && c == '\'') {
                    out.kept(singleQuoted());
                } else if (quotes && c == '"') {
                    out.kept(doubleQuoted(keepEscapes));
                } else if (c == escape) {
                    at++;
                    if (keepEscapes) {
                        out.kept(c);
                    }
                    if (at < text.length()) {
                        out.kept(text.charAt(at++));
                    }
                } else {
                    at++;
                    out.plain(c);
                }
            }
            if (stop != END) {
                throw new IllegalArgumentException("missing " + (char) stop + " in " + text);
            }
            return out;
        }

        private String singleQuoted() {
            int end = text.indexOf('\'', at + 1);
            if (end < 0) {
                throw new IllegalArgumentException("unmatched ' in " + text);
            }
            String inside = text.substring(at + 1, end);
            at = end + 1;
            return inside;
        }

        private String doubleQuoted(boolean keepEscapes) {
            at++;
            StringBuilder out = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw new IllegalArgumentException("unmatched \" in " + text);
                }
                char c = text.charAt(at);
                if (c == '"') {
                    at++;
                    return out.toString();
                }
                if (c == '$' && variables != null) {
                    out.append(dollar());
                    continue;
                }
                at++;
                if (c == escape) {
                    if (keepEscapes) {
                        out.append(c);
                    }
                    if (at >= text.length()) {
                        continue; // and the quote is not closed
                    }
                    char next = text.charAt(at);
                    if (next == '"' || next == '$' || next == escape) {
                        c = next;
                        at++;
                    }
                }
                out.append(c);
            }
        }

        /** The value a {@code $} at {@link #at} stands for. */
        private String dollar() {
            int start = at++;
            if (at >= text.length() || text.charAt(at) != '{') {
                String name = name();
                return name.isEmpty() ? "$" : valueOf(name);
            }
            at++;
            if (at >= text.length()) {
                throw missingBrace();
            }
            if ("{}:".indexOf(text.charAt(at)) >= 0) {
                throw badSubstitution(start);
            }
            String name = name();
            if (at >= text.length()) {
                throw missingBrace();
            }
            char op = text.charAt(at++);
            if (op == '}') {
                return valueOf(name);
            }
            if (op == '/') {
                return replaced(name);
            }
            boolean colon = op == ':';
            if (colon) {
                if (at >= text.length()) {
                    throw missingBrace();
                }
                op = text.charAt(at++);
            }
            boolean pattern = op == '#' || op == '%';
            if ("+-?#%".indexOf(op) < 0 || colon && pattern) {
                throw badSubstitution(start);
            }
            String word = until('}', pattern).text.toString();
            String value = variables.apply(name);
            // With a colon, an empty value counts as unset.
            boolean set = value != null && !(colon && value.isEmpty());
            return switch (op) {
                case '-' -> set ? value : word;
                case '+' -> set ? word : "";
                case '?' -> {
                    if (!set) {
                        throw new IllegalArgumentException(name + ": " + (!word.isEmpty() ? word
                                : value == null ? "is not allowed to be unset" : "is not allowed to be empty"));
                    }
                    yield value;
                }
                default -> trimmed(op, word, value == null ? "" : value);
            };
        }

        /** {@code ${NAME#p}}, {@code ${NAME##p}}, {@code ${NAME%p}}, {@code ${NAME%%p}}. */
        private String trimmed(char op, String word, String value) {
            boolean longest = word.startsWith(String.valueOf(op));
            String pattern = longest ? word.substring(1) : word;
            if (op == '#') {
                Matcher m = shellPattern(pattern, longest, true).matcher(value);
                return m.find() ? value.substring(m.end()) : value;
            }
            // A match from the end is a match from the start of both reversed.
            String reversed = new StringBuilder(value).reverse().toString();
            Matcher m = shellPattern(reversePattern(pattern), longest, true).matcher(reversed);
            return m.find() ? new StringBuilder(reversed.substring(m.end())).reverse().toString() : value;
        }

        /** {@code ${NAME/pattern/word}} and {@code ${NAME//pattern/word}}. */
        private String replaced(String name) {
            boolean all = at < text.length() && text.charAt(at) == '/';
            if (all) {
                at++;
            }
            String pattern = until('/', true).text.toString();
            String replacement = until('}', true).text.toString();
            String value = valueOf(name);
            Matcher m = shellPattern(pattern, true, false).matcher(value);
            String literal = Matcher.quoteReplacement(replacement);
            return all ? m.replaceAll(literal) : m.replaceFirst(literal);
        }

        /** A name: digits, one special parameter's character, or letters, digits and {@code _}. */
        private String name() {
            int start = at;
            if (at < text.length() && Character.isDigit(text.charAt(at))) {
                while (at < text.length() && Character.isDigit(text.charAt(at))) {
                    at++;
                }
            } else if (at < text.length() && "@*#?-$!".indexOf(text.charAt(at)) >= 0) {
                at++;
            } else {
                while (at < text.length()) {
                    int c = text.codePointAt(at);
                    if (!Character.isLetterOrDigit(c) && c != '_') {
                        break;
                    }
                    at += Character.charCount(c);
                }
            }
            return text.substring(start, at);
        }

        private String valueOf(String name) {
            String value = variables.apply(name);
            return value == null ? "" : value;
        }

        private IllegalArgumentException missingBrace() {
            return new IllegalArgumentException("missing } in " + text);
        }

        private IllegalArgumentException badSubstitution(int start) {
            int close = text.indexOf('}', at);
            String substitution = text.substring(start, close < 0 ? text.length() : close + 1);
            return new IllegalArgumentException("bad substitution " + substitution + " in " + text);
        }

        /**
         * A shell pattern as a regular expression: {@code *} any text (the shortest, unless
         * {@code longest}), {@code ?} any character, {@code \} before {@code *}, {@code ?} or
         * itself a literal; before {@code /} or <code>}</code>, which end a substitution, it is
         * dropped.
         */
        private Pattern shellPattern(String pattern, boolean longest, boolean anchored) {
            StringBuilder regex = new StringBuilder(anchored ? "^" : "");
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (c == '*') {
                    regex.append(longest ? ".*" : ".*?");
                } else if (c == '?') {
                    regex.append('.');
                } else if (c == '\\' && i + 1 < pattern.length() && "}/".indexOf(pattern.charAt(i + 1)) >= 0) {
                    continue;
                } else if (c == '\\') {
                    char next = i + 1 < pattern.length() ? pattern.charAt(++i) : 0;
                    if (next == 0 || "*?\\".indexOf(next) < 0) {
                        throw new IllegalArgumentException("bad pattern " + pattern + " in " + text
                                + ": a \\ escapes only *, ? and \\");
                    }
                    regex.append('\\').append(next);
                } else {
                    regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(regex.toString());
        }

        /** A pattern read backwards, each escape still before the character it escapes. */
        private static String reversePattern(String pattern) {
            StringBuilder reversed = new StringBuilder();
            for (int i = 0; i < pattern.length(); i++) {
                if (pattern.charAt(i) == '\\' && i + 1 < pattern.length()) {
                    reversed.insert(0, pattern, i, i + 2);
                    i++;
                } else {
                    reversed.insert(0, pattern.charAt(i));
                }
            }
            return reversed.toString();
        }
    }
}
