package dev.jreg.internal.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.error.InvalidContentException;
import dev.jreg.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record of an unpack: kept on disk and read back, and its stamps telling touched files from untouched ones. */
class UnpackRecordTest {
    @TempDir
    Path temp;
    private Path target;
    private UnpackRecord record;

    @BeforeEach
    void unpack() throws IOException {
        target = temp.resolve("rootfs");
        TarArchiveEntry owned = TarBuilder.header("home/user/notes", TarConstants.LF_NORMAL, 0600);
        owned.setUserId(1000);
        owned.setGroupId(100);
        owned.setLastModifiedTime(FileTime.from(Instant.parse("2022-03-04T05:06:07.25Z")));
        owned.addPaxHeader("SCHILY.xattr.user.tag", "keep");
        owned.addPaxHeader("SCHILY.xattr.security.capability", "caps");
        byte[] lower = new TarBuilder().dir("etc").file("etc/hosts", "127.0.0.1 localhost\n").file("etc/gone", "x")
                .add(owned, "text".getBytes(StandardCharsets.UTF_8)).symlink("etc/localtime", "/usr/share/zoneinfo/UTC")
                .hardlink("etc/hosts.bak", "etc/hosts").charDevice("dev/null", 1, 3).fifo("run/pipe").gzip();
        byte[] upper = new TarBuilder().whiteout("etc/.wh.gone").file("etc/motd", "hello", 0444).tar();
        LayerApplier applier = new LayerApplier(target, LayerLimits.DEFAULT, line -> { }, false);
        applier.apply(TarBuilder.digest(lower), new ByteArrayInputStream(lower));
        applier.apply(TarBuilder.digest(upper), new ByteArrayInputStream(upper));
        record = applier.finish();
    }

    @Test
    void writtenAndReadBackEqual() throws IOException {
        byte[] stored = write(record);
        UnpackRecord read = UnpackRecord.read(new ByteArrayInputStream(stored));
        assertEquals(record, read);
        assertEquals(Map.of("security.capability", "caps", "user.tag", "keep"),
                read.items().get("home/user/notes").entry().xattrs());
        assertEquals(Instant.parse("2022-03-04T05:06:07.25Z"), read.items().get("home/user/notes").entry().mtime());
        assertEquals(null, read.items().get("dev/null").stamp());
        assertEquals(1, read.items().get("dev/null").entry().devMajor());
    }

    @Test
    void theStoredFormIsGzippedJsonLinesWithAVersion() throws IOException {
        String text = new String(new GZIPInputStream(new ByteArrayInputStream(write(record))).readAllBytes(),
                StandardCharsets.UTF_8);
        String[] lines = text.split("\n");
        assertEquals("{\"version\":1,\"items\":" + record.items().size() + "}", lines[0]);
        assertEquals(record.items().size() + 1, lines.length);
        assertTrue(lines[1].startsWith("{\"path\":\"dev\",\"type\":\"directory\",\"mode\":493,"), lines[1]);
        assertTrue(text.contains("\"path\":\"etc/localtime\",\"type\":\"symlink\""), text);
    }

    @Test
    void anEmptyRecordReadsBack() throws IOException {
        UnpackRecord empty = new UnpackRecord(new TreeMap<>());
        assertEquals(empty, UnpackRecord.read(new ByteArrayInputStream(write(empty))));
    }

    @Test
    void anUntouchedFileHasItsRecordedStampAndATouchedOneDiffers() throws IOException {
        for (String path : record.items().keySet()) {
            UnpackRecord.Item item = record.items().get(path);
            if (item.stamp() != null) {
                assertEquals(item.stamp(), FileStamp.of(target.resolve(path)), path);
            }
        }
        Files.writeString(target.resolve("etc/hosts"), "127.0.0.1 localhost\n"); // the same bytes, written again
        Files.setPosixFilePermissions(target.resolve("etc/motd"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.delete(target.resolve("etc/localtime"));
        Files.createSymbolicLink(target.resolve("etc/localtime"), Path.of("/usr/share/zoneinfo/UTC"));
        assertNotEquals(record.items().get("etc/hosts").stamp(), FileStamp.of(target.resolve("etc/hosts")));
        assertNotEquals(record.items().get("etc/motd").stamp(), FileStamp.of(target.resolve("etc/motd")));
        assertNotEquals(record.items().get("etc/localtime").stamp(), FileStamp.of(target.resolve("etc/localtime")));
        assertEquals(record.items().get("home/user/notes").stamp(), FileStamp.of(target.resolve("home/user/notes")));
    }

    @Test
    void aTruncatedRecordIsAClearError() throws IOException {
        byte[] stored = write(record);
        assertEquals("the unpack record is damaged: it is cut short; unpack the image again",
                damaged(Arrays.copyOf(stored, stored.length - 12)));
        assertEquals("the unpack record is damaged: it is cut short; unpack the image again",
                damaged(Arrays.copyOf(stored, stored.length / 2)));
    }

    @Test
    void aFlippedByteIsAClearError() throws IOException {
        byte[] stored = write(record);
        for (int at : new int[] {stored.length / 2, stored.length - 6}) {
            byte[] flipped = stored.clone();
            flipped[at] ^= 0x10;
            String message = damaged(flipped);
            assertTrue(message.startsWith("the unpack record is damaged: ") && !message.contains("\n"), message);
        }
    }

    @Test
    void bytesThatAreNotARecordAreAClearError() throws IOException {
        assertEquals("the unpack record is damaged: not a gzip'd record (Not in GZIP format); unpack the image again",
                damaged("{\"version\":1}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("the unpack record is damaged: it is empty; unpack the image again", damaged(TarBuilder.gzip(new byte[0])));
    }

    @Test
    void aDamagedLineIsAClearError() throws IOException {
        assertEquals("the unpack record is damaged: line 2 is not JSON; unpack the image again",
                damaged(lines("{\"version\":1,\"items\":1}", "{\"path\":")));
        assertEquals("the unpack record is damaged: line 2 lacks \"mode\"; unpack the image again",
                damaged(lines("{\"version\":1,\"items\":1}", "{\"path\":\"a\",\"type\":\"file\",\"uid\":0,\"gid\":0,\"mtime\":0}")));
        assertEquals("the unpack record is damaged: line 2: unknown type \"socket\"; unpack the image again",
                damaged(lines("{\"version\":1,\"items\":1}", "{\"path\":\"a\",\"type\":\"socket\"}")));
        assertEquals("the unpack record is damaged: line 2: \"stamp\" is not 4 integers; unpack the image again",
                damaged(lines("{\"version\":1,\"items\":1}", "{\"path\":\"a\",\"type\":\"file\",\"mode\":420,\"uid\":0,"
                        + "\"gid\":0,\"mtime\":0,\"stamp\":[1,2,3]}")));
        assertEquals("the unpack record is damaged: line 2: \"mode\" has the wrong type; unpack the image again",
                damaged(lines("{\"version\":1,\"items\":1}", "{\"path\":\"a\",\"type\":\"file\",\"mode\":4.5}")));
    }

    @Test
    void aMissingLineIsAClearError() throws IOException {
        assertEquals("the unpack record is damaged: it holds 0 items where its first line says 1; unpack the image again",
                damaged(lines("{\"version\":1,\"items\":1}")));
    }

    @Test
    void anotherVersionIsAClearError() throws IOException {
        InvalidContentException e = assertThrows(InvalidContentException.class,
                () -> UnpackRecord.read(new ByteArrayInputStream(lines("{\"version\":2,\"items\":0}"))));
        assertEquals("the unpack record has version 2, which this jreg does not read (it reads version 1); unpack the"
                + " image again", e.getMessage());
    }

    private static byte[] write(UnpackRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        record.write(out);
        return out.toByteArray();
    }

    private static byte[] lines(String... lines) {
        return TarBuilder.gzip((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static String damaged(byte[] bytes) {
        InvalidContentException e = assertThrows(InvalidContentException.class,
                () -> UnpackRecord.read(new ByteArrayInputStream(bytes)));
        return e.getMessage();
    }
}
