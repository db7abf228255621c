package dev.jreg.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * The real CNCF distribution registry ({@code /usr/bin/docker-registry}) on 127.0.0.1, started
 * for a test class and stopped by its own process handle. Open, htpasswd or token auth; plain HTTP,
 * HTTPS or mutual TLS.
 */
public final class DistributionRegistry implements AutoCloseable {
    /** The registry program; {@code -Djreg.registry.binary=PATH} points elsewhere. */
    public static final Path BINARY = Path.of(System.getProperty("jreg.registry.binary", "/usr/bin/docker-registry"));
    private static final Duration START_DEADLINE = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path log;
    private final Path storage;
    private final TokenIssuer issuer;
    private final TestPki pki;

    private DistributionRegistry(Process process, int port, Path log, Path storage, TokenIssuer issuer, TestPki pki) {
        this.pki = pki;
        this.process = process;
        this.port = port;
        this.log = log;
        this.storage = storage;
        this.issuer = issuer;
    }

    /** A registry without authentication. */
    public static DistributionRegistry open(Path dir) throws Exception {
        return start(dir, "", null, true, null, false);
    }

    /** A registry without authentication whose storage refuses deletes, as by default in production. */
    public static DistributionRegistry openWithoutDeletes(Path dir) throws Exception {
        return start(dir, "", null, false, null, false);
    }

    /**
     * A registry serving HTTPS with the PKI's server certificate; with {@code clientCertificates}
     * it also requires a client certificate signed by the PKI's CA.
     */
    public static DistributionRegistry tls(Path dir, TestPki pki, boolean clientCertificates) throws Exception {
        return start(dir, "", null, true, pki, clientCertificates);
    }

    /** A registry with htpasswd basic auth for these users. */
    public static DistributionRegistry htpasswd(Path dir, Map<String, String> users) throws Exception {
        return htpasswd(dir, users, null);
    }

    /** A registry with htpasswd basic auth for these users, over HTTPS with the PKI's server certificate unless null. */
    public static DistributionRegistry htpasswd(Path dir, Map<String, String> users, TestPki pki) throws Exception {
        StringBuilder file = new StringBuilder();
        for (Map.Entry<String, String> user : users.entrySet()) {
            byte[] salt = new byte[16];
            new java.security.SecureRandom().nextBytes(salt);
            file.append(user.getKey()).append(':')
                    .append(OpenBSDBCrypt.generate("2y", user.getValue().toCharArray(), salt, 4)).append('\n');
        }
        Path htpasswd = dir.resolve("htpasswd");
        Files.writeString(htpasswd, file);
        return start(dir, "auth:\n  htpasswd:\n    realm: jreg-test\n    path: " + htpasswd + "\n", null, true, pki, false);
    }

    /** A registry that trusts tokens from a test token issuer (started here, stopped with the registry). */
    public static DistributionRegistry token(Path dir, Map<String, String> users, java.util.function.Predicate<String> publicRepo)
            throws Exception {
        return token(dir, users, publicRepo, null);
    }

    /**
     * A token-auth registry whose registry and token issuer both serve HTTPS with the PKI's server
     * certificate, unless {@code pki} is null.
     */
    public static DistributionRegistry token(Path dir, Map<String, String> users, java.util.function.Predicate<String> publicRepo,
            TestPki pki) throws Exception {
        TokenIssuer issuer = new TokenIssuer(dir, users, publicRepo, pki);
        String auth = "auth:\n  token:\n    realm: " + issuer.realm() + "\n    service: " + TokenIssuer.SERVICE
                + "\n    issuer: " + TokenIssuer.ISSUER + "\n    rootcertbundle: " + issuer.certificate() + "\n";
        return start(dir, auth, issuer, true, pki, false);
    }

    private static DistributionRegistry start(Path dir, String auth, TokenIssuer issuer, boolean deletes, TestPki pki,
            boolean clientCertificates) throws Exception {
        String tls = pki == null ? "" : "  tls:\n    certificate: " + pki.serverCert + "\n    key: " + pki.serverKey + "\n"
                + (clientCertificates ? "    clientcas:\n      - " + pki.caCert + "\n" : "");
        int port = freePort();
        Path storage = Files.createDirectories(dir.resolve("storage-" + port));
        Path config = dir.resolve("config-" + port + ".yml");
        Files.writeString(config, "version: 0.1\n"
                + "log:\n  level: info\n  formatter: text\n  accesslog:\n    disabled: false\n"
                + "storage:\n  filesystem:\n    rootdirectory: " + storage + "\n  delete:\n    enabled: " + deletes + "\n"
                + "http:\n  addr: 127.0.0.1:" + port + "\n  secret: jreg-test-secret\n" + tls
                + auth);
        Path log = dir.resolve("registry-" + port + ".log");
        ProcessBuilder builder = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // REGISTRY_* variables override the config file; none of the caller's may leak in.
        builder.environment().keySet().removeIf(name -> name.startsWith("REGISTRY_"));
        Process process = builder.start();
        DistributionRegistry registry = new DistributionRegistry(process, port, log, storage, issuer, pki);
        try {
            registry.awaitReady();
        } catch (Exception e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady() throws Exception {
        Instant deadline = Instant.now().plus(START_DEADLINE);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("registry exited with " + process.exitValue() + ":\n" + logText());
            }
            try {
                if (status("/v2/") > 0) {
                    return;
                }
            } catch (IOException notYet) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("registry did not answer on " + hostPort() + " within "
                            + START_DEADLINE + ":\n" + logText());
                }
            }
            process.waitFor(50, TimeUnit.MILLISECONDS);
        }
    }

    private int status(String path) throws IOException {
        if (pki != null) {
            // Readiness of a TLS registry: the port accepts connections (no client certificate needed for that).
            try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                return 200;
            }
        }
        HttpURLConnection connection = (HttpURLConnection) new URL("http://" + hostPort() + path).openConnection();
        connection.setConnectTimeout(1000);
        connection.setReadTimeout(5000);
        try {
            return connection.getResponseCode();
        } finally {
            connection.disconnect();
        }
    }

    /** {@code 127.0.0.1:PORT}. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** The registry's storage directory. */
    public Path storage() {
        return storage;
    }

    /** The token issuer of a token-auth registry, or null. */
    public TokenIssuer issuer() {
        return issuer;
    }

    /**
     * Counts access-log lines of successful requests whose method and path match. Makes a marker
     * request first and waits for it in the log, so every earlier request has been logged.
     */
    public long countRequests(String method, String pathRegex) throws Exception {
        String marker = "/v2/jreg-log-marker-" + UUID.randomUUID() + "/tags/list";
        status(marker);
        Instant deadline = Instant.now().plusSeconds(10);
        while (!logText().contains(marker)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("marker request never reached the registry log");
            }
            process.waitFor(20, TimeUnit.MILLISECONDS);
        }
        Pattern line = Pattern.compile("\"" + method + " " + pathRegex + " HTTP/[0-9.]+\" 2\\d\\d ");
        return logText().lines().filter(l -> line.matcher(l).find()).count();
    }

    /** The registry's log so far. */
    public String logText() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (issuer != null) {
            issuer.close();
        }
    }
}
