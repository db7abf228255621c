package dev.jreg.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Left-aligned columns three spaces apart, as docker prints tables. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();

    /**
     * A digest in a table column: algorithm and the first 12 hex digits, as docker shows image IDs,
     * so that rows fit an 80-column terminal; whole with {@code full} ({@code --no-trunc}).
     */
    static String digest(dev.jreg.model.Digest digest, boolean full) {
        return full ? digest.toString() : digest.algorithm() + ":" + digest.shortHex();
    }

    Table(String... header) {
        rows.add(header);
    }

    /** A row; control characters in its cells escaped, since a cell may hold what a layout or registry named. */
    Table row(String... cells) {
        rows.add(java.util.Arrays.stream(cells).map(ErrorReporter::printable).toArray(String[]::new));
        return this;
    }

    void print(PrintWriter out, String indent) {
        // Rows of a --format table may have more or fewer columns than its header.
        int[] widths = new int[rows.stream().mapToInt(row -> row.length).max().orElse(0)];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 3));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
