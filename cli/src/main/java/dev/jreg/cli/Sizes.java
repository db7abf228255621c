package dev.jreg.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

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

    /**
     * {@code 5 seconds ago}, {@code About an hour ago}, {@code 2 weeks ago}: docker's words, those
     * of go-units' {@code HumanDuration} and " ago"; {@code N/A} when unknown.
     */
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
        return humanDuration(Math.max(0, Duration.between(then, now).getSeconds())) + " ago";
    }

    /**
     * A time from a config as docker prints it: RFC 3339 to the second, without the fraction a
     * config may carry ({@code 2024-05-01T10:00:00Z}); as it is when it cannot be read, null when none.
     */
    static String rfc3339(String created) {
        if (created == null) {
            return null;
        }
        try {
            return Instant.parse(created).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            return created;
        }
    }

    /** go-units' {@code HumanDuration} of whole seconds: hours rounded, the other units truncated. */
    static String humanDuration(long seconds) {
        long minutes = seconds / 60;
        long hours = Math.round(seconds / 3600.0);
        if (seconds < 1) {
            return "Less than a second";
        } else if (seconds == 1) {
            return "1 second";
        } else if (seconds < 60) {
            return seconds + " seconds";
        } else if (minutes == 1) {
            return "About a minute";
        } else if (minutes < 60) {
            return minutes + " minutes";
        } else if (hours == 1) {
            return "About an hour";
        } else if (hours < 48) {
            return hours + " hours";
        } else if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        } else if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return seconds / 3600 / 24 / 365 + " years";
    }
}
