package dev.jreg;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything a {@link Jreg} needs, fixed at construction.
 *
 * @param store directory of the local store (an OCI image layout)
 * @param registry how to reach registries
 * @param concurrency blobs moved at once
 * @param settings mirrors and insecure registries from configuration
 * @param notices one-line warnings for the user (a mirror failed, entries of a registry's listing
 *     skipped), or null
 * @param status one-line status for the user that a quiet command goes without (the mirror that
 *     serves a read), or null
 * @param limits what an image's layers may hold when they are unpacked or flattened; null for
 *     {@link UnpackLimits#DEFAULT}
 */
public record JregOptions(Path store, RegistryOptions registry, int concurrency, RegistrySettings settings,
        Consumer<String> notices, Consumer<String> status, UnpackLimits limits) {
    /** Without mirrors, notices or status. */
    public JregOptions(Path store, RegistryOptions registry, int concurrency) {
        this(store, registry, concurrency, null, null, null);
    }

    /** With {@link UnpackLimits#DEFAULT}. */
    public JregOptions(Path store, RegistryOptions registry, int concurrency, RegistrySettings settings,
            Consumer<String> notices, Consumer<String> status) {
        this(store, registry, concurrency, settings, notices, status, null);
    }

    /**
     * A store directory, and registries reached as the {@code jreg} command reaches them for this
     * user, as docker's CLI and Jib's docker-config credentials do:
     * {@link RegistryOptions#fromEnvironment(Map, Path) RegistryOptions.fromEnvironment} of
     * {@code System.getenv()} and the user's {@link #userHome home} — the credentials of docker's
     * {@code config.json} and podman's {@code auth.json}, the private CAs and client certificates of
     * the certs.d folders, the proxies of {@code HTTPS_PROXY}, {@code HTTP_PROXY} and
     * {@code NO_PROXY} —; four blobs at once ({@link CopyOptions#DEFAULT_CONCURRENCY}), no mirrors,
     * no notices. Without the user's credentials, CAs or proxies:
     * {@code new JregOptions(store, RegistryOptions.defaults(), CopyOptions.DEFAULT_CONCURRENCY)}.
     *
     * @param store the store's directory, created by the first write into the store ({@link Jreg#open}
     *     writes nothing)
     * @throws IllegalArgumentException naming the variable, when a proxy variable cannot be used
     *     ({@link ProxySettings#fromEnvironment})
     */
    public static JregOptions defaults(Path store) {
        return new JregOptions(store, RegistryOptions.fromEnvironment(System.getenv(), userHome(System.getenv())),
                CopyOptions.DEFAULT_CONCURRENCY);
    }

    /**
     * The user's home folder, as the {@code jreg} command, docker and every shell tool take it:
     * {@code $HOME} when it is an absolute path, else the JVM's {@code user.home} (the password
     * database's entry).
     */
    public static Path userHome(Map<String, String> env) {
        String home = env.get("HOME");
        return home != null && home.startsWith("/") ? Path.of(home) : Path.of(System.getProperty("user.home"));
    }

    /** Validates. */
    public JregOptions {
        settings = settings == null ? RegistrySettings.EMPTY : settings;
        notices = notices == null ? line -> { } : notices;
        status = status == null ? line -> { } : status;
        limits = limits == null ? UnpackLimits.DEFAULT : limits;
        if (store == null) {
            throw new IllegalArgumentException("store directory is required");
        }
        registry = registry == null ? RegistryOptions.defaults() : registry;
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
    }

    /**
     * The store directory users get by default: {@code $JREG_HOME}, else
     * {@code $XDG_DATA_HOME/jreg}, else {@code ~/.local/share/jreg}.
     */
    public static Path defaultStore(Map<String, String> env, Path home) {
        return set(env, "JREG_HOME").map(Path::of)
                .or(() -> set(env, "XDG_DATA_HOME").map(xdg -> Path.of(xdg, "jreg")))
                .orElseGet(() -> home.resolve(".local/share/jreg"));
    }

    /**
     * jreg's configuration folder, which holds its {@code config.json} and its {@code certs.d}:
     * {@code $XDG_CONFIG_HOME/jreg}, else {@code ~/.config/jreg}.
     */
    public static Path configDirectory(Map<String, String> env, Path home) {
        return set(env, "XDG_CONFIG_HOME").map(Path::of).orElseGet(() -> home.resolve(".config")).resolve("jreg");
    }

    /** An environment variable's value, when it is set and not empty. */
    private static Optional<String> set(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(value -> !value.isEmpty());
    }
}
