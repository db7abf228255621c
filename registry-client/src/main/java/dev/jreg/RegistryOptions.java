package dev.jreg;

import dev.jreg.auth.Keychain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * How the registry client connects.
 *
 * @param keychain where credentials come from
 * @param insecureRegistries hosts ({@code host} or {@code host:port}) allowed plain HTTP and
 *     unverified TLS
 * @param userAgent the User-Agent header
 * @param connectTimeout TCP and TLS connect timeout
 * @param readTimeout longest wait for the next bytes of an answer
 * @param debug receives a line for each HTTP request and one for its response (no headers, no query
 *     strings), or null
 * @param certificateRoots folders holding docker-style {@code HOST[:PORT]/} certificate folders
 *     ({@code /etc/docker/certs.d}, {@code ~/.config/jreg/certs.d}), searched in order
 * @param proxy HTTP(S) proxies
 * @param retry how transient failures are retried
 */
public record RegistryOptions(Keychain keychain, Set<String> insecureRegistries, String userAgent,
        Duration connectTimeout, Duration readTimeout, Consumer<String> debug, List<Path> certificateRoots,
        ProxySettings proxy, RetryPolicy retry) {

    /** Fills defaults and copies the host set. */
    public RegistryOptions {
        keychain = keychain == null ? Keychain.ANONYMOUS : keychain;
        insecureRegistries = insecureRegistries == null ? Set.of()
                : insecureRegistries.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        userAgent = userAgent == null ? "jreg" : userAgent;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(30) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(60) : readTimeout;
        certificateRoots = certificateRoots == null ? List.of() : List.copyOf(certificateRoots);
        proxy = proxy == null ? ProxySettings.NONE : proxy;
        retry = retry == null ? RetryPolicy.DEFAULT : retry;
    }

    /** Without certificate folders or proxies. */
    public RegistryOptions(Keychain keychain, Set<String> insecureRegistries, String userAgent, Duration connectTimeout,
            Duration readTimeout, Consumer<String> debug) {
        this(keychain, insecureRegistries, userAgent, connectTimeout, readTimeout, debug, null, null, null);
    }

    /** The same options with more hosts allowed plain HTTP and unverified TLS. */
    public RegistryOptions withInsecure(Set<String> more) {
        Set<String> all = new java.util.HashSet<>(insecureRegistries);
        all.addAll(more);
        return new RegistryOptions(keychain, all, userAgent, connectTimeout, readTimeout, debug, certificateRoots, proxy,
                retry);
    }

    /** The same options with another retry policy. */
    public RegistryOptions withRetry(RetryPolicy policy) {
        return new RegistryOptions(keychain, insecureRegistries, userAgent, connectTimeout, readTimeout, debug,
                certificateRoots, proxy, policy);
    }

    /** Anonymous access with default timeouts. */
    public static RegistryOptions defaults() {
        return new RegistryOptions(null, null, null, null, null, null);
    }
}
