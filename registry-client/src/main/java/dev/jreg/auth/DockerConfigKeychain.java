package dev.jreg.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * docker's {@code config.json} as a keychain, and where {@code jreg login} stores credentials:
 * a per-registry helper in {@code credHelpers} first, then the {@code credsStore} helper, then
 * {@code auths} (base64 {@code auth}, {@code username}/{@code password}, {@code identitytoken})
 * under the registry's {@code host[:port]}, with or without a scheme or path
 * ({@code https://host/v1/}). Docker Hub's key is the historical {@code https://index.docker.io/v1/}.
 * Every other key of the file is kept when it is written, and the file stays mode 0600.
 *
 * <p>podman's and skopeo's {@code auth.json} ({@link #containersAuth}) has the same format and is
 * read the same way, with one addition: {@code auths} keys may name a repository or a namespace
 * ({@code registry/namespace}, no scheme), which apply to that path only and come first, the most
 * specific first (containers-auth.json(5)). jreg reads those files and never writes them.
 */
public final class DockerConfigKeychain implements Keychain {
    /** docker's key for Docker Hub credentials. */
    public static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";
    /** What {@link #DOCKER_HUB_KEY} normalises to. */
    private static final String DOCKER_HUB = "index.docker.io";

    private final Path file;
    private final Map<String, String> env;
    /** True for podman's auth.json, whose keys may name repositories. */
    private final boolean repositoryKeys;
    /** Where an unreadable podman file is reported, once, before it is passed over; null: it is an error. */
    private final Consumer<String> warnings;
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * A keychain without credential helpers' environment (helpers found on a default PATH).
     *
     * @param file the config.json (it may not exist)
     */
    public DockerConfigKeychain(Path file) {
        this(file, Map.of(), false, null);
    }

    /**
     * @param env the environment, whose PATH finds credential helpers
     */
    private DockerConfigKeychain(Path file, Map<String, String> env, boolean repositoryKeys, Consumer<String> warnings) {
        this.file = file;
        this.env = Map.copyOf(env);
        this.repositoryKeys = repositoryKeys;
        this.warnings = warnings;
    }

    /**
     * The file docker itself uses: {@code $DOCKER_CONFIG/config.json}, else
     * {@code ~/.docker/config.json}.
     *
     * @param env the process environment
     * @param home the user's home directory
     */
    public static DockerConfigKeychain fromEnvironment(Map<String, String> env, Path home) {
        Path dir = set(env, "DOCKER_CONFIG").map(Path::of).orElseGet(() -> home.resolve(".docker"));
        return new DockerConfigKeychain(dir.resolve("config.json"), env, false, null);
    }

    /**
     * podman's and skopeo's credential files, in the order they read them: {@code $REGISTRY_AUTH_FILE}
     * when set, else {@code $XDG_RUNTIME_DIR/containers/auth.json} when that is set; then
     * {@code $XDG_CONFIG_HOME/containers/auth.json} ({@code ~/.config/containers/auth.json}).
     * Absent files are simply empty.
     *
     * @param env the process environment
     * @param home the user's home directory
     */
    public static List<DockerConfigKeychain> containersAuth(Map<String, String> env, Path home) {
        return containersAuth(env, home, null);
    }

    private static List<DockerConfigKeychain> containersAuth(Map<String, String> env, Path home, Consumer<String> warnings) {
        Optional<Path> first = set(env, "REGISTRY_AUTH_FILE").map(Path::of)
                .or(() -> set(env, "XDG_RUNTIME_DIR").map(runtime -> Path.of(runtime, "containers", "auth.json")));
        Path configHome = set(env, "XDG_CONFIG_HOME").map(Path::of).orElseGet(() -> home.resolve(".config"));
        return Stream.concat(first.stream(), Stream.of(configHome.resolve("containers").resolve("auth.json")))
                .map(file -> new DockerConfigKeychain(file, env, true, warnings)).toList();
    }

    /** An environment variable's value, when it is set and not empty. */
    private static Optional<String> set(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(value -> !value.isEmpty());
    }

    /**
     * Every credential file jreg reads, in lookup order: docker's {@link #fromEnvironment}
     * first, then podman's and skopeo's {@link #containersAuth}. The first file that has
     * credentials for an image gives them.
     */
    public static List<DockerConfigKeychain> lookupOrder(Map<String, String> env, Path home) {
        return lookupOrder(env, home, null);
    }

    /**
     * Like {@link #lookupOrder(Map, Path)}, where a podman or skopeo file that is not valid JSON is
     * reported once to the warnings, naming it, and passed over, as docker's file is not: podman's
     * file is not jreg's nor docker's, and must not stop every command.
     */
    public static List<DockerConfigKeychain> lookupOrder(Map<String, String> env, Path home, Consumer<String> warnings) {
        return Stream.concat(Stream.of(fromEnvironment(env, home)), containersAuth(env, home, warnings).stream())
                .toList();
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
        return lookup(registry, null);
    }

    /**
     * Credentials for a repository: in podman's file a key naming the repository or one of its
     * namespaces first, the longest first; then the registry's helper, the store helper, and the
     * registry's {@code auths} entry.
     */
    @Override
    public Optional<Credentials> lookup(String registry, String repository) {
        try {
            ObjectNode config;
            try {
                config = read();
            } catch (InvalidContentException e) {
                if (warnings == null) {
                    throw e;
                }
                if (warned.compareAndSet(false, true)) {
                    warnings.accept("warning: " + e.getMessage() + "; going on without it");
                }
                return Optional.empty();
            }
            if (repositoryKeys && repository != null) {
                Optional<Credentials> forPath = fromRepositoryKeys(config.path("auths"), registry, repository);
                if (forPath.isPresent()) {
                    return forPath;
                }
            }
            Optional<CredentialHelper> helper = helperFor(config, registry);
            if (helper.isPresent()) {
                return helper.get().get(keyOf(registry));
            }
            return fromAuths(config.path("auths"), registry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * True when this file names credentials for the registry: an {@code auths} entry for it or a
     * repository in it, or a {@code credHelpers} helper for it (not asked: only named).
     */
    public boolean holds(String registry) throws IOException {
        ObjectNode config = read();
        for (Map.Entry<String, JsonNode> entry : entriesFor(config.path("auths"), registry)) {
            if (decode(entry.getValue()).isPresent()) {
                return true;
            }
        }
        return registryHelper(config, registry).isPresent();
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
        return registryHelper(config, registry)
                .or(() -> Optional.of(config.path("credsStore").asText("")).filter(name -> !name.isEmpty()))
                .map(name -> new CredentialHelper(name, env));
    }

    /** The helper {@code credHelpers} names for the registry. */
    private static Optional<String> registryHelper(ObjectNode config, String registry) {
        return entriesFor(config.path("credHelpers"), registry).stream().map(entry -> entry.getValue().asText(""))
                .filter(name -> !name.isEmpty()).findFirst();
    }

    /** The entries of one of the file's objects whose keys name this registry, in the file's order. */
    private static List<Map.Entry<String, JsonNode>> entriesFor(JsonNode object, String registry) {
        return object.propertyStream().filter(entry -> normalize(entry.getKey()).equals(normalize(registry))).toList();
    }

    private static boolean removeAuthsEntries(ObjectNode config, String registry) {
        return config.get("auths") instanceof ObjectNode auths
                && auths.properties().removeIf(entry -> normalize(entry.getKey()).equals(normalize(registry)));
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
        throw new InvalidContentException("cannot read " + describe() + ": not valid JSON");
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
        String host = key.toLowerCase(Locale.ROOT).replaceFirst("(?s)^.*?://", "").replaceFirst("(?s)/.*", "");
        return host.equals("docker.io") || host.equals("registry-1.docker.io") ? DOCKER_HUB : host;
    }

    /** podman's {@code registry/namespace/repository} keys, matched exactly, the most specific first. */
    private Optional<Credentials> fromRepositoryKeys(JsonNode auths, String registry, String repository)
            throws InvalidContentException {
        for (String path = repository; !path.isEmpty(); path = path.substring(0, Math.max(path.lastIndexOf('/'), 0))) {
            Optional<Credentials> credentials = decode(auths.path(registry + "/" + path));
            if (credentials.isPresent()) {
                return credentials;
            }
        }
        return Optional.empty();
    }

    private Optional<Credentials> fromAuths(JsonNode auths, String registry) throws InvalidContentException {
        for (Map.Entry<String, JsonNode> entry : entriesFor(auths, registry)) {
            if (isRegistryKey(entry.getKey())) {
                return decode(entry.getValue());
            }
        }
        return Optional.empty();
    }

    /**
     * docker reads any key down to its host ({@code https://host/v1/}); in podman's file a key
     * with a path and no scheme names a repository or namespace, not the whole registry.
     */
    private boolean isRegistryKey(String key) {
        return !repositoryKeys || key.contains("://") || key.indexOf('/') < 0;
    }

    /** This file, for messages: {@code docker config FILE} or {@code credentials file FILE}. */
    private String describe() {
        return (repositoryKeys ? "credentials file " : "docker config ") + file;
    }

    private Optional<Credentials> decode(JsonNode entry) throws InvalidContentException {
        String identityToken = text(entry, "identitytoken");
        String auth = text(entry, "auth");
        if (auth != null) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new InvalidContentException(describe() + ": an \"auth\" entry is not valid base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new InvalidContentException(describe() + ": an \"auth\" entry is not user:password");
            }
            return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1), identityToken));
        }
        String user = text(entry, "username");
        return user != null || identityToken != null
                ? Optional.of(new Credentials(user, text(entry, "password"), identityToken)) : Optional.empty();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }
}
