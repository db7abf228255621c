package dev.jreg.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jreg.error.StoreWriteException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobFilesTest {
    @Test
    void aLargeWriteReachesTheFileInPiecesOfAtMost32KiB() throws IOException {
        byte[] bytes = new byte[256 * 1024 + 123];
        new Random(7).nextBytes(bytes);
        List<Integer> writes = new ArrayList<>();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        OutputStream recording = new OutputStream() {
            @Override
            public void write(int b) {
                writes.add(1);
                received.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(len);
                received.write(b, off, len);
            }
        };
        try (OutputStream out = new BlobFiles.PieceWrites(Path.of("blob"), recording)) {
            out.write(bytes, 5, bytes.length - 5);
        }
        assertArrayEquals(Arrays.copyOfRange(bytes, 5, bytes.length), received.toByteArray());
        assertEquals(9, writes.size(), "256 KiB + 118 bytes in 32 KiB pieces: " + writes);
        assertTrue(writes.stream().allMatch(n -> n <= BlobFiles.WRITE_PIECE), writes.toString());
    }

    @Test
    void opensTheFileWithTheGivenOptions(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("blob");
        byte[] bytes = new byte[100_000];
        new Random(3).nextBytes(bytes);
        try (OutputStream out = BlobFiles.open(file)) {
            out.write(bytes);
        }
        try (OutputStream out = BlobFiles.open(file, StandardOpenOption.APPEND)) {
            out.write(bytes, 0, 10);
        }
        byte[] expected = Arrays.copyOf(bytes, bytes.length + 10);
        System.arraycopy(bytes, 0, expected, bytes.length, 10);
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void aWriteTheDeviceRefusesNamesTheFile() throws IOException {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "no /dev/full here");
        try (OutputStream out = BlobFiles.open(full, StandardOpenOption.WRITE)) {
            StoreWriteException e = assertThrows(StoreWriteException.class, () -> out.write(new byte[40_000]));
            assertEquals("cannot write /dev/full: No space left on device", e.getMessage());
            assertEquals(full, e.file());
        }
    }
}
