package dev.jreg.internal.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

/** Reading a layer blob's entries: compression from the magic bytes, tar flavours, paths in entry form. */
class LayerReaderTest {

    @Test
    void compressionIsToldFromTheFirstBytes() throws IOException {
        TarBuilder[] same = {sample(), sample(), sample()};
        List<List<LayerEntry>> read = new ArrayList<>();
        byte[][] layers = {same[0].tar(), same[1].gzip(), same[2].zstd()};
        Compression[] expected = {Compression.NONE, Compression.GZIP, Compression.ZSTD};
        for (int i = 0; i < layers.length; i++) {
            try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(layers[i]))) {
                assertEquals(expected[i], reader.compression());
                read.add(entries(reader));
            }
        }
        assertEquals(read.get(0), read.get(1));
        assertEquals(read.get(0), read.get(2));
        assertEquals(List.of("etc", "etc/hostname", "etc/link"), read.get(0).stream().map(LayerEntry::path).toList());
    }

    private static TarBuilder sample() {
        return new TarBuilder().dir("etc/").file("etc/hostname", "box\n").symlink("etc/link", "hostname");
    }

    @Test
    void anEmptyBlobHasNoEntries() throws IOException {
        try (LayerReader reader = LayerReader.open(InputStream.nullInputStream())) {
            assertEquals(Compression.NONE, reader.compression());
            assertNull(reader.next());
        }
    }

    @Test
    void entriesCarryEveryField() throws IOException {
        TarArchiveEntry file = TarBuilder.header("usr/bin/ping", TarConstants.LF_NORMAL, 04755);
        file.setUserId(3_000_000_000L);
        file.setGroupId(65534);
        file.setLastModifiedTime(FileTime.from(Instant.parse("2023-04-05T06:07:08.5Z")));
        file.addPaxHeader("SCHILY.xattr.security.capability", "cap");
        file.addPaxHeader("SCHILY.xattr.user.note", "ünïcödé");
        TarArchiveEntry device = TarBuilder.header("dev/sda", TarConstants.LF_BLK, 0660);
        device.setDevMajor(8);
        device.setDevMinor(1);
        byte[] layer = new TarBuilder().add(file, "binary".getBytes(StandardCharsets.UTF_8)).add(device, new byte[0])
                .hardlink("usr/bin/ping6", "./usr/bin/ping").fifo("run/fifo").gzip();
        try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(layer))) {
            assertEquals(new LayerEntry("usr/bin/ping", LayerEntry.Type.FILE, 04755, 3_000_000_000L, 65534,
                    Instant.parse("2023-04-05T06:07:08.5Z"), 6, "", Map.of("security.capability", "cap",
                            "user.note", "ünïcödé"), 0, 0), reader.next());
            assertArrayEquals("binary".getBytes(StandardCharsets.UTF_8), reader.content().readAllBytes());
            assertEquals(new LayerEntry("dev/sda", LayerEntry.Type.BLOCK_DEVICE, 0660, 0, 0, TarBuilder.MTIME, 0, "",
                    Map.of(), 8, 1), reader.next());
            LayerEntry link = reader.next();
            assertEquals(LayerEntry.Type.HARDLINK, link.type());
            assertEquals("usr/bin/ping", link.linkName());
            assertEquals(LayerEntry.Type.FIFO, reader.next().type());
            assertNull(reader.next());
        }
    }

    @Test
    void longNamesInPaxAndGnuForm() throws IOException {
        String name = "deep/" + "n".repeat(150) + "/" + "m".repeat(200);
        String target = "t".repeat(180);
        for (TarBuilder builder : List.of(new TarBuilder(), TarBuilder.gnu())) {
            byte[] layer = builder.file(name, "x").symlink("link", target).hardlink("hard/" + "h".repeat(120), name).tar();
            try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(layer))) {
                assertEquals(name, reader.next().path());
                assertEquals(target, reader.next().linkName());
                LayerEntry hard = reader.next();
                assertEquals("hard/" + "h".repeat(120), hard.path());
                assertEquals(name, hard.linkName());
            }
        }
    }

    @Test
    void unreadContentIsSkippedAndClosingItLeavesTheLayerOpen() throws IOException {
        byte[] layer = new TarBuilder().file("a", "a".repeat(10_000)).file("b", "bbb").file("c", "c").gzip();
        try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(layer))) {
            assertEquals("a", reader.next().path());
            assertEquals('a', reader.content().read());
            assertEquals("b", reader.next().path());
            try (InputStream content = reader.content()) {
                assertEquals("bbb", new String(content.readAllBytes(), StandardCharsets.UTF_8));
            }
            assertEquals("c", reader.next().path());
            assertEquals("c", new String(reader.content().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void namesAreCleanedToEntryForm() {
        assertEquals("a/b", LayerReader.clean("./a/b/"));
        assertEquals("etc/passwd", LayerReader.clean("/etc/passwd"));
        assertEquals("etc/passwd", LayerReader.clean("//etc//./passwd"));
        assertEquals("b", LayerReader.clean("a/../b"));
        assertEquals("", LayerReader.clean("./"));
        assertEquals("", LayerReader.clean("a/.."));
        assertEquals("../x", LayerReader.clean("../x"));
        assertEquals("../../x", LayerReader.clean("a/../../.././x"));
        assertEquals("..", LayerReader.clean("/.."));
    }

    @Test
    void aHeaderRecordOverTheLimitIsRefused() {
        TarArchiveEntry entry = TarBuilder.header("f", TarConstants.LF_NORMAL, 0644);
        entry.addPaxHeader("SCHILY.xattr.user.big", "v".repeat(LayerReader.MAX_HEADER_RECORD));
        byte[] layer = new TarBuilder().add(entry, new byte[0]).tar();
        IOException e = assertThrows(IOException.class, () -> {
            try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(layer))) {
                reader.next();
            }
        });
        assertEquals("a tar header record of 1048607 bytes, more than the 1048576 a layer's may hold", e.getMessage());
    }

    @Test
    void aHeaderRecordUnderTheLimitIsRead() throws IOException {
        TarArchiveEntry entry = TarBuilder.header("f", TarConstants.LF_NORMAL, 0644);
        entry.addPaxHeader("SCHILY.xattr.user.big", "v".repeat(LayerReader.MAX_HEADER_RECORD - 100));
        byte[] layer = new TarBuilder().add(entry, new byte[0]).tar();
        try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(layer))) {
            assertEquals(LayerReader.MAX_HEADER_RECORD - 100, reader.next().xattrs().get("user.big").length());
        }
    }

    private static List<LayerEntry> entries(LayerReader reader) throws IOException {
        List<LayerEntry> entries = new ArrayList<>();
        for (LayerEntry entry = reader.next(); entry != null; entry = reader.next()) {
            entries.add(entry);
        }
        return entries;
    }

    /**
     * Names are UTF-8 whatever the platform's encoding: raw in a ustar header, in a GNU long name
     * and in a PAX record; a name whose bytes are not UTF-8, in any of them, is refused naming its
     * bytes, since Commons Compress would replace them and the name written would be another.
     */
    @Test
    void namesAreReadAsUtf8AndOthersRefused() throws IOException {
        String cafe = "caf\u00e9/" + "\u00e9".repeat(60);
        byte[] raw = tar("UTF-8", TarArchiveOutputStream.LONGFILE_GNU, cafe, "caf\u00e9");
        byte[] pax = new TarBuilder().file(cafe, "x").symlink("l", "caf\u00e9").tar();
        for (byte[] layer : List.of(raw, pax)) {
            try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(layer))) {
                assertEquals(cafe, reader.next().path());
                assertEquals("caf\u00e9", reader.next().linkName());
            }
        }
        // Bytes 0xff, one a character in ISO-8859-1, are no UTF-8.
        String bad = "bad\u00ffname";
        byte[] paxRecord = "17 path=bad\u00ffname\n".getBytes(StandardCharsets.ISO_8859_1);
        for (byte[] layer : List.of(tar("ISO-8859-1", TarArchiveOutputStream.LONGFILE_GNU, bad, "x"),
                tar("ISO-8859-1", TarArchiveOutputStream.LONGFILE_GNU, bad + "/" + "n".repeat(120), "x"),
                tar("ISO-8859-1", TarArchiveOutputStream.LONGFILE_GNU, "l", bad),
                new TarBuilder().add(TarBuilder.header("PaxHeaders/x", TarConstants.LF_PAX_EXTENDED_HEADER_LC, 0644),
                        paxRecord).file("x", "x").tar())) {
            try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(layer))) {
                IOException refused = assertThrows(IOException.class, () -> {
                    reader.next();
                    reader.next();
                });
                assertTrue(refused.getMessage().matches("entry \"bad\\\\xffname(/n+)?\" has a name that is not"
                        + " UTF-8, which cannot be written as it is"), refused.getMessage());
            }
        }
    }

    /** A file {@code name} and a symbolic link {@code l} to {@code target}, names in {@code encoding}, no PAX. */
    private static byte[] tar(String encoding, int longFileMode, String name, String target) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, encoding)) {
            tar.setLongFileMode(longFileMode);
            TarArchiveEntry file = new TarArchiveEntry(name);
            file.setSize(1);
            tar.putArchiveEntry(file);
            tar.write('x');
            tar.closeArchiveEntry();
            TarArchiveEntry link = new TarArchiveEntry("l", TarConstants.LF_SYMLINK);
            link.setLinkName(target);
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }
        return out.toByteArray();
    }
}
