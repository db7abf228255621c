package dev.jreg.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A terminal of fixed size for tests: it interprets what LayerProgress writes (text, CR, LF, cursor
 * up, erase line, erase below) the way a VT100 with auto-wrap does, and keeps the lines that scroll
 * off the top. Anything else is an error, so a new escape sequence cannot pass unchecked.
 */
final class VirtualScreen {
    private final int columns;
    private final int rows;
    private final char[][] screen;
    private final List<String> scrollback = new ArrayList<>();
    private int row;
    private int column;
    private int wraps;

    VirtualScreen(int columns, int rows) {
        this.columns = columns;
        this.rows = rows;
        this.screen = new char[rows][columns];
        for (char[] line : screen) {
            Arrays.fill(line, ' ');
        }
    }

    void write(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\033') {
                i = escape(text, i);
            } else if (c == '\r') {
                column = 0;
            } else if (c == '\n') {
                // A terminal's line discipline turns LF into CR LF (onlcr).
                column = 0;
                lineFeed();
            } else if (c < ' ') {
                throw new IllegalArgumentException("control character " + (int) c);
            } else {
                if (column == columns) {
                    wraps++;
                    column = 0;
                    lineFeed();
                }
                screen[row][column++] = c;
            }
        }
    }

    private int escape(String text, int at) {
        if (at + 1 >= text.length() || text.charAt(at + 1) != '[') {
            throw new IllegalArgumentException("unexpected escape at " + at + ": " + text.substring(at));
        }
        int end = at + 2;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        int n = end == at + 2 ? 0 : Integer.parseInt(text.substring(at + 2, end));
        char command = text.charAt(end);
        switch (command) {
            case 'A' -> row = Math.max(0, row - Math.max(1, n));
            case 'K' -> {
                if (n != 2) {
                    throw new IllegalArgumentException("erase line mode " + n);
                }
                Arrays.fill(screen[row], ' ');
            }
            case 'J' -> {
                if (n != 0) {
                    throw new IllegalArgumentException("erase display mode " + n);
                }
                Arrays.fill(screen[row], column, columns, ' ');
                for (int r = row + 1; r < rows; r++) {
                    Arrays.fill(screen[r], ' ');
                }
            }
            default -> throw new IllegalArgumentException("escape sequence ESC[" + n + command);
        }
        return end;
    }

    private void lineFeed() {
        if (row < rows - 1) {
            row++;
            return;
        }
        scrollback.add(new String(screen[0]).stripTrailing());
        System.arraycopy(screen, 1, screen, 0, rows - 1);
        screen[rows - 1] = new char[columns];
        Arrays.fill(screen[rows - 1], ' ');
    }

    /** How many times a line was too long and went on in the next row. */
    int wraps() {
        return wraps;
    }

    /** The scrollback then the screen, one string per line, without trailing blank lines. */
    List<String> everything() {
        List<String> all = new ArrayList<>(scrollback);
        for (char[] line : screen) {
            all.add(new String(line).stripTrailing());
        }
        while (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
            all.remove(all.size() - 1);
        }
        return all;
    }
}
