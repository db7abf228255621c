package dev.jreg.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Sizes and ages printed the way docker prints them. */
final class Sizes {
    private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB"};

    private Sizes() {
    }

    /** Decimal units with three significant digits: {@code 187MB}, {@code 77.8MB}, {@code 1.23GB}. */
    static String human(long bytes) {
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < UNITS.length - 1) {
            value /= 1000;
            unit++;
        }
        int decimals = value >= 100 || unit == 0 ? 0 : value >= 10 ? 1 : 2;
        // BigDecimal, not String.format: a formatter's first use costs milliseconds of start-up.
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString()
                + UNITS[unit];
    }

    /** {@code 2 weeks ago}, {@code 3 months ago}; {@code N/A} when unknown. */
    static String ago(String created, Instant now) {
        if (created == null) {
            return "N/A";
        }
        Instant then;
        try {
            then = Instant.parse(created);
        } catch (DateTimeParseException e) {
            return "N/A";
        }
        Duration age = Duration.between(then, now);
        long seconds = Math.max(0, age.getSeconds());
        if (seconds < 60) {
            return "Less than a minute ago";
        }
        long[] limits = {3600, 86400, 86400 * 14, 86400 * 60, 86400 * 730};
        long[] divisors = {60, 3600, 86400, 86400 * 7, 86400 * 30};
        String[] names = {"minute", "hour", "day", "week", "month"};
        for (int i = 0; i < limits.length; i++) {
            if (seconds < limits[i]) {
                return plural(seconds / divisors[i], names[i]);
            }
        }
        return plural(seconds / (86400 * 365), "year");
    }

    private static String plural(long n, String unit) {
        return (n == 1 ? "About a" + (unit.startsWith("h") ? "n " : " ") + unit : n + " " + unit + "s") + " ago";
    }
}
