package dev.jreg.registry;

import java.util.Locale;
import java.util.Map;

/**
 * A parsed {@code WWW-Authenticate} challenge.
 *
 * @param scheme {@code bearer} or {@code basic}, lower case
 * @param realm the token endpoint (Bearer) or the realm name (Basic)
 * @param service the service to name in token requests, or null
 * @param scope the scope the registry asked for, or null
 * @param error the error the registry gave, e.g. {@code insufficient_scope}, or null
 */
record Challenge(String scheme, String realm, String service, String scope, String error) {
    static Challenge of(okhttp3.Challenge c) {
        Map<String, String> params = c.authParams();
        return new Challenge(c.scheme().toLowerCase(Locale.ROOT), params.get("realm"), params.get("service"),
                params.get("scope"), params.get("error"));
    }

    boolean isBearer() {
        return scheme.equals("bearer");
    }

    boolean isBasic() {
        return scheme.equals("basic");
    }
}
