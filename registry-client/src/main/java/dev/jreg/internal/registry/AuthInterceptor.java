package dev.jreg.internal.registry;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Adds the registry's credentials to requests for its own host, and answers a 401 by learning
 * the challenge, getting a token and retrying once. An application interceptor, so it runs
 * before redirects: OkHttp drops {@code Authorization} when a redirect leaves the host.
 */
final class AuthInterceptor implements Interceptor {
    /**
     * Tags a request with the host it is for and the scope it needs.
     *
     * @param host the registry
     * @param scope the token scope, or null for scope-less endpoints such as {@code /v2/}
     */
    record Target(HostState host, Scope scope) {
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        Target target = request.tag(Target.class);
        if (target == null || !target.host().isOwnHost(request.url())) {
            return chain.proceed(request);
        }
        HostState host = target.host();
        String sent = host.authorization(target.scope(), null, false);
        Response response = chain.proceed(withAuthorization(request, sent));
        if (response.code() != 401 || (request.body() != null && request.body().isOneShot())) {
            return response;
        }
        Challenge challenge = Challenge.of(response);
        if (challenge == null) {
            return response;
        }
        host.learn(challenge);
        Scope extra = challenge.scope() != null ? Scope.parse(challenge.scope()) : null;
        String retry = host.authorization(target.scope(), extra, true);
        if (retry == null || retry.equals(sent)) {
            return response;
        }
        response.close();
        return chain.proceed(withAuthorization(request, retry));
    }

    private static Request withAuthorization(Request request, String value) {
        return value == null ? request : request.newBuilder().header("Authorization", value).build();
    }
}
