package dev.jreg.cli;

/**
 * A {@code warning:} or {@code note:} line as printed on stderr: wrapped at word boundaries to fit
 * 80 columns, the lines after the first indented under its text. Other lines ({@code jreg: …},
 * status) stay one line, as scripts read them.
 */
final class Notes {
    static final int WIDTH = 80;
    private static final String[] PREFIXES = {"warning: ", "note: "};

    private Notes() {
    }

    /** The line, wrapped when it is a note or warning wider than {@value #WIDTH} columns. */
    static String wrapped(String line) {
        if (line.length() <= WIDTH || line.contains("\n")) {
            return line;
        }
        for (String prefix : PREFIXES) {
            if (line.startsWith(prefix)) {
                return wrap(line, prefix.length());
            }
        }
        return line;
    }

    /** Words longer than a line (a long path) stand alone on theirs. */
    private static String wrap(String line, int indent) {
        StringBuilder out = new StringBuilder();
        int column = 0;
        for (String word : line.split(" ")) {
            if (column > indent && column + 1 + word.length() > WIDTH) {
                out.append('\n').append(" ".repeat(indent));
                column = indent;
            } else if (!out.isEmpty()) {
                out.append(' ');
                column++;
            }
            out.append(word);
            column += word.length();
        }
        return out.toString();
    }
}
