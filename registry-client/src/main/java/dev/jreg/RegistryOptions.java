package dev.jreg;

import dev.jreg.auth.DockerConfigKeychain;
import dev.jreg.auth.Keychain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * How the registry client connects. {@link #defaults()} is anonymous and trusts the system's CAs
 * alone; {@link #fromEnvironment(Map, Path)} is what the {@code jreg} command starts from: the
 * user's credential files, certs.d folders and proxies.
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
 *     ({@code ~/.config/jreg/certs.d}, {@code /etc/docker/certs.d}), searched in order; the first
 *     that has a registry's folder gives its CAs and client certificate
 * @param proxy HTTP(S) proxies
 * @param retry how transient failures are retried
 * @param dns by registry (as named in references, {@code docker.io} for Docker Hub), the DNS
 *     servers that resolve its hosts, tried in order: its API host, its token realm and the hosts
 *     its blobs are redirected to; the key {@value #EVERY_REGISTRY} for the registries without an
 *     entry. Other hosts (proxies, DNS-over-HTTPS servers, URLs that are not registries') are
 *     resolved the system's way.
 */
public record RegistryOptions(Keychain keychain, Set<String> insecureRegistries, String userAgent,
        Duration connectTimeout, Duration readTimeout, Consumer<String> debug, List<Path> certificateRoots,
        ProxySettings proxy, RetryPolicy retry, Map<String, List<DnsServer>> dns) {
    /** The key of {@link #dns} for every registry. */
    public static final String EVERY_REGISTRY = "*";

    /** docker's own certs.d folder, searched after the user's. */
    private static final Path SYSTEM_CERTIFICATES = Path.of("/etc/docker/certs.d");

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
        dns = dns == null ? Map.of() : dns.entrySet().stream().collect(Collectors.toUnmodifiableMap(
                entry -> entry.getKey().toLowerCase(Locale.ROOT), entry -> List.copyOf(entry.getValue())));
    }

    /** Without DNS servers of their own: every host is resolved the system's way. */
    public RegistryOptions(Keychain keychain, Set<String> insecureRegistries, String userAgent, Duration connectTimeout,
            Duration readTimeout, Consumer<String> debug, List<Path> certificateRoots, ProxySettings proxy,
            RetryPolicy retry) {
        this(keychain, insecureRegistries, userAgent, connectTimeout, readTimeout, debug, certificateRoots, proxy, retry,
                null);
    }

    /** Without certificate folders or proxies. */
    public RegistryOptions(Keychain keychain, Set<String> insecureRegistries, String userAgent, Duration connectTimeout,
            Duration readTimeout, Consumer<String> debug) {
        this(keychain, insecureRegistries, userAgent, connectTimeout, readTimeout, debug, null, null, null, null);
    }

    /** The same options with more hosts allowed plain HTTP and unverified TLS. */
    public RegistryOptions withInsecure(Set<String> more) {
        Set<String> all = new java.util.HashSet<>(insecureRegistries);
        all.addAll(more);
        return new RegistryOptions(keychain, all, userAgent, connectTimeout, readTimeout, debug, certificateRoots, proxy,
                retry, dns);
    }

    /** The same options with another retry policy. */
    public RegistryOptions withRetry(RetryPolicy policy) {
        return new RegistryOptions(keychain, insecureRegistries, userAgent, connectTimeout, readTimeout, debug,
                certificateRoots, proxy, policy, dns);
    }

    /** The same options with another User-Agent header. */
    public RegistryOptions withUserAgent(String other) {
        return new RegistryOptions(keychain, insecureRegistries, other, connectTimeout, readTimeout, debug,
                certificateRoots, proxy, retry, dns);
    }

    /**
     * The same options with other timeouts.
     *
     * @param connect TCP and TLS connect timeout
     * @param read longest wait for the next bytes of an answer
     */
    public RegistryOptions withTimeouts(Duration connect, Duration read) {
        return new RegistryOptions(keychain, insecureRegistries, userAgent, connect, read, debug, certificateRoots,
                proxy, retry, dns);
    }

    /** The same options with HTTP exchanges told to {@code sink} (null: to nobody), one line each. */
    public RegistryOptions withDebug(Consumer<String> sink) {
        return new RegistryOptions(keychain, insecureRegistries, userAgent, connectTimeout, readTimeout, sink,
                certificateRoots, proxy, retry, dns);
    }

    /**
     * The same options with DNS servers for a registry, replacing any it had.
     *
     * @param registry as named in references, or {@value #EVERY_REGISTRY} for the registries
     *     without servers of their own
     * @param servers tried in order; empty: the system's way
     */
    public RegistryOptions withDns(String registry, List<DnsServer> servers) {
        Map<String, List<DnsServer>> all = new java.util.HashMap<>(dns);
        all.put(registry, servers);
        return new RegistryOptions(keychain, insecureRegistries, userAgent, connectTimeout, readTimeout, debug,
                certificateRoots, proxy, retry, all);
    }

    /** The DNS servers of a registry (as named in references), in order; empty: the system's way. */
    public List<DnsServer> dnsOf(String registry) {
        List<DnsServer> own = dns.get(registry.toLowerCase(Locale.ROOT));
        return own != null && !own.isEmpty() ? own : dns.getOrDefault(EVERY_REGISTRY, List.of());
    }

    /**
     * Anonymous access with default timeouts: no credentials, no certs.d folders (the system's CAs
     * alone), no proxies, no insecure registries, {@link RetryPolicy#DEFAULT}.
     */
    public static RegistryOptions defaults() {
        return new RegistryOptions(null, null, null, null, null, null);
    }

    /**
     * {@link #fromEnvironment(Map, Path, Consumer)} without warnings: a podman or skopeo credentials
     * file that is not valid JSON fails each lookup that reaches it, as docker's own file does (an
     * {@link java.io.UncheckedIOException} around an {@link dev.jreg.error.InvalidContentException}
     * naming the file).
     *
     * @throws IllegalArgumentException naming the variable, when a proxy variable cannot be used
     *     ({@link ProxySettings#fromEnvironment})
     */
    public static RegistryOptions fromEnvironment(Map<String, String> env, Path home) {
        return fromEnvironment(env, home, null);
    }

    /**
     * The options the {@code jreg} command starts from, before its flags and config file:
     * <ul>
     * <li>credentials from the files {@link DockerConfigKeychain#lookupOrder} names, the first that
     *     has some for an image giving them: docker's {@code $DOCKER_CONFIG/config.json}
     *     ({@code ~/.docker/config.json}), then podman's and skopeo's {@code $REGISTRY_AUTH_FILE}
     *     or {@code $XDG_RUNTIME_DIR/containers/auth.json}, then
     *     {@code $XDG_CONFIG_HOME/containers/auth.json} ({@code ~/.config/containers/auth.json});
     *     credential helpers found on {@code env}'s {@code PATH};</li>
     * <li>certs.d folders, searched in order: {@code certs.d} in {@link JregOptions#configDirectory}
     *     ({@code $XDG_CONFIG_HOME/jreg/certs.d}, else {@code ~/.config/jreg/certs.d}), then
     *     {@code /etc/docker/certs.d};</li>
     * <li>proxies from {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY}, upper case
     *     first ({@link ProxySettings#fromEnvironment});</li>
     * <li>and as {@link #defaults()}: no insecure registries, User-Agent {@code jreg}, 30 s to
     *     connect, 60 s for the next bytes of an answer, no debug lines, {@link RetryPolicy#DEFAULT}.</li>
     * </ul>
     * No file is read until a registry is reached; the {@code with…} methods change the rest.
     *
     * @param env the environment ({@code System.getenv()} for the user's)
     * @param home the user's home directory ({@code user.home})
     * @param warnings told once per file, in one line starting {@code warning: }, of a podman or
     *     skopeo credentials file that is not valid JSON, which is then passed over (podman's file is
     *     neither jreg's nor docker's, and must not stop every call); null: such a file is an error,
     *     as in {@link #fromEnvironment(Map, Path)}
     * @throws IllegalArgumentException naming the variable, when a proxy variable cannot be used
     *     ({@link ProxySettings#fromEnvironment})
     */
    public static RegistryOptions fromEnvironment(Map<String, String> env, Path home, Consumer<String> warnings) {
        return new RegistryOptions(Keychain.firstOf(DockerConfigKeychain.lookupOrder(env, home, warnings)), null, null,
                null, null, null, List.of(JregOptions.configDirectory(env, home).resolve("certs.d"), SYSTEM_CERTIFICATES),
                ProxySettings.fromEnvironment(env), null);
    }
}
