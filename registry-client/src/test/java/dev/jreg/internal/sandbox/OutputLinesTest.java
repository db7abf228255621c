package dev.jreg.internal.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A command's output split into lines as it comes. */
class OutputLinesTest {

    private static List<String> lines(byte[] bytes) throws Exception {
        List<String> lines = new ArrayList<>();
        OutputLines.forward(new ByteArrayInputStream(bytes), lines::add);
        return lines;
    }

    @Test
    void linesEndAtNewlinesWithoutACarriageReturnAndTheLastOneAtTheEnd() throws Exception {
        assertEquals(List.of("one", "", "two", "three\rstill", "last"),
                lines("one\n\ntwo\r\nthree\rstill\nlast".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(), lines(new byte[0]));
        assertEquals(List.of("bad \uFFFD byte"), lines(new byte[] {'b', 'a', 'd', ' ', (byte) 0xFF, ' ', 'b', 'y', 't', 'e'}));
    }

    @Test
    void aLongLineComesInPiecesOfWholeCharacters() throws Exception {
        // Three-byte characters after one ASCII byte never end exactly at the limit.
        String line = "x" + "€".repeat(OutputLines.MAX_LINE);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(line.getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("\nnext\n".getBytes(StandardCharsets.UTF_8));
        List<String> lines = lines(bytes.toByteArray());
        assertEquals("next", lines.get(lines.size() - 1));
        List<String> pieces = lines.subList(0, lines.size() - 1);
        assertEquals(4, pieces.size(), "192 KiB and a byte in pieces of at most 64 KiB");
        for (String piece : pieces) {
            assertTrue(piece.getBytes(StandardCharsets.UTF_8).length <= OutputLines.MAX_LINE);
            assertTrue(!piece.contains("\uFFFD"), "no character cut in two");
        }
        assertEquals(line, String.join("", pieces));
    }
}
