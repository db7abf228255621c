package dev.jreg.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

/** The rate-limit headers registries send: Docker Hub's {@code N;w=SECONDS}, the IETF draft's plain numbers and reset. */
class RateLimitTest {
    static Optional<RateLimit> of(String... namesAndValues) {
        return RateLimit.of(Headers.of(namesAndValues));
    }

    @Test
    void readsDockerHubsCountsAndWindowInAnyCase() {
        assertEquals(Optional.of(new RateLimit(100, 76, Duration.ofSeconds(21600), null)),
                of("ratelimit-limit", "100;w=21600", "RATELIMIT-REMAINING", "76;w=21600"));
    }

    @Test
    void readsPlainNumbersWithTheDraftsReset() {
        assertEquals(Optional.of(new RateLimit(100, 2, null, Duration.ofSeconds(30))),
                of("RateLimit-Limit", "100", "RateLimit-Remaining", " 2 ", "RateLimit-Reset", "30"));
        assertEquals(Optional.of(new RateLimit(-1, 5, null, null)), of("RateLimit-Remaining", "5"));
    }

    @Test
    void takesTheWindowFromTheLimitWhenTheRemainingLacksItAndSkipsOtherParameters() {
        assertEquals(Optional.of(new RateLimit(100, 3, Duration.ofSeconds(60), null)),
                of("RateLimit-Limit", "100;w=60;comment=\"x\"", "RateLimit-Remaining", "3"));
        assertEquals(Optional.of(new RateLimit(100, 3, Duration.ofSeconds(7), null)),
                of("RateLimit-Limit", "100;w=60", "RateLimit-Remaining", "3; w=7"));
    }

    @Test
    void ignoresGarbage() {
        assertTrue(of().isEmpty());
        assertTrue(of("RateLimit-Limit", "100;w=21600").isEmpty(), "no remaining, nothing to go by");
        assertTrue(of("RateLimit-Remaining", "many").isEmpty());
        assertTrue(of("RateLimit-Remaining", "-1").isEmpty());
        assertTrue(of("RateLimit-Remaining", "").isEmpty());
        assertTrue(of("RateLimit-Remaining", "99999999999999999999").isEmpty());
        assertEquals(Optional.of(new RateLimit(-1, 4, null, null)),
                of("RateLimit-Limit", "lots", "RateLimit-Remaining", "4;w=soon", "RateLimit-Reset", "later"));
    }
}
