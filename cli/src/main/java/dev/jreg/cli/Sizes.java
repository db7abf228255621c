package dev.jreg.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

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
        String number = value >= 100 || unit == 0 ? String.format(Locale.ROOT, "%.0f", value)
                : value >= 10 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.2f", value);
        if (number.contains(".")) {
            number = number.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return number + UNITS[unit];
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
