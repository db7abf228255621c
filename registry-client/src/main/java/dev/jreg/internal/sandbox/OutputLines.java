package dev.jreg.internal.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A command's output handed on line by line as it comes, never held whole: each line once its
 * {@code \n} arrives (a {@code \r} before it dropped), a line longer than {@link #MAX_LINE} bytes
 * in pieces, and what follows the last {@code \n} at the end. Bytes are read as UTF-8, those that
 * are not UTF-8 as U+FFFD.
 */
final class OutputLines {
    /** The longest line handed on whole, in bytes. */
    static final int MAX_LINE = 64 * 1024;

    private OutputLines() {
    }

    /** Reads {@code in} to its end, handing each line to {@code lines}. */
    static void forward(InputStream in, Consumer<String> lines) throws IOException {
        byte[] buffer = new byte[8192];
        byte[] line = new byte[MAX_LINE];
        int length = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    lines.accept(text(line, length));
                    length = 0;
                    continue;
                }
                if (length == MAX_LINE) {
                    // Cut before a character's continuation bytes, so that a piece ends with whole characters.
                    int cut = length;
                    while (cut > length - 4 && (line[cut - 1] & 0xC0) == 0x80) {
                        cut--;
                    }
                    cut = (line[cut - 1] & 0xC0) == 0xC0 ? cut - 1 : length;
                    lines.accept(new String(line, 0, cut, StandardCharsets.UTF_8));
                    System.arraycopy(line, cut, line, 0, length - cut);
                    length -= cut;
                }
                line[length++] = buffer[i];
            }
        }
        if (length > 0) {
            lines.accept(text(line, length));
        }
    }

    private static String text(byte[] line, int length) {
        int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        return new String(line, 0, end, StandardCharsets.UTF_8);
    }
}
