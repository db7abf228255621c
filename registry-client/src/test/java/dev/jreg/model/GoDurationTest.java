package dev.jreg.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Durations in Go's {@code time.ParseDuration} form. */
class GoDurationTest {
    @Test
    void readsUnitsAndTheirSums() {
        assertEquals(Duration.ofSeconds(30), GoDuration.parse("30s"));
        assertEquals(Duration.ofMinutes(15), GoDuration.parse("15m"));
        assertEquals(Duration.ofHours(6), GoDuration.parse("6h"));
        assertEquals(Duration.ofMinutes(90), GoDuration.parse("1h30m"));
        assertEquals(Duration.ofMinutes(90), GoDuration.parse("1.5h"));
        assertEquals(Duration.ofMillis(300), GoDuration.parse("300ms"));
        assertEquals(Duration.ofNanos(1_500), GoDuration.parse("1.5µs"));
        assertEquals(Duration.ZERO, GoDuration.parse("0"));
        assertEquals(Duration.ofSeconds(-2), GoDuration.parse("-2s"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "30", "1d", "s", "1h30", "1..5h", "h1", "3000000h"})
    void refusesWhatGoRefuses(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
        assertEquals("not a duration such as 30s or 1m30s: \"" + text + "\"", e.getMessage());
    }
}
