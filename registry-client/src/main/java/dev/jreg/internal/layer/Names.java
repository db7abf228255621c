package dev.jreg.internal.layer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Names from a layer as messages show them: on one line, without control characters, cut when long. */
final class Names {
    /** Enough to tell one path from another; a longer one is cut and its length given. */
    private static final int SHOWN = 100;

    private Names() {
    }

    /** The name with control characters as {@code \xNN} ({@code \x00} for a NUL), cut after 100 characters. */
    static String quote(String name) {
        StringBuilder out = new StringBuilder();
        int end = Math.min(name.length(), SHOWN);
        for (int i = 0; i < end; i++) {
            escape(name.charAt(i), out);
        }
        return end == name.length() ? out.toString() : out + "…(" + name.length() + " characters)";
    }

    /**
     * A file's absolute path from its bytes on disk, which its {@code toString()} loses when they
     * are not UTF-8, as {@link #quote(byte[])} shows them ({@code bad\xffname}).
     */
    static String quote(Path file) {
        // A URI keeps the path's own bytes, percent-encoded.
        String raw = file.toUri().getRawPath();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int end = raw.length() > 1 && raw.endsWith("/") ? raw.length() - 1 : raw.length();
        for (int i = 0; i < end; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                bytes.write(Integer.parseInt(raw, i + 1, i + 3, 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return quote(bytes.toByteArray());
    }

    /** A name's bytes: each byte that is not part of a UTF-8 character as {@code \xNN}, control characters too. */
    static String quote(byte[] name) {
        ByteBuffer in = ByteBuffer.wrap(name);
        CharBuffer chars = CharBuffer.allocate(in.remaining());
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        StringBuilder out = new StringBuilder();
        while (true) {
            CoderResult result = utf8.decode(in, chars, true);
            chars.flip().chars().forEach(c -> escape((char) c, out));
            chars.clear();
            if (!result.isError()) {
                return out.toString();
            }
            for (int i = 0; i < result.length(); i++) {
                out.append(String.format("\\x%02x", in.get() & 0xff));
            }
        }
    }

    private static void escape(char c, StringBuilder out) {
        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
            out.append(c == '"' || c == '\\' ? "\\" + c : String.format("\\x%02x", (int) c));
        } else {
            out.append(c);
        }
    }
}
