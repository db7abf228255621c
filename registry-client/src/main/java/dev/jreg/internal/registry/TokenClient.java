package dev.jreg.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.RegistryOptions;
import dev.jreg.error.InvalidContentException;
import dev.jreg.error.UnauthorizedException;
import dev.jreg.internal.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.BufferedSource;

/** Fetches Bearer tokens from a challenge's realm (the Docker token protocol). */
final class TokenClient {
    /** Token servers answer with small JSON; more is hostile. */
    private static final long MAX_TOKEN_BODY = 64 * 1024;
    /** Tokens without {@code expires_in} live 60 s by the spec; shorter ones are clamped to it. */
    private static final long MIN_LIFETIME_SECONDS = 60;
    /** As many as OkHttp would follow. */
    private static final int MAX_REDIRECTS = 20;

    private final RealmClients clients;
    private final RegistryOptions options;

    /** A token and when to stop using it. */
    record Token(String value, Instant expires) {
        boolean usable(Instant now) {
            return now.isBefore(expires);
        }

        @Override
        public String toString() {
            return "Token[<redacted>, expires=" + expires + "]";
        }
    }

    /** Picks the HTTP client that reaches a registry's token realm. */
    @FunctionalInterface
    interface RealmClients {
        /**
         * @param registry the registry's base URL
         * @param realm the token realm it named
         */
        OkHttpClient forRealm(HttpUrl registry, HttpUrl realm) throws IOException;
    }

    /** @param clients picks the HTTP client for a realm (verified TLS unless the host is insecure) */
    TokenClient(RealmClients clients, RegistryOptions options) {
        this.clients = clients;
        this.options = options;
    }

    /**
     * @param registry the registry base URL, against which the realm is resolved and judged
     *     ({@link TokenRealm})
     * @param challenge a Bearer challenge
     * @param scope scopes to ask for, or null for none
     * @param credentials credentials to present, or null for an anonymous token
     */
    Token fetch(HttpUrl registry, Challenge challenge, Scope scope, dev.jreg.auth.Credentials credentials)
            throws IOException {
        HttpUrl realm = TokenRealm.resolve(registry, challenge);
        HttpUrl.Builder url = realm.newBuilder();
        if (challenge.service() != null) {
            url.addQueryParameter("service", challenge.service());
        }
        if (scope != null) {
            scope.values().forEach(value -> url.addQueryParameter("scope", value));
        }
        if (credentials != null && credentials.identityToken() != null) {
            requireSafe(realm);
            return refresh(registry, realm, challenge, scope, credentials);
        }
        Request.Builder request = new Request.Builder().url(url.build()).header("User-Agent", options.userAgent());
        boolean withPassword = credentials != null && credentials.hasPassword();
        if (withPassword) {
            requireSafe(realm);
            request.header("Authorization", okhttp3.Credentials.basic(credentials.username(), credentials.password()));
        }
        try (Response response = call(registry, realm, request.build())) {
            if (response.code() == 401 || response.code() == 403) {
                String reason = withPassword ? "incorrect username or password" : "authentication required";
                throw new UnauthorizedException(hostPort(registry) + ": " + reason
                        + " (token server answered HTTP " + response.code() + ")", response.code(), "GET",
                        Errors.redact(realm), List.of());
            }
            if (!response.isSuccessful()) {
                throw Errors.of(response, "token server " + realm.host());
            }
            return parse(response, realm);
        }
    }

    /**
     * One exchange with the token server; a TLS failure says which server and where its CA goes.
     * Redirects are followed here, not by OkHttp, so that each place a token server sends jreg to
     * is judged as its realm was ({@link TokenRealm#check}) before anything is sent there, and
     * credentials go only to the realm's own origin.
     */
    private Response call(HttpUrl registry, HttpUrl realm, Request request) throws IOException {
        Request current = request;
        for (int redirects = 0;; redirects++) {
            HttpUrl url = current.url();
            Response response;
            try {
                response = clients.forRealm(registry, url).newBuilder().followRedirects(false).followSslRedirects(false)
                        .build().newCall(current).execute();
            } catch (javax.net.ssl.SSLException e) {
                throw RegistryHttp.unreachable("token server " + hostPort(url) + " of " + hostPort(registry),
                        hostPort(registry), hostPort(url), e, options.certificateRoots());
            }
            if (!response.isRedirect()) {
                return response;
            }
            String location = response.header("Location");
            response.close();
            HttpUrl next = location == null ? null : url.resolve(location);
            if (next == null || redirects == MAX_REDIRECTS) {
                throw new InvalidContentException("token server " + hostPort(realm) + " of " + hostPort(registry)
                        + (next == null ? " sent a redirect without a usable Location" : " redirected too many times"));
            }
            TokenRealm.check(registry, next, "the token server's redirect to ");
            Request.Builder follow = current.newBuilder().url(next);
            if (!next.scheme().equals(realm.scheme()) || !next.host().equals(realm.host()) || next.port() != realm.port()) {
                follow.removeHeader("Authorization");
            }
            // 307 and 308 repeat the request as it was; the others turn it into a GET.
            if (response.code() != 307 && response.code() != 308) {
                follow.get();
            }
            current = follow.build();
        }
    }

    private void requireSafe(HttpUrl realm) throws IOException {
        if (!realm.isHttps() && !RegistryHttp.allowsPlainHttp(options, hostPort(realm))) {
            throw new IOException("refusing to send credentials over plain HTTP to " + realm.host());
        }
    }

    /**
     * OAuth2 refresh-token grant for identity tokens (ACR and others): {@code POST} a form; a
     * server without the POST endpoint (404, 405) gets the token by {@code GET} with the token as
     * the Basic password.
     */
    private Token refresh(HttpUrl registry, HttpUrl realm, Challenge challenge, Scope scope,
            dev.jreg.auth.Credentials credentials) throws IOException {
        okhttp3.FormBody.Builder form = new okhttp3.FormBody.Builder()
                .add("grant_type", "refresh_token")
                .add("client_id", "jreg")
                .add("refresh_token", credentials.identityToken());
        if (challenge.service() != null) {
            form.add("service", challenge.service());
        }
        if (scope != null) {
            form.add("scope", scope.key());
        }
        Request post = new Request.Builder().url(realm).header("User-Agent", options.userAgent()).post(form.build()).build();
        try (Response response = call(registry, realm, post)) {
            if (response.isSuccessful()) {
                return parse(response, realm);
            }
            if (response.code() == 401 || response.code() == 403) {
                throw new UnauthorizedException(hostPort(registry) + ": the identity token was refused (token server answered"
                        + " HTTP " + response.code() + ")", response.code(), "POST", Errors.redact(realm), List.of());
            }
            if (response.code() != 404 && response.code() != 405) {
                throw Errors.of(response, "token server " + realm.host());
            }
        }
        String user = credentials.username() != null ? credentials.username() : "<token>";
        return fetch(registry, challenge, scope, new dev.jreg.auth.Credentials(user, credentials.identityToken(), null));
    }

    private static Token parse(Response response, HttpUrl realm) throws IOException {
        BufferedSource source = response.body().source();
        if (source.request(MAX_TOKEN_BODY + 1)) {
            throw new InvalidContentException("token response from " + realm.host() + " is larger than 64 KiB");
        }
        JsonNode root;
        try {
            root = Json.parse(source.readByteArray());
        } catch (IOException e) {
            throw new InvalidContentException("token response from " + realm.host() + " is not valid JSON");
        }
        String token = Optional.ofNullable(text(root, "token")).orElse(text(root, "access_token"));
        if (token == null) {
            throw new InvalidContentException("token response from " + realm.host() + " has no token");
        }
        long lifetime = Math.max(MIN_LIFETIME_SECONDS, root.path("expires_in").asLong(MIN_LIFETIME_SECONDS));
        // Renew a little early so a token does not expire between check and use.
        Instant expires = Instant.now().plus(Duration.ofSeconds(lifetime)).minusSeconds(10);
        return new Token(token, expires);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    static String hostPort(HttpUrl url) {
        return url.port() == HttpUrl.defaultPort(url.scheme()) ? url.host() : url.host() + ":" + url.port();
    }
}
