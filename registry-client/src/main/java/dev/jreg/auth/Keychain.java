package dev.jreg.auth;

import java.util.List;
import java.util.Optional;

/** Finds credentials for a registry, named as in references ({@code docker.io}, {@code host:port}). */
@FunctionalInterface
public interface Keychain {
    /** A keychain with no credentials. */
    Keychain ANONYMOUS = registry -> Optional.empty();

    /**
     * Looks up credentials.
     *
     * @param registry the registry as it appears in references
     * @return credentials, or empty for anonymous access
     */
    Optional<Credentials> lookup(String registry);

    /**
     * Looks up credentials for one repository, for keychains that keep some per repository
     * (podman's {@code registry/namespace} keys). The default asks {@link #lookup(String)}.
     *
     * @param registry the registry as it appears in references
     * @param repository the repository path ({@code library/nginx}), or null for the registry as a whole
     * @return credentials, or empty for anonymous access
     */
    default Optional<Credentials> lookup(String registry, String repository) {
        return lookup(registry);
    }

    /** A keychain asking each of these in turn; the first that has credentials gives them. */
    static Keychain firstOf(List<? extends Keychain> keychains) {
        List<Keychain> order = List.copyOf(keychains);
        return new Keychain() {
            @Override
            public Optional<Credentials> lookup(String registry) {
                return lookup(registry, null);
            }

            @Override
            public Optional<Credentials> lookup(String registry, String repository) {
                return order.stream().flatMap(keychain -> keychain.lookup(registry, repository).stream()).findFirst();
            }
        };
    }
}
