package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ages and times in docker's words: go-units' HumanDuration (hours rounded, so 47.5 hours are 2
 * days; years from hours cut, so just under 2 years is "1 years"), RFC 3339 to the second.
 */
class SizesTest {
    @ParameterizedTest
    @CsvSource({"0, Less than a second", "1, 1 second", "5, 5 seconds", "59, 59 seconds", "60, About a minute",
        "119, About a minute", "120, 2 minutes", "3599, 59 minutes", "3600, About an hour", "5399, About an hour",
        "5400, 2 hours", "169199, 47 hours", "171000, 2 days", "1207799, 13 days", "1207800, 2 weeks",
        "5182199, 8 weeks", "5182200, 2 months", "63070199, 24 months", "63071999, 1 years", "63072000, 2 years"})
    void agesAreGoUnitsHumanDuration(long seconds, String words) {
        assertEquals(words, Sizes.humanDuration(seconds));
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        assertEquals(words + " ago", Sizes.ago(now.minusSeconds(seconds).toString(), now));
    }

    @ParameterizedTest
    @CsvSource({"2026-11-30T01:04:20.348493511Z, 2026-11-30T01:04:20Z", "2024-05-01T00:00:00Z, 2024-05-01T00:00:00Z",
        "2024-05-01T02:00:00+02:00, 2024-05-01T00:00:00Z", "yesterday, yesterday"})
    void timesAreRfc3339ToTheSecond(String created, String shown) {
        assertEquals(shown, Sizes.rfc3339(created));
    }
}
