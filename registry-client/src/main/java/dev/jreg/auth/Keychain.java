package dev.jreg.auth;

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
}
