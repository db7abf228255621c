package dev.jreg.internal.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Pull-limit awareness for a client that reads many images from the same registries (a sync):
 * the budget each registry's answers tell is kept ({@link PullBudget}), and a manifest
 * {@code GET} — what Docker Hub counts; {@code HEAD}s and blobs it does not — waits while its
 * registry's budget is low. Public for the façade; not part of the supported API.
 */
public final class PullLimits {
    private final ToIntFunction<String> reserve;
    private final Consumer<String> notices;
    private final Map<String, PullBudget> budgets = new ConcurrentHashMap<>();

    /**
     * @param reserve per registry, how many manifest {@code GET}s may be in flight on it at once:
     *     none starts while no more pulls than that are left
     * @param notices told once, in one line, of each wait
     */
    public PullLimits(ToIntFunction<String> reserve, Consumer<String> notices) {
        this.reserve = reserve;
        this.notices = notices;
    }

    /** The budget of a registry, one per registry whatever the credentials. */
    PullBudget budget(String registry) {
        return budgets.computeIfAbsent(registry, r -> new PullBudget(r, reserve.applyAsInt(r), notices));
    }

    /**
     * The application interceptor, outside the retries: a manifest {@code GET} starts only when
     * its registry's budget allows, and one still refused (429) once the retries are spent while
     * the budget says when it comes back is sent once more then, rather than failing its image.
     */
    Interceptor gate() {
        return chain -> {
            Request request = chain.request();
            PullBudget budget = budgetOf(request);
            if (budget == null || !isManifestGet(request)) {
                return chain.proceed(request);
            }
            budget.awaitPull();
            Response response = chain.proceed(request);
            if (response.code() == 429 && budget.shut(Instant.now())) {
                response.close();
                budget.awaitPull();
                response = chain.proceed(request);
            }
            return response;
        };
    }

    /** The network interceptor: every answer's budget is recorded, and a manifest {@code GET}'s 429 with its wait. */
    Interceptor reader() {
        return chain -> {
            Request request = chain.request();
            Response response = chain.proceed(request);
            PullBudget budget = budgetOf(request);
            if (budget != null) {
                Instant now = Instant.now();
                RateLimit.of(response.headers()).ifPresent(seen -> budget.saw(seen, now));
                Duration retryAfter = RetryInterceptor.retryAfter(response.header("Retry-After"));
                if (response.code() == 429 && retryAfter != null && isManifestGet(request)) {
                    budget.refused(retryAfter, now);
                }
            }
            return response;
        };
    }

    private static PullBudget budgetOf(Request request) {
        AuthInterceptor.Target target = request.tag(AuthInterceptor.Target.class);
        return target == null ? null : target.host().budget();
    }

    /** {@code GET /v2/NAME/manifests/REFERENCE}. */
    private static boolean isManifestGet(Request request) {
        List<String> path = request.url().pathSegments();
        return request.method().equals("GET") && path.size() >= 4 && path.get(0).equals("v2")
                && path.get(path.size() - 2).equals("manifests");
    }
}
