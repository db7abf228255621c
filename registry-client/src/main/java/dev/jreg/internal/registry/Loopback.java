package dev.jreg.internal.registry;

import java.util.Locale;

/** Loopback hosts get plain HTTP and credentials over it without being marked insecure, as docker does. */
final class Loopback {
    private Loopback() {
    }

    /** True for {@code localhost}, 127.0.0.0/8 and ::1, with or without a port. */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            return h.startsWith("[::1]");
        }
        int colon = h.indexOf(':');
        if (colon >= 0 && h.indexOf(':', colon + 1) < 0) {
            h = h.substring(0, colon);
        }
        return h.equals("localhost") || h.equals("::1") || h.matches("127(\\.\\d{1,3}){3}");
    }
}
