package dev.jreg.internal.registry;

import dev.jreg.auth.Credentials;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * What jreg knows about one registry host in this process: its base URL, its auth challenge and
 * the tokens it issued, per scope, and under {@link PullLimits} its pull budget. Thread-safe; one
 * token fetch at a time per host.
 */
final class HostState {
    private final HttpUrl base;
    private final OkHttpClient client;
    private final TokenClient tokens;
    private final Optional<Credentials> credentials;
    private final Map<String, TokenClient.Token> tokenCache = new ConcurrentHashMap<>();
    private final Object fetchLock = new Object();
    private volatile Challenge challenge;
    private final PullBudget budget;

    /** @param budget the registry's pull budget, or null when none is kept */
    HostState(HttpUrl base, OkHttpClient client, TokenClient tokens, Optional<Credentials> credentials,
            Challenge challenge, PullBudget budget) {
        this.base = base;
        this.budget = budget;
        this.client = client;
        this.tokens = tokens;
        this.credentials = credentials;
        this.challenge = challenge;
    }

    /** The credentials this state presents. */
    Optional<Credentials> credentials() {
        return credentials;
    }

    /**
     * The same registry, pinged once, presenting other credentials (a repository that has its
     * own): its tokens are cached apart, since they carry another identity.
     */
    HostState withCredentials(Optional<Credentials> other) {
        return new HostState(base, client, tokens, other, challenge, budget);
    }

    /** The registry's pull budget, shared whatever the credentials, or null when none is kept. */
    PullBudget budget() {
        return budget;
    }

    HttpUrl base() {
        return base;
    }

    OkHttpClient client() {
        return client;
    }

    /** True when the URL is this registry's own scheme, host and port: only then may credentials go there. */
    boolean isOwnHost(HttpUrl url) {
        return url.scheme().equals(base.scheme()) && url.host().equals(base.host()) && url.port() == base.port();
    }

    /** Remembers a challenge learned from a 401. */
    void learn(Challenge learned) {
        challenge = learned;
    }

    Challenge challenge() {
        return challenge;
    }

    /**
     * The Authorization value for a request in this scope, fetching a token if needed.
     *
     * @param extraScope a scope the registry asked for in an {@code insufficient_scope} challenge, or null
     * @param refresh true to fetch a new token even if one is cached
     * @return the header value, or null to go anonymous
     */
    String authorization(Scope scope, Scope extraScope, boolean refresh) throws IOException {
        Challenge current = challenge;
        if (current == null) {
            return null;
        }
        if (current.isBasic()) {
            return credentials.filter(Credentials::hasPassword)
                    .map(c -> okhttp3.Credentials.basic(c.username(), c.password()))
                    .orElse(null);
        }
        if (!current.isBearer()) {
            return null;
        }
        String key = scope == null ? "" : scope.key();
        TokenClient.Token token = tokenCache.get(key);
        if (!refresh && token != null && token.usable(Instant.now())) {
            return "Bearer " + token.value();
        }
        synchronized (fetchLock) {
            TokenClient.Token again = tokenCache.get(key);
            if (again != null && again != token && again.usable(Instant.now())) {
                return "Bearer " + again.value();
            }
            // Newly learned scopes go first: some token servers read only the first one.
            Scope wanted = extraScope == null ? scope : scope == null ? extraScope : extraScope.and(scope);
            TokenClient.Token fresh = tokens.fetch(base, current, wanted, credentials.orElse(null));
            tokenCache.put(key, fresh);
            return "Bearer " + fresh.value();
        }
    }
}
