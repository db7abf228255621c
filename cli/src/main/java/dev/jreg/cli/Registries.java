package dev.jreg.cli;

import dev.jreg.model.Reference;
import java.util.Locale;

/** Registry names as users type them to login and logout. */
final class Registries {
    private Registries() {
    }

    /** {@code https://ghcr.io/} → {@code ghcr.io}; nothing or any Docker Hub alias → {@code docker.io}. */
    static String normalize(String server) {
        if (server == null || server.isBlank()) {
            return Reference.DOCKER_HUB;
        }
        String s = server.trim().replaceFirst("^[a-zA-Z]+://", "");
        int slash = s.indexOf('/');
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("index.docker.io") || lower.equals("registry-1.docker.io") || lower.equals("docker.io")) {
            return Reference.DOCKER_HUB;
        }
        return s;
    }
}
