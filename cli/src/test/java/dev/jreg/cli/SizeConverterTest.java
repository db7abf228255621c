package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class SizeConverterTest {
    @ParameterizedTest
    @CsvSource({"5MiB, 5242880", "5mib, 5242880", "5M, 5242880", "5MB, 5000000", "512k, 524288", "1048576, 1048576",
        "1.5GiB, 1610612736", "16 MiB, 16777216", "10b, 10"})
    void parsesDockerStyleSizes(String text, long bytes) {
        assertEquals(bytes, new SizeConverter().convert(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MiB", "-5MiB", "5XB", "five"})
    void rejectsNonsense(String text) {
        assertThrows(CommandLine.TypeConversionException.class, () -> new SizeConverter().convert(text));
    }
}
