package dev.jreg.internal.registry;

import dev.jreg.DnsServer;
import dev.jreg.RegistryOptions;
import dev.jreg.auth.Credentials;
import dev.jreg.error.RegistryException;
import dev.jreg.error.UnreachableException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.dnsoverhttps.DnsOverHttps;

/**
 * The HTTP layer: one OkHttp client (plus an unverified-TLS twin for insecure registries), the
 * per-host state, and the {@code /v2/} ping that decides a host's scheme and learns its challenge.
 */
final class RegistryHttp {
    /** The longest a registry's DNS server has to answer before the next is asked, as in resolv.conf. */
    private static final Duration DNS_TIMEOUT = Duration.ofSeconds(5);
    /**
     * OkHttp's log, held so that its filter stays: {@link DnsOverHttps} warns of each answer not
     * over HTTP/2, which RFC 8484 recommends but does not require, and these clients speak
     * HTTP/1.1 only.
     */
    private static final Logger OKHTTP_LOG = Logger.getLogger(OkHttpClient.class.getName());
    private final RegistryOptions options;
    private final ProxyRoutes proxies;
    private final SystemTls systemTls = new SystemTls();
    private OkHttpClient verified;
    private final TokenClient tokens;
    private final Map<String, HostState> hosts = new HashMap<>();
    /** The state of a registry for credentials other than those it was pinged with, by registry and credentials. */
    private final Map<Map.Entry<String, Optional<Credentials>>, HostState> otherCredentials = new HashMap<>();
    /** Credentials per registry and repository, looked up once: a credential helper is a process. */
    private final Map<String, Optional<Credentials>> lookedUp = new HashMap<>();
    private OkHttpClient unverified;
    /** Per host, the client of its certs.d folder, or empty when it has none; looked up once. */
    private final Map<String, Optional<OkHttpClient>> byCertificateFolder = new HashMap<>();
    /** Per registry API host ({@code host:port}), the resolver of its DNS servers, for its token realm. */
    private final Map<String, RegistryDns> dnsByApiHost = new HashMap<>();
    private final HttpsDnsServers httpsDnsServers = new HttpsDnsServers();

    /** Null, or the budgets manifest GETs wait for. */
    private final PullLimits pullLimits;

    /** @param pullLimits null, or the pull budgets manifest GETs wait for */
    RegistryHttp(RegistryOptions options, PullLimits pullLimits) {
        this.options = options;
        this.pullLimits = pullLimits;
        this.proxies = new ProxyRoutes(options.proxy());
        this.tokens = new TokenClient(this::clientForRealm, options);
    }

    /**
     * The shared client, built on first use, which commands that never reach a registry (images,
     * rm) should not pay for; the others are made from it. The system's CAs load only at the first handshake that needs them
     * ({@link SystemTls}): a registry with a certs.d folder gets its own client with
     * {@link TlsMaterial}, and one whose private CA vouches for it never needs them.
     */
    private synchronized OkHttpClient verified() {
        if (verified != null) {
            return verified;
        }
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequestsPerHost(16);
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(16, 5, TimeUnit.MINUTES))
                .connectTimeout(options.connectTimeout())
                // Reads time out in the kernel: see RegistrySockets. That needs a socket per
                // exchange, so HTTP/1.1 only: under HTTP/2 one stream that stalls while others on
                // its connection move would never time out. A blob per connection also keeps
                // parallel downloads clear of HTTP/2's shared flow-control window.
                .protocols(List.of(Protocol.HTTP_1_1))
                .readTimeout(Duration.ZERO)
                .socketFactory(new RegistrySockets((int) options.readTimeout().toMillis()))
                .sslSocketFactory(systemTls.socketFactory(), systemTls)
                .writeTimeout(Duration.ZERO) // enforced by RegistrySockets too
                .proxySelector(proxies.selector())
                .proxyAuthenticator(proxies.authenticator())
                .addNetworkInterceptor(proxies.preemptiveAuthorization());
        if (pullLimits != null) {
            // Outside the retries: a retry of a GET that started is no new pull to hold back.
            builder.addInterceptor(pullLimits.gate()).addNetworkInterceptor(pullLimits.reader());
        }
        builder.addInterceptor(new RetryInterceptor(options.retry(), options.debug()))
                // Inert on pings and token requests, which name no registry to authenticate to.
                .addInterceptor(new AuthInterceptor());
        if (options.debug() != null) {
            builder.addNetworkInterceptor(debugLogger());
        }
        verified = builder.build();
        return verified;
    }

    /**
     * The state of a registry for one repository, pinging the registry the first time it is used.
     * The keychain may hold credentials for the repository apart from the registry's (podman's
     * {@code registry/namespace} keys); those get a state of their own.
     *
     * @param repository the repository path, or null for the registry as a whole
     */
    synchronized HostState host(String registry, String apiHost, String repository) throws IOException {
        Optional<Credentials> credentials = lookedUp.computeIfAbsent(registry + "/" + (repository == null ? "" : repository),
                key -> options.keychain().lookup(registry, repository));
        HostState state = hosts.get(registry);
        if (state == null) {
            state = probe(registry, apiHost, credentials);
            hosts.put(registry, state);
        }
        HostState pinged = state;
        return pinged.credentials().equals(credentials) ? pinged : otherCredentials.computeIfAbsent(
                Map.entry(registry, credentials), key -> pinged.withCredentials(credentials));
    }

    /**
     * A fresh state for a registry that presents these credentials, pinged now: {@link #host}
     * keeps it, a check of credentials does not. The certs.d folder is read before the ping, so
     * that a file there that cannot be used is reported as the configuration problem it is (exit
     * 7), not as an unreachable registry.
     */
    HostState probe(String registry, String apiHost, Optional<Credentials> credentials) throws IOException {
        boolean insecure = isInsecure(options, apiHost) || isInsecure(options, registry);
        OkHttpClient client = insecure ? insecureClient() : withCertificates(apiHost);
        boolean certificateFolder = client != verified();
        try {
            return resolve(registry, apiHost, insecure, certificateFolder, withDns(registry, apiHost, client),
                    credentials);
        } catch (IOException e) {
            throw e instanceof RegistryException ? e : unreachableThroughProxy(registry, apiHost, e);
        }
    }

    /**
     * A registry that could not be reached; when a proxy stands between, one that refused the
     * connection or whose name is not found is the proxy's failure, not the registry's (whose
     * name only the proxy resolves), and is named so.
     */
    private UnreachableException unreachableThroughProxy(String registry, String apiHost, IOException e) {
        HttpUrl url = HttpUrl.parse("https://" + apiHost);
        boolean proxyFailed = url != null && causes(e).anyMatch(t -> t instanceof java.net.ConnectException
                || t instanceof java.net.UnknownHostException);
        String proxy = proxyFailed ? proxies.describe(url.scheme(), url.host(), url.port()) : null;
        return unreachable(proxy != null ? proxy + " for registry " + registry : "registry " + registry, registry, e,
                options.certificateRoots());
    }

    /** A failure and its causes, outermost first. */
    static Stream<Throwable> causes(Throwable e) {
        return Stream.iterate(e, Objects::nonNull, Throwable::getCause);
    }

    /**
     * @param what "registry HOST" or "token server HOST", for the message
     * @param registry the registry whose certs.d folder and --insecure-registry flag would help
     * @param certificateRoots the certs.d folders searched, named where a certificate would go
     */
    static UnreachableException unreachable(String what, String registry, IOException failure, List<Path> certificateRoots) {
        return unreachable(what, registry, registry, failure, certificateRoots);
    }

    /**
     * {@link #unreachable(String, String, IOException, List)} for a host reached on the registry's
     * behalf (its token server), which {@code --insecure-registry} must name itself.
     */
    static UnreachableException unreachable(String what, String registry, String host, IOException failure,
            List<Path> certificateRoots) {
        // The last attempt's failure, and how many were made: the README promises the count.
        IOException e = failure;
        String attempts = "";
        if (failure instanceof RetryInterceptor.RetriesExhaustedException retried && retried.getCause() instanceof IOException last) {
            e = last;
            attempts = " (" + retried.attempts() + " attempts)";
        }
        return new UnreachableException("cannot reach " + what + ": " + why(what, registry, host, e, certificateRoots)
                + attempts, failure);
    }

    /**
     * What went wrong in reaching a host, for {@link #unreachable}'s message, hints included: where
     * a CA would go, how to mark the host insecure.
     */
    static String why(String what, String registry, String host, IOException e, List<Path> certificateRoots) {
        String why;
        if (e instanceof RegistryDns.NotFound) {
            why = e.getMessage();
        } else if (e instanceof java.net.UnknownHostException) {
            why = "host not found";
        } else if (e instanceof java.net.SocketTimeoutException) {
            why = "timed out";
        } else if (datesProblem(e) != null) {
            why = datesProblem(e);
        } else if (e instanceof javax.net.ssl.SSLPeerUnverifiedException && e.getMessage() != null
                && e.getMessage().contains("not verified")) {
            why = "its TLS certificate is not for " + registry + namesIn(e.getMessage());
        } else if (e instanceof SSLException && isCertificateProblem(e)) {
            why = "its TLS certificate is not trusted (" + rootMessage(e) + "); put its CA in "
                    + certificatePlaces(certificateRoots, registry, "ca.crt") + ", or mark " + (what.startsWith("registry ")
                    ? "the registry" : "it") + " insecure (--insecure-registry " + host + ")";
        } else if (isClientCertificateRefusal(e)) {
            why = "TLS failed (" + rootMessage(e) + "); the registry may require a client certificate: put"
                    + " client.cert and client.key in " + certificatePlaces(certificateRoots, registry, "");
        } else if (e instanceof SSLException) {
            why = "TLS failed: " + rootMessage(e);
        } else {
            why = rootMessage(e);
        }
        return why;
    }

    /**
     * Where a file of a registry's certs.d folder goes: under each folder searched, so that the
     * message names those the caller's options search ({@code $XDG_CONFIG_HOME/jreg/certs.d} when
     * set), or, where they search none, how to have some searched.
     *
     * @param file a file's name, or empty for the registry's folder itself
     */
    private static String certificatePlaces(List<Path> certificateRoots, String registry, String file) {
        Path inFolder = Path.of(registry).resolve(file);
        if (certificateRoots.isEmpty()) {
            return inFolder + " of a certs.d folder (none is searched: RegistryOptions.fromEnvironment searches the user's)";
        }
        return certificateRoots.stream().map(root -> root.resolve(inFolder).toString())
                .collect(java.util.stream.Collectors.joining(" or "));
    }

    /** The message of an expired or not-yet-valid certificate in the causes, or null. */
    private static String datesProblem(Throwable e) {
        return causes(e).filter(t -> t instanceof java.security.cert.CertificateExpiredException
                || t instanceof java.security.cert.CertificateNotYetValidException)
                .findFirst().map(Throwable::getMessage).orElse(null);
    }

    /** The names a certificate is for, from OkHttp's "not verified" message (its last line lists them). */
    private static String namesIn(String message) {
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("subjectAltNames: \\[(.*)]").matcher(message);
        return names.find() ? " (it names " + (names.group(1).isBlank() ? "nothing" : names.group(1)) + ")" : "";
    }

    /** TLS 1.3 reports a missing client certificate late, as an alert or even a broken pipe. */
    private static boolean isClientCertificateRefusal(Throwable e) {
        String message = rootMessage(e).toLowerCase(Locale.ROOT);
        return message.contains("certificate_required") || message.contains("bad_certificate")
                || isBrokenConnection(e) && e instanceof SSLException;
    }

    /** The connection broke under the exchange: a broken pipe or a reset. */
    private static boolean isBrokenConnection(Throwable e) {
        String message = rootMessage(e).toLowerCase(Locale.ROOT);
        return message.contains("broken pipe") || message.contains("connection reset");
    }

    /** The innermost cause's message, which says what the socket saw, else its type in words. */
    static String rootMessage(Throwable e) {
        Throwable root = causes(e).reduce((outer, inner) -> inner).orElseThrow();
        return root.getMessage() != null && !root.getMessage().isBlank() ? root.getMessage() : inWords(root);
    }

    /**
     * A failure as a short phrase: {@code timed out} for any timeout, else the failure's message,
     * else what its type stands for ({@code port unreachable}, {@code connection refused}), never
     * a Java class name.
     */
    static String phrase(Throwable e) {
        if (e instanceof java.net.SocketTimeoutException || e instanceof java.util.concurrent.TimeoutException) {
            return "timed out";
        }
        return e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : inWords(e);
    }

    /** A failure without a message, by its type: the JDK's socket failures often carry none. */
    private static String inWords(Throwable e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.io.EOFException) {
            return "connection closed early";
        }
        // PortUnreachableException -> port unreachable, NoRouteToHostException -> no route to host
        String name = e.getClass().getSimpleName().replaceFirst("(Exception|Error)$", "");
        return String.join(" ", name.split("(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")).toLowerCase(Locale.ROOT);
    }

    /**
     * A {@code GET} of any URL through the shared client, as registries are reached (proxies, the
     * system's CAs, retries, redirects followed), sending no credentials. The caller closes the
     * response.
     */
    Response get(HttpUrl url) throws IOException {
        return verified().newCall(new Request.Builder().url(url).header("User-Agent", options.userAgent()).build())
                .execute();
    }

    /** Runs a request as the given registry, in the given scope. The caller closes the response. */
    Response execute(HostState host, Request.Builder request, Scope scope) throws IOException {
        return call(host, request, scope).execute();
    }

    /**
     * Runs a request whose answer must succeed: with one of {@code expected}, or with any 2xx when
     * none is given. Any other answer is thrown as the registry's error about {@code what}.
     *
     * @return the answer, for the caller to close
     */
    Response expect(HostState host, Request.Builder request, Scope scope, String what, Integer... expected)
            throws IOException {
        Response response = execute(host, request, scope);
        if (expected.length == 0 ? response.isSuccessful() : List.of(expected).contains(response.code())) {
            return response;
        }
        throw Errors.of(response, what);
    }

    /**
     * Runs a request for its status and headers only: the connection is closed under the body,
     * unread, where closing the response alone would read on for a while to reuse it.
     *
     * @return the answer, closed
     */
    Response executeForHeaders(HostState host, Request.Builder request, Scope scope) throws IOException {
        Call call = call(host, request, scope);
        Response response = call.execute();
        call.cancel();
        response.close();
        return response;
    }

    private Call call(HostState host, Request.Builder request, Scope scope) {
        Request built = request.header("User-Agent", options.userAgent())
                .tag(AuthInterceptor.Target.class, new AuthInterceptor.Target(host, scope))
                .build();
        return host.client().newCall(built);
    }

    /** @param certificateFolder whether the registry has a certs.d folder, which says it speaks TLS */
    private HostState resolve(String registry, String apiHost, boolean insecure, boolean certificateFolder,
            OkHttpClient client, Optional<Credentials> credentials) throws IOException {
        HttpUrl https = HttpUrl.get("https://" + apiHost + "/");
        HttpUrl http = HttpUrl.get("http://" + apiHost + "/");
        if (insecure) {
            try {
                return pingTls(registry, https, client, credentials);
            } catch (SSLException e) {
                if (isCertificateProblem(e) || isClientCertificateRefusal(e)) {
                    throw e;
                }
                // A plain-HTTP server answers a TLS hello with text: fall back, as docker does for insecure registries.
            }
            return ping(registry, http, client, credentials, false);
        }
        // A certs.d folder says the registry speaks TLS, loopback or not.
        if (!Loopback.isLoopback(apiHost) || certificateFolder) {
            return pingTls(registry, https, client, credentials);
        }
        // Loopback registries almost always speak plain HTTP: ask that first (the ping carries no
        // credentials) and spare the TLS set-up; a TLS port answers 400 or drops the connection.
        try {
            return ping(registry, http, client, credentials, true);
        } catch (IOException notPlain) {
            // A registry's answer in plain HTTP is final; one that accepted and stayed silent would
            // be as silent over TLS.
            if (notPlain instanceof RegistryException || timedOut(notPlain)) {
                throw notPlain;
            }
            return pingTls(registry, https, client, credentials);
        }
    }

    private static boolean timedOut(IOException e) {
        return e instanceof java.net.SocketTimeoutException
                || e instanceof RetryInterceptor.RetriesExhaustedException && e.getCause() instanceof java.net.SocketTimeoutException;
    }

    /**
     * A ping over TLS. A registry that refuses the client's certificate (or its lack of one) under
     * TLS 1.3 only drops the connection after the handshake, which surfaces as a broken pipe or a
     * reset on the socket: reported as the TLS failure it is.
     */
    private HostState pingTls(String registry, HttpUrl https, OkHttpClient client, Optional<Credentials> credentials)
            throws IOException {
        try {
            return ping(registry, https, client, credentials, false);
        } catch (IOException e) {
            throw e instanceof SSLException || !isBrokenConnection(e) ? e : new SSLException(rootMessage(e), e);
        }
    }

    /** A plain-HTTP ping reached a TLS port. */
    private static final class SpeaksTls extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /**
     * The verified client, with the certs.d CAs and client certificate of the first of these
     * hosts that has a folder; one client per folder, made once.
     */
    private synchronized OkHttpClient withCertificates(String... hosts) throws IOException {
        for (String host : hosts) {
            Optional<OkHttpClient> client = byCertificateFolder.get(host);
            if (client == null) {
                client = TlsMaterial.find(options.certificateRoots(), host).map(material -> verified().newBuilder()
                        .sslSocketFactory(material.socketFactory(), material.trustManager())
                        .build());
                byCertificateFolder.put(host, client);
            }
            if (client.isPresent()) {
                return client.get();
            }
        }
        return verified();
    }

    /**
     * The client resolving through the registry's DNS servers, when it has some: its API host,
     * and the hosts its redirects lead to, which OkHttp follows with the same client.
     */
    private synchronized OkHttpClient withDns(String registry, String apiHost, OkHttpClient client) {
        List<dev.jreg.DnsServer> servers = options.dnsOf(registry);
        if (servers.isEmpty()) {
            return client;
        }
        RegistryDns dns = dnsByApiHost.computeIfAbsent(apiHost,
                host -> new RegistryDns(servers, httpsDnsServers, dnsTimeout(), options.debug()));
        return client.newBuilder().dns(dns).build();
    }

    /** A DNS server that does not answer must not hold up each connection for long: the next one may. */
    private Duration dnsTimeout() {
        return options.connectTimeout().compareTo(DNS_TIMEOUT) < 0 ? options.connectTimeout() : DNS_TIMEOUT;
    }

    /**
     * DNS-over-HTTPS servers, through OkHttp's {@link DnsOverHttps}, one per server, made on first
     * use. Each is reached as a registry is, with the same trust: proxies, its own certs.d folder
     * ({@code HOST[:PORT]}) else the system's CAs, no verification when marked insecure. Its client
     * resolves the server's own name the system's way, never through a registry's servers (an IP
     * address needs no lookup), sends no credentials (the authorizing interceptor is left out) and
     * does not retry: the next server is the retry.
     */
    private final class HttpsDnsServers implements RegistryDns.OverHttps {
        private final Map<DnsServer, Dns> resolvers = new HashMap<>();

        @Override
        public List<InetAddress> lookup(DnsServer server, String hostname) throws UnknownHostException {
            Dns resolver;
            try {
                resolver = resolver(server);
            } catch (IOException e) { // a certs.d file that cannot be used
                UnknownHostException failure = new UnknownHostException(hostname);
                failure.initCause(e);
                throw failure;
            }
            return resolver.lookup(hostname);
        }

        @Override
        public String why(DnsServer server, IOException failure) {
            String host = hostPort(server);
            return RegistryHttp.why("DNS server " + server, host, host, failure, options.certificateRoots());
        }

        /** Under the transport's lock, which {@link #withCertificates} takes too: one lock, no deadlock. */
        private Dns resolver(DnsServer server) throws IOException {
            synchronized (RegistryHttp.this) {
                Dns resolver = resolvers.get(server);
                if (resolver == null) {
                    OKHTTP_LOG.setFilter(record -> record.getMessage() == null
                            || !record.getMessage().startsWith("Incorrect protocol"));
                    String host = hostPort(server);
                    OkHttpClient.Builder client = (isInsecure(options, host) ? insecureClient() : withCertificates(host))
                            .newBuilder().connectTimeout(dnsTimeout()).callTimeout(dnsTimeout());
                    client.interceptors().clear();
                    resolver = new DnsOverHttps.Builder().client(client.build())
                            .url(new HttpUrl.Builder().scheme("https").host(server.host()).port(server.port())
                                    .encodedPath(server.path()).build())
                            // Registries on private names are what DNS servers of their own are for.
                            .resolvePrivateAddresses(true)
                            .build();
                    resolvers.put(server, resolver);
                }
                return resolver;
            }
        }

        /** The server's {@code HOST[:PORT]}, as its certs.d folder and {@code --insecure-registry} name it. */
        private static String hostPort(DnsServer server) {
            String host = server.host().contains(":") ? "[" + server.host() + "]" : server.host();
            return server.port() == DnsServer.HTTPS_PORT ? host : host + ":" + server.port();
        }
    }

    private static boolean isCertificateProblem(Throwable e) {
        return causes(e).anyMatch(t -> t instanceof java.security.cert.CertificateException
                || t instanceof java.security.cert.CertPathValidatorException);
    }

    private HostState ping(String registry, HttpUrl base, OkHttpClient client, Optional<Credentials> credentials,
            boolean probingPlain) throws IOException {
        HttpUrl url = base.resolve("/v2/");
        Request request = new Request.Builder().url(url).header("User-Agent", options.userAgent())
                .tag(RetryInterceptor.Probe.class, probingPlain ? RetryInterceptor.Probe.INSTANCE : null).build();
        try (Response response = client.newCall(request).execute()) {
            if (probingPlain && response.code() == 400) {
                throw new SpeaksTls();
            }
            if (!response.isSuccessful() && response.code() != 401) {
                String reason = response.code() == 404 ? "no registry API at " + Errors.redact(url) + " (HTTP 404)"
                        : Errors.statusText(response.code());
                throw new RegistryException(registry + ": " + reason, response.code(), "GET", Errors.redact(url), List.of());
            }
            Challenge challenge = response.code() == 401 ? Challenge.of(response) : null;
            return new HostState(base, client, tokens, credentials, challenge,
                    pullLimits == null ? null : pullLimits.budget(registry));
        }
    }

    /**
     * The client for a token realm: unverified when its host is marked insecure; else with the
     * realm host's own certs.d folder, else the registry's (docker reaches the token server with
     * the registry's TLS settings, so a private CA given for the registry covers its token server).
     */
    private OkHttpClient clientForRealm(HttpUrl registry, HttpUrl realm) throws IOException {
        String realmHost = TokenClient.hostPort(realm);
        OkHttpClient client = isInsecure(options, realmHost) ? insecureClient()
                : withCertificates(realmHost, TokenClient.hostPort(registry));
        RegistryDns dns;
        synchronized (this) {
            dns = dnsByApiHost.get(TokenClient.hostPort(registry));
        }
        return dns == null ? client : client.newBuilder().dns(dns).build();
    }

    /** A client that skips certificate checks, built only when a registry is marked insecure. */
    private synchronized OkHttpClient insecureClient() {
        if (unverified == null) {
            X509TrustManager trustAll = new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            };
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
                unverified = verified().newBuilder()
                        .sslSocketFactory(context.getSocketFactory(), trustAll)
                        .hostnameVerifier((hostname, session) -> true)
                        .build();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("TLS is not available", e);
            }
        }
        return unverified;
    }

    /** One line per exchange, with no headers and no query string, so no secret can reach the log. */
    private Interceptor debugLogger() {
        return chain -> {
            Request request = chain.request();
            long start = System.nanoTime();
            options.debug().accept("> " + request.method() + " " + Errors.redact(request.url())
                    + (request.header("Authorization") != null ? " (authorized)" : ""));
            Response response = chain.proceed(request);
            long millis = (System.nanoTime() - start) / 1_000_000;
            String remaining = response.header("RateLimit-Remaining");
            options.debug().accept("< " + response.code() + " " + Errors.redact(request.url()) + " (" + millis + " ms"
                    + (remaining != null ? ", ratelimit-remaining " + remaining : "") + ")");
            return response;
        };
    }

    /** True when plain HTTP may be used: loopback hosts, as docker allows, and insecure ones. */
    static boolean allowsPlainHttp(RegistryOptions options, String hostPort) {
        return Loopback.isLoopback(hostPort) || isInsecure(options, hostPort);
    }

    /** True when the user marked this registry insecure, by {@code host:port} or by bare host. */
    static boolean isInsecure(RegistryOptions options, String hostPort) {
        String lower = hostPort.toLowerCase(Locale.ROOT);
        int colon = lower.lastIndexOf(':');
        String bareHost = colon > 0 && lower.indexOf(']') < colon ? lower.substring(0, colon) : lower;
        return options.insecureRegistries().contains(lower) || options.insecureRegistries().contains(bareHost);
    }
}
