package dev.jreg.internal.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link HistoryText}: Go's printing of the values BuildKit's {@code created_by} holds. */
class HistoryTextTest {
    @Test
    void listsPrintAsGoPrintsThem() {
        assertEquals("[8080/tcp 53/udp]", HistoryText.list(List.of("8080/tcp", "53/udp")));
        assertEquals("[\"python\" \"app.py\"]", HistoryText.quoted(List.of("python", "app.py")));
        assertEquals("[\"/bin/sh\" \"-c\" \"echo \\\"hi\\\"\\n\"]", HistoryText.quoted(List.of("/bin/sh", "-c",
                "echo \"hi\"\n")));
        assertEquals("\"tab\\there é \\x01 \\u200b\"", HistoryText.quote("tab\there é \u0001 \u200b"));
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "1, 1ns", "1500, 1.5µs", "2000000, 2ms", "1500000000, 1.5s", "30000000000, 30s",
            "90000000000, 1m30s", "3600000000000, 1h0m0s", "5400500000000, 1h30m0.5s"})
    void durationsPrintAsGoPrintsThem(long nanos, String printed) {
        assertEquals(printed, HistoryText.duration(Duration.ofNanos(nanos)));
    }
}
