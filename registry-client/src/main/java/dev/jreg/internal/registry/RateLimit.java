package dev.jreg.internal.registry;

import java.time.Duration;
import java.util.Optional;
import okhttp3.Headers;

/**
 * A registry's pull budget as one answer tells it: Docker Hub's {@code RateLimit-Limit: 100;w=21600}
 * and {@code RateLimit-Remaining: 76;w=21600} (requests, and the window in seconds), or the IETF
 * draft's plain numbers with {@code RateLimit-Reset: SECONDS} (draft-ietf-httpapi-ratelimit-headers).
 *
 * @param limit requests the window allows, or -1 when not said
 * @param remaining requests left in the window
 * @param window the window's length, or null when not said
 * @param reset how long until the budget is back, or null when not said
 */
record RateLimit(long limit, long remaining, Duration window, Duration reset) {
    /** The budget an answer's headers (names in any case) tell; empty when it tells none or it cannot be read. */
    static Optional<RateLimit> of(Headers headers) {
        Quota remaining = Quota.parse(headers.get("RateLimit-Remaining"));
        if (remaining == null) {
            return Optional.empty();
        }
        Quota limit = Quota.parse(headers.get("RateLimit-Limit"));
        Long reset = wholeNumber(headers.get("RateLimit-Reset"));
        Long window = remaining.window() != null ? remaining.window() : limit != null ? limit.window() : null;
        return Optional.of(new RateLimit(limit == null ? -1 : limit.count(), remaining.count(),
                window == null ? null : Duration.ofSeconds(window), reset == null ? null : Duration.ofSeconds(reset)));
    }

    /** {@code N} or {@code N;w=SECONDS}; other parameters are skipped. */
    private record Quota(long count, Long window) {
        static Quota parse(String value) {
            if (value == null) {
                return null;
            }
            String[] parts = value.split(";");
            Long count = wholeNumber(parts[0]);
            if (count == null) {
                return null;
            }
            Long window = null;
            for (int i = 1; i < parts.length; i++) {
                String[] parameter = parts[i].split("=", 2);
                if (parameter.length == 2 && parameter[0].trim().equals("w")) {
                    window = wholeNumber(parameter[1]);
                }
            }
            return new Quota(count, window);
        }
    }

    /** A non-negative whole number, or null. */
    private static Long wholeNumber(String value) {
        if (value == null || !value.trim().matches("[0-9]{1,18}")) {
            return null;
        }
        return Long.parseLong(value.trim());
    }
}
