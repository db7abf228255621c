package dev.jreg.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.jreg.internal.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A Docker-style token server for the token-auth registry: it signs RS256 JWTs with a key whose
 * self-signed certificate is the registry's {@code rootcertbundle}. Anonymous callers get
 * {@code pull} on public repositories; known users get {@code pull,push} everywhere; a wrong
 * password gets 401.
 */
public final class TokenIssuer implements AutoCloseable {
    public static final String SERVICE = "jreg-test-registry";
    public static final String ISSUER = "jreg-test-issuer";

    private final Map<String, String> users;
    private final Predicate<String> publicRepository;
    private final KeyPair keys;
    private final Path certificate;
    private final HttpServer server;
    private final List<String> grants = new CopyOnWriteArrayList<>();

    /**
     * @param dir where to write the certificate
     * @param users user name to password
     * @param publicRepository repositories anonymous callers may pull
     */
    public TokenIssuer(Path dir, Map<String, String> users, Predicate<String> publicRepository)
            throws IOException, GeneralSecurityException {
        this(dir, users, publicRepository, null);
    }

    /**
     * @param pki serves HTTPS with this PKI's server certificate, as a token server in front of an
     *     HTTPS registry must; null for plain HTTP
     */
    public TokenIssuer(Path dir, Map<String, String> users, Predicate<String> publicRepository, TestPki pki)
            throws IOException, GeneralSecurityException {
        this.users = Map.copyOf(users);
        this.publicRepository = publicRepository;
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        this.keys = generator.generateKeyPair();
        this.certificate = dir.resolve("token-issuer.pem");
        writeCertificate();
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        if (pki == null) {
            this.server = HttpServer.create(loopback, 0);
        } else {
            HttpsServer https = HttpsServer.create(loopback, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(pki.serverContext()));
            this.server = https;
        }
        server.createContext("/token", this::handle);
        server.start();
    }

    /** The realm URL the registry names in its challenges. */
    public String realm() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://" + hostPort() + "/token";
    }

    /** {@code 127.0.0.1:PORT}. */
    public String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** The PEM certificate the registry trusts. */
    public Path certificate() {
        return certificate;
    }

    /** One line per token issued: {@code user|anonymous scope… -> granted}. */
    public List<String> grants() {
        return List.copyOf(grants);
    }

    private void writeCertificate() throws IOException, GeneralSecurityException {
        try {
            X500Name name = new X500Name("CN=" + ISSUER);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(2, ChronoUnit.DAYS)), name, keys.getPublic());
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
            try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(certificate))) {
                writer.writeObject(cert);
            }
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String user = null;
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null && authorization.startsWith("Basic ")) {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                String name = decoded.substring(0, colon);
                if (!decoded.substring(colon + 1).equals(users.get(name))) {
                    grants.add(name + " rejected");
                    send(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}");
                    return;
                }
                user = name;
            }
            List<String> scopes = new ArrayList<>();
            String query = exchange.getRequestURI().getRawQuery();
            for (String pair : query == null ? new String[0] : query.split("&")) {
                if (pair.startsWith("scope=")) {
                    scopes.add(URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8));
                }
            }
            ArrayNode access = Json.array();
            for (String scope : scopes) {
                String[] parts = scope.split(":");
                if (parts.length != 3 || !parts[0].equals("repository")) {
                    continue;
                }
                List<String> granted = new ArrayList<>();
                for (String action : parts[2].split(",")) {
                    // distribution 2.8 asks for "*" to delete; newer registries ask for "delete".
                    boolean allowed = user != null ? List.of("pull", "push", "delete", "*").contains(action)
                            : action.equals("pull") && publicRepository.test(parts[1]);
                    if (allowed) {
                        granted.add(action);
                    }
                }
                ObjectNode entry = access.addObject();
                entry.put("type", "repository");
                entry.put("name", parts[1]);
                granted.forEach(entry.putArray("actions")::add);
            }
            grants.add((user == null ? "anonymous" : user) + " " + String.join(" ", scopes) + " -> " + access);
            String token = sign(user == null ? "" : user, access);
            send(exchange, 200, "{\"token\":\"" + token + "\",\"expires_in\":300,\"issued_at\":\"" + Instant.now() + "\"}");
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private String sign(String subject, ArrayNode access) throws GeneralSecurityException, IOException {
        ObjectNode header = Json.object();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.put("kid", libtrustKeyId());
        long now = Instant.now().getEpochSecond();
        ObjectNode claims = Json.object();
        claims.put("iss", ISSUER);
        claims.put("sub", subject);
        claims.put("aud", SERVICE);
        claims.put("exp", now + 300);
        claims.put("nbf", now - 60);
        claims.put("iat", now);
        claims.put("jti", UUID.randomUUID().toString());
        claims.set("access", access);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(Json.bytes(header)) + "."
                + b64.encodeToString(Json.bytes(claims));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(keys.getPrivate());
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(signature.sign());
    }

    /** The key ID distribution 2.8 expects: base32 of the first 240 bits of SHA-256(SPKI), in groups of four. */
    private String libtrustKeyId() throws GeneralSecurityException {
        byte[] hash = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(keys.getPublic().getEncoded()), 30);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder base32 = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : hash) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                base32.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < base32.length(); i += 4) {
            if (i > 0) {
                id.append(':');
            }
            id.append(base32, i, i + 4);
        }
        return id.toString();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
