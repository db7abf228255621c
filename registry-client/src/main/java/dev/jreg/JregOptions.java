package dev.jreg;

import java.nio.file.Path;
import java.util.Map;
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
 */
public record JregOptions(Path store, RegistryOptions registry, int concurrency, RegistrySettings settings,
        Consumer<String> notices, Consumer<String> status) {
    /** Without mirrors, notices or status. */
    public JregOptions(Path store, RegistryOptions registry, int concurrency) {
        this(store, registry, concurrency, null, null, null);
    }

    /**
     * A store directory with everything else as given by default: anonymous registry access
     * ({@link RegistryOptions#defaults()}), four blobs at once, no mirrors, no notices.
     *
     * @param store the store's directory, created by the first write into the store ({@link Jreg#open})
     */
    public static JregOptions defaults(Path store) {
        return new JregOptions(store, RegistryOptions.defaults(), 4);
    }

    /** Validates. */
    public JregOptions {
        settings = settings == null ? RegistrySettings.EMPTY : settings;
        notices = notices == null ? line -> { } : notices;
        status = status == null ? line -> { } : status;
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
        String jregHome = env.get("JREG_HOME");
        if (jregHome != null && !jregHome.isEmpty()) {
            return Path.of(jregHome);
        }
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isEmpty()) {
            return Path.of(xdg, "jreg");
        }
        return home.resolve(".local/share/jreg");
    }
}
