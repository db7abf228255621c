package dev.jreg.model;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Go's {@code time.ParseDuration} reads them, the form Docker and skopeo users write:
 * a sign, then numbers with units {@code ns}, {@code us} ({@code µs}), {@code ms}, {@code s},
 * {@code m}, {@code h}, e.g. {@code 30s}, {@code 1.5h}, {@code 1h30m}; a bare {@code 0}.
 */
public final class GoDuration {
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Map<String, Long> NANOS_PER_UNIT = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L,
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private GoDuration() {
    }

    /**
     * Reads a duration.
     *
     * @param text such as {@code 30s} or {@code 1h30m}
     * @return the duration, to the nanosecond
     * @throws IllegalArgumentException when the text is no such duration or exceeds about 292 years
     */
    public static Duration parse(String text) {
        boolean negative = text.startsWith("-");
        String unsigned = negative || text.startsWith("+") ? text.substring(1) : text;
        BigDecimal nanos = BigDecimal.ZERO;
        if (!unsigned.equals("0")) {
            Matcher part = PART.matcher(unsigned);
            int end = 0;
            while (part.lookingAt()) {
                nanos = nanos.add(new BigDecimal(part.group(1).startsWith(".") ? "0" + part.group(1) : part.group(1))
                        .multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(part.group(2)))));
                end = part.end();
                part.region(end, unsigned.length());
            }
            if (end == 0 || end != unsigned.length() || nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new IllegalArgumentException("not a duration such as 30s or 1m30s: \"" + text + "\"");
            }
        }
        return Duration.ofNanos(negative ? -nanos.longValue() : nanos.longValue());
    }
}
