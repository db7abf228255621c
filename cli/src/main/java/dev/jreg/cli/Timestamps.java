package dev.jreg.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** The time a reproducible image takes: {@code --timestamp}, else {@code SOURCE_DATE_EPOCH}. */
final class Timestamps {
    private Timestamps() {
    }

    /**
     * {@code --timestamp} when given, else the {@code SOURCE_DATE_EPOCH} variable when set, else
     * null; either as seconds since the epoch or an RFC 3339 time.
     *
     * @throws IllegalArgumentException naming the option or variable, when it is neither
     */
    static Instant clamp(String option, Map<String, String> env) {
        String epoch = env.get("SOURCE_DATE_EPOCH");
        return option != null ? time("--timestamp", option)
                : epoch == null || epoch.isEmpty() ? null : time("SOURCE_DATE_EPOCH", epoch);
    }

    private static Instant time(String what, String value) {
        try {
            return value.matches("[0-9]{1,12}") ? Instant.ofEpochSecond(Long.parseLong(value))
                    : OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " takes seconds since the epoch or an RFC 3339 time"
                    + " (2024-01-02T03:04:05Z), not \"" + value + "\"");
        }
    }
}
