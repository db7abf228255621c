package dev.jreg.internal.layer;

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
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                out.append(c == '"' || c == '\\' ? "\\" + c : String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return end == name.length() ? out.toString() : out + "…(" + name.length() + " characters)";
    }
}
