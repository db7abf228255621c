package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Notes and warnings fit 80 columns, wrapped at words; other lines stay whole. */
class NotesTest {
    private static final String WARNING = "warning: the unpacked files lack file owners other than root (not running"
            + " as root); the unpack record keeps them";

    @Test
    void aWideWarningIsWrappedAtWordsUnderItsText() {
        assertEquals("""
                warning: the unpacked files lack file owners other than root (not running as
                         root); the unpack record keeps them""", Notes.wrapped(WARNING));
        Notes.wrapped(WARNING).lines().forEach(line -> assertEquals(true, line.length() <= 80, line));
    }

    @Test
    void aLongWordStandsAloneAndOtherLinesStayWhole() {
        String path = "/tmp/" + "d".repeat(90);
        assertEquals("note: " + path + "\n      has no unpack record",
                Notes.wrapped("note: " + path + " has no unpack record"));
        String error = "jreg: " + "x ".repeat(50);
        assertEquals(error, Notes.wrapped(error));
        assertEquals("note: short", Notes.wrapped("note: short"));
    }
}
