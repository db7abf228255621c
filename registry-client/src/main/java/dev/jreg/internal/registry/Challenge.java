package dev.jreg.internal.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okhttp3.Response;

/**
 * A parsed {@code WWW-Authenticate} challenge.
 *
 * @param scheme {@code bearer} or {@code basic}, lower case
 * @param realm the token endpoint (Bearer), absolute or relative to the registry, or the realm
 *     name (Basic); null when absent or empty
 * @param service the service to name in token requests, or null
 * @param scope the scope the registry asked for, or null
 * @param error the error the registry gave, e.g. {@code insufficient_scope}, or null
 */
record Challenge(String scheme, String realm, String service, String scope, String error) {
    /**
     * The challenge to answer among a response's {@code WWW-Authenticate} headers: the first
     * Bearer one, else the first Basic one, else null.
     */
    static Challenge of(Response response) {
        List<Challenge> all = parse(response.headers("WWW-Authenticate"));
        return all.stream().filter(Challenge::isBearer).findFirst()
                .orElse(all.stream().filter(Challenge::isBasic).findFirst().orElse(null));
    }

    /**
     * Every challenge in these header values (RFC 9110 §11.6.1), read as leniently as registries
     * need and other clients allow: several challenges in one value, parameters quoted or not,
     * empty, in any case, with spaces around {@code =} and {@code ,}. What cannot be read is
     * skipped; this never throws.
     */
    static List<Challenge> parse(List<String> headers) {
        List<Challenge> challenges = new ArrayList<>();
        for (String header : headers) {
            HeaderReader reader = new HeaderReader(header);
            String scheme = null;
            Map<String, String> params = new HashMap<>();
            while (true) {
                reader.skipSpace();
                if (reader.take(',')) {
                    continue;
                }
                if (reader.atEnd()) {
                    break;
                }
                String token = reader.token();
                reader.skipSpace();
                if (token.isEmpty()) {
                    reader.skipTo(',');
                } else if (reader.take('=')) {
                    // A parameter of the current challenge, or the padding of a token68 (skipped with it).
                    reader.skipSpace();
                    params.putIfAbsent(token.toLowerCase(Locale.ROOT), reader.value(","));
                    reader.skipTo(',');
                } else {
                    // A scheme starts the next challenge; its first parameter follows after a space.
                    add(challenges, scheme, params);
                    scheme = token;
                    params = new HashMap<>();
                }
            }
            add(challenges, scheme, params);
        }
        return challenges;
    }

    private static void add(List<Challenge> challenges, String scheme, Map<String, String> params) {
        if (scheme != null) {
            challenges.add(new Challenge(scheme.toLowerCase(Locale.ROOT), param(params, "realm"), param(params, "service"),
                    param(params, "scope"), param(params, "error")));
        }
    }

    /** An empty parameter ({@code service=}) is as good as none. */
    private static String param(Map<String, String> params, String name) {
        String value = params.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    boolean isBearer() {
        return scheme.equals("bearer");
    }

    boolean isBasic() {
        return scheme.equals("basic");
    }
}
