package dev.jreg.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code auths} section of docker's {@code config.json}: base64 {@code auth},
 * {@code username}/{@code password} and {@code identitytoken}. Docker Hub's entry is the
 * historical key {@code https://index.docker.io/v1/}.
 */
public final class DockerConfigKeychain implements Keychain {
    /** What docker's key for Docker Hub, {@code https://index.docker.io/v1/}, normalises to. */
    private static final String DOCKER_HUB = "index.docker.io";

    private final Path file;

    /** @param file the config.json to read on each lookup (it may not exist) */
    public DockerConfigKeychain(Path file) {
        this.file = file;
    }

    /**
     * The file docker itself uses: {@code $DOCKER_CONFIG/config.json}, else
     * {@code ~/.docker/config.json}.
     *
     * @param env the process environment
     * @param home the user's home directory
     */
    public static DockerConfigKeychain fromEnvironment(Map<String, String> env, Path home) {
        String dir = env.get("DOCKER_CONFIG");
        Path base = dir != null && !dir.isEmpty() ? Path.of(dir) : home.resolve(".docker");
        return new DockerConfigKeychain(base.resolve("config.json"));
    }

    /** The file this keychain reads. */
    public Path file() {
        return file;
    }

    @Override
    public Optional<Credentials> lookup(String registry) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode auths;
        try {
            auths = Json.MAPPER.readTree(file.toFile()).path("auths");
        } catch (IOException e) {
            // The parser's message may quote the file, and the file holds secrets: say only where.
            throw new UncheckedIOException(new IOException("cannot read docker config " + file + ": not valid JSON"));
        }
        String wanted = normalize(registry);
        for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (normalize(entry.getKey()).equals(wanted)) {
                return decode(entry.getValue());
            }
        }
        return Optional.empty();
    }

    /** Reduces a config key or registry name to a bare host[:port]; every Docker Hub alias maps to one key. */
    static String normalize(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            k = k.substring(scheme + 3);
        }
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        if (k.equals("docker.io") || k.equals("index.docker.io") || k.equals("registry-1.docker.io")) {
            return DOCKER_HUB;
        }
        return k;
    }

    private static Optional<Credentials> decode(JsonNode entry) {
        String identityToken = text(entry, "identitytoken");
        String auth = text(entry, "auth");
        if (auth != null) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("docker config: an \"auth\" entry is not valid base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("docker config: an \"auth\" entry is not user:password");
            }
            return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1), identityToken));
        }
        String user = text(entry, "username");
        String password = text(entry, "password");
        if (user != null || identityToken != null) {
            return Optional.of(new Credentials(user, password, identityToken));
        }
        return Optional.empty();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }
}
