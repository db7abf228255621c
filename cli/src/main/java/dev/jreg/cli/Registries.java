package dev.jreg.cli;

import dev.jreg.model.Reference;
import java.util.Locale;
import java.util.Set;

/** Registry names as users type them to login and logout. */
final class Registries {
    private Registries() {
    }

    /** {@code https://ghcr.io/} → {@code ghcr.io}; nothing or any Docker Hub alias → {@code docker.io}. */
    static String normalize(String server) {
        if (server == null || server.isBlank()) {
            return Reference.DOCKER_HUB;
        }
        String host = server.trim().replaceFirst("^[a-zA-Z]+://", "").split("/", 2)[0];
        return Set.of("index.docker.io", "registry-1.docker.io", "docker.io").contains(host.toLowerCase(Locale.ROOT))
                ? Reference.DOCKER_HUB : host;
    }
}
