package dev.jreg.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * docker's {@code config.json} as a keychain, and where {@code jreg login} stores credentials:
 * a per-registry helper in {@code credHelpers} first, then the {@code credsStore} helper, then
 * {@code auths} (base64 {@code auth}, {@code username}/{@code password}, {@code identitytoken}).
 * Docker Hub's key is the historical {@code https://index.docker.io/v1/}. Every other key of the
 * file is kept when it is written, and the file stays mode 0600.
 */
public final class DockerConfigKeychain implements Keychain {
    /** docker's key for Docker Hub credentials. */
    public static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";
    /** What {@link #DOCKER_HUB_KEY} normalises to. */
    private static final String DOCKER_HUB = "index.docker.io";

    private final Path file;
    private final Map<String, String> env;

    /**
     * @param file the config.json (it may not exist)
     * @param env the environment, whose PATH finds credential helpers
     */
    public DockerConfigKeychain(Path file, Map<String, String> env) {
        this.file = file;
        this.env = Map.copyOf(env);
    }

    /** A keychain without credential helpers' environment (helpers found on a default PATH). */
    public DockerConfigKeychain(Path file) {
        this(file, Map.of());
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
        return new DockerConfigKeychain(base.resolve("config.json"), env);
    }

    /** The file this keychain reads and writes. */
    public Path file() {
        return file;
    }

    /** The key docker uses for a registry: Docker Hub's URL, else {@code host[:port]}. */
    public static String keyOf(String registry) {
        return normalize(registry).equals(DOCKER_HUB) ? DOCKER_HUB_KEY : registry;
    }

    @Override
    public Optional<Credentials> lookup(String registry) {
        try {
            ObjectNode config = read();
            Optional<CredentialHelper> helper = helperFor(config, registry);
            if (helper.isPresent()) {
                return helper.get().get(keyOf(registry));
            }
            return fromAuths(config.path("auths"), registry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stores credentials where docker would: the registry's helper, the store helper, or {@code auths}. */
    public void store(String registry, Credentials credentials) throws IOException {
        ObjectNode config = read();
        Optional<CredentialHelper> helper = helperFor(config, registry);
        if (helper.isPresent()) {
            helper.get().store(keyOf(registry), credentials);
            return;
        }
        ObjectNode entry = Json.object();
        if (credentials.hasPassword()) {
            entry.put("auth", Base64.getEncoder().encodeToString((credentials.username() + ":" + credentials.password())
                    .getBytes(StandardCharsets.UTF_8)));
        }
        if (credentials.identityToken() != null) {
            entry.put("identitytoken", credentials.identityToken());
        }
        removeAuthsEntries(config, registry);
        config.with("auths").set(keyOf(registry), entry);
        write(config);
    }

    /**
     * Removes a registry's credentials.
     *
     * @return true when there were some
     */
    public boolean erase(String registry) throws IOException {
        ObjectNode config = read();
        Optional<CredentialHelper> helper = helperFor(config, registry);
        if (helper.isPresent()) {
            return helper.get().erase(keyOf(registry));
        }
        boolean removed = removeAuthsEntries(config, registry);
        if (removed) {
            write(config);
        }
        return removed;
    }

    private Optional<CredentialHelper> helperFor(ObjectNode config, String registry) {
        String wanted = normalize(registry);
        for (Iterator<Map.Entry<String, JsonNode>> it = config.path("credHelpers").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (normalize(entry.getKey()).equals(wanted) && !entry.getValue().asText("").isEmpty()) {
                return Optional.of(new CredentialHelper(entry.getValue().asText(), env));
            }
        }
        String store = config.path("credsStore").asText("");
        return store.isEmpty() ? Optional.empty() : Optional.of(new CredentialHelper(store, env));
    }

    private static boolean removeAuthsEntries(ObjectNode config, String registry) {
        JsonNode auths = config.get("auths");
        if (!(auths instanceof ObjectNode object)) {
            return false;
        }
        String wanted = normalize(registry);
        boolean removed = false;
        for (Iterator<String> it = object.fieldNames(); it.hasNext();) {
            if (normalize(it.next()).equals(wanted)) {
                it.remove();
                removed = true;
            }
        }
        return removed;
    }

    private ObjectNode read() throws IOException {
        if (!Files.isRegularFile(file)) {
            return Json.object();
        }
        try {
            JsonNode node = Json.parse(Files.readAllBytes(file));
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException e) {
            // The parser's message may quote the file, and the file holds secrets: say only where.
        }
        throw new IOException("cannot read docker config " + file + ": not valid JSON");
    }

    private void write(ObjectNode config) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "config.json.", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(temp, Json.pretty(config));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
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

    private static Optional<Credentials> fromAuths(JsonNode auths, String registry) {
        String wanted = normalize(registry);
        for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (normalize(entry.getKey()).equals(wanted)) {
                return decode(entry.getValue());
            }
        }
        return Optional.empty();
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
