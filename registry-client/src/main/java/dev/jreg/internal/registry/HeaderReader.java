package dev.jreg.internal.registry;

/**
 * A cursor over one header value, reading the pieces of RFC 9110 §5.6: tokens, quoted strings
 * and optional white space. Shared by the {@code Link} and {@code WWW-Authenticate} parsers,
 * which decide for themselves how strict to be about what it finds.
 */
final class HeaderReader {
    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private final String text;
    private int position;

    HeaderReader(String text) {
        this.text = text;
    }

    boolean atEnd() {
        return position >= text.length();
    }

    /** Characters read so far, to say where a value went wrong. */
    int position() {
        return position;
    }

    /** Skips spaces and tabs. */
    void skipSpace() {
        while (!atEnd() && (text.charAt(position) == ' ' || text.charAt(position) == '\t')) {
            position++;
        }
    }

    /** True, and past it, when the next character is {@code c}. */
    boolean take(char c) {
        if (!atEnd() && text.charAt(position) == c) {
            position++;
            return true;
        }
        return false;
    }

    /** A token (RFC 9110 §5.6.2); empty when the next character cannot start one. */
    String token() {
        int start = position;
        while (!atEnd() && isTokenChar(text.charAt(position))) {
            position++;
        }
        return text.substring(start, position);
    }

    /** The text before the next {@code c}, which is read too; null (and nothing read) when there is none. */
    String until(char c) {
        int end = text.indexOf(c, position);
        if (end < 0) {
            return null;
        }
        String before = text.substring(position, end);
        position = end + 1;
        return before;
    }

    /**
     * A parameter value: a quoted string, unescaped (one left open runs to the end), or else the
     * text up to the next of {@code stops}, trimmed — registries send more than tokens unquoted.
     */
    String value(String stops) {
        if (take('"')) {
            StringBuilder value = new StringBuilder();
            while (!atEnd()) {
                char c = text.charAt(position++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\' && !atEnd()) {
                    c = text.charAt(position++);
                }
                value.append(c);
            }
            return value.toString();
        }
        int start = position;
        while (!atEnd() && stops.indexOf(text.charAt(position)) < 0) {
            position++;
        }
        return text.substring(start, position).trim();
    }

    /** Skips everything before the next {@code c}, which stays unread. */
    void skipTo(char c) {
        int next = text.indexOf(c, position);
        position = next < 0 ? text.length() : next;
    }

    private static boolean isTokenChar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || TOKEN_SYMBOLS.indexOf(c) >= 0);
    }
}
