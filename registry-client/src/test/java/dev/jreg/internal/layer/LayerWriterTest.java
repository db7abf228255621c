package dev.jreg.internal.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdInputStream;
import dev.jreg.internal.layer.DirectoryScan.Owners;
import dev.jreg.internal.store.HashingOutputStream;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.testing.Processes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers as GNU tar, zstd, sha256sum and Commons Compress read them, and the same bytes from the same tree. */
class LayerWriterTest {
    static final Instant BASE = Instant.parse("2024-03-01T10:00:00Z");
    /** A path past ustar's 100 and 255 bytes. */
    static final String LONG = "d".repeat(120) + "/" + "e".repeat(150) + "/" + "f".repeat(110);
    static final long BIG_ID = 3_000_000; // above ustar's 2097151

    @TempDir
    Path temp;

    /** The tree each reproducibility test makes, in either order, its mtimes {@code shift} from {@link #BASE}. */
    static void makeTree(Path root, boolean reversed, Duration shift) throws Exception {
        List<String> files = new ArrayList<>(List.of("etc/hosts", "etc/app/config.yaml", "usr/bin/tool", "usr/share/doc/README",
                "var/empty"));
        if (reversed) {
            java.util.Collections.reverse(files);
        }
        for (String file : files) {
            Path path = root.resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.equals("var/empty") ? "" : "content of " + file + "\n".repeat(file.length()));
        }
        chmod("4755", root.resolve("usr/bin/tool"));
        Files.createSymbolicLink(root.resolve("usr/bin/alias"), Path.of("tool"));
        Files.createLink(root.resolve("usr/bin/tool2"), root.resolve("usr/bin/tool"));
        Files.getFileAttributeView(root.resolve("etc/hosts"), UserDefinedFileAttributeView.class)
                .write("origin", StandardCharsets.UTF_8.encode("test"));
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!Files.isSymbolicLink(path) && !path.equals(root)) {
                    Files.setLastModifiedTime(path, FileTime.from(BASE.plus(shift).plusMillis(path.toString().length())));
                }
            }
        }
    }

    /**
     * The same tree made twice, in two directories, in opposite orders and hours apart, gives the
     * same layer with a clamp before both: same digest, same diff ID, gzip, zstd or none. Without
     * the clamp the different times give different layers.
     */
    @Test
    void theSameTreeGivesTheSameLayerWithAClamp() throws Exception {
        Path a = temp.resolve("first/tree");
        Path b = temp.resolve("second/elsewhere/tree");
        makeTree(a, false, Duration.ZERO);
        makeTree(b, true, Duration.ofHours(5));
        Optional<Instant> clamp = Optional.of(BASE.minusSeconds(3600));
        for (Compression compression : Compression.values()) {
            LayerWriter writer = LayerWriter.of(compression, clamp);
            WrittenLayer first = writer.write(DirectoryScan.scan(a, Owners.of(0, 0)), into(OutputStream.nullOutputStream()));
            WrittenLayer second = writer.write(DirectoryScan.scan(b, Owners.of(0, 0)), into(OutputStream.nullOutputStream()));
            assertEquals(first, second, compression.toString());
            assertEquals(compression.ociMediaType(), first.mediaType());

            LayerWriter unclamped = LayerWriter.of(compression, Optional.empty());
            WrittenLayer earlier = unclamped.write(DirectoryScan.scan(a, Owners.of(0, 0)), into(OutputStream.nullOutputStream()));
            WrittenLayer later = unclamped.write(DirectoryScan.scan(b, Owners.of(0, 0)), into(OutputStream.nullOutputStream()));
            assertNotEquals(earlier.digest(), later.digest(), compression.toString());
            assertNotEquals(earlier.diffId(), later.diffId(), compression.toString());
        }
    }

    /**
     * No header names a user or group, not even a PAX header's own (Commons Compress would write
     * the JVM's {@code user.name} there); no access or change time; a clamped time replaces later ones only.
     */
    @Test
    void headersHoldNoNamesNoAccessOrChangeTimesAndClampedTimes() throws Exception {
        Path content = Files.writeString(temp.resolve("c"), "x");
        Instant clamp = Instant.parse("2020-01-01T00:00:00Z");
        List<SourcedEntry> entries = List.of(
                new SourcedEntry(entry(LONG, LayerEntry.Type.FILE, 0644, 1, Instant.parse("2023-05-05T05:05:05.5Z")), content),
                new SourcedEntry(entry("old", LayerEntry.Type.FILE, 0644, 1, Instant.parse("2001-01-01T00:00:00.75Z")), content));
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        new LayerWriter(Compression.NONE, 0, Optional.of(clamp)).write(entries, into(tar));
        byte[] bytes = tar.toByteArray();
        int headers = 0;
        for (int at = 0; at + 512 <= bytes.length && bytes[at] != 0; headers++) {
            assertEquals("", field(bytes, at + 265, 32), "uname of " + field(bytes, at, 100));
            assertEquals("", field(bytes, at + 297, 32), "gname of " + field(bytes, at, 100));
            long size = Long.parseLong(field(bytes, at + 124, 12).trim(), 8);
            if (bytes[at + 156] == 'x') {
                String records = new String(bytes, at + 512, (int) size, StandardCharsets.UTF_8);
                assertTrue(!records.contains("atime") && !records.contains("ctime") && !records.contains("mtime"), records);
            }
            at += 512 + (int) ((size + 511) / 512 * 512);
        }
        assertEquals(3, headers, "a PAX header for the long name, and the two entries");
        Map<String, TarArchiveEntry> read = readTar(new ByteArrayInputStream(bytes), new LinkedHashMap<>());
        assertEquals(clamp, read.get(LONG).getLastModifiedTime().toInstant());
        assertEquals(Instant.parse("2001-01-01T00:00:00Z"), read.get("old").getLastModifiedTime().toInstant(),
                "earlier than the clamp: kept, to the second");
    }

    /**
     * GNU tar lists and extracts what was written, and Commons Compress reads it: names (past 100
     * and 255 bytes, and not ASCII), types, modes with setuid and sticky, numeric owners past
     * ustar's limit, times, link targets, contents, {@code user.*} xattrs, whiteouts and an opaque
     * directory.
     */
    @Test
    void gnuTarAndCommonsCompressReadWhatIsWritten() throws Exception {
        Path data = Files.writeString(temp.resolve("data"), "hello, layer\n");
        Path big = temp.resolve("big");
        byte[] bigBytes = new byte[3 * 256 * 1024 + 17];
        new java.util.Random(1).nextBytes(bigBytes);
        Files.write(big, bigBytes);
        Instant when = Instant.parse("2022-02-02T02:02:02Z");
        List<SourcedEntry> entries = List.of(
                SourcedEntry.of(entry("a", LayerEntry.Type.DIRECTORY, 01777, 0, when)),
                new SourcedEntry(entry("a/setuid", LayerEntry.Type.FILE, 04755, BIG_ID, when, 13), data),
                new SourcedEntry(entry(LONG, LayerEntry.Type.FILE, 0600, 1000, when, bigBytes.length), big),
                SourcedEntry.of(new LayerEntry("a/link", LayerEntry.Type.SYMLINK, 0777, 0, 0, when, 0, "../" + LONG, Map.of(), 0, 0)),
                SourcedEntry.of(new LayerEntry("a/tool-link", LayerEntry.Type.HARDLINK, 04755, BIG_ID, BIG_ID, when, 0, "a/setuid",
                        Map.of(), 0, 0)),
                new SourcedEntry(new LayerEntry("a/naïve €", LayerEntry.Type.FILE, 0644, 0, 0, when, 13, "",
                        Map.of("user.note", "héllo wörld", "user.empty", ""), 0, 0), data),
                SourcedEntry.of(new LayerEntry("a/fifo", LayerEntry.Type.FIFO, 0640, 0, 0, when, 0, "", Map.of(), 0, 0)),
                SourcedEntry.of(LayerEntry.whiteout("a/gone")),
                SourcedEntry.of(LayerEntry.opaque("a")));
        for (Compression compression : Compression.values()) {
            Path layer = temp.resolve("layer-" + compression);
            WrittenLayer written;
            try (OutputStream out = Files.newOutputStream(layer)) {
                written = LayerWriter.of(compression, Optional.empty()).write(entries, into(out));
            }
            Path tar = uncompressed(layer, compression);
            ProcessBuilder list = new ProcessBuilder("nice", "-n", "19", "tar", "--numeric-owner", "--full-time",
                    "--quoting-style=literal", "-tvf", tar.toString());
            list.environment().put("TZ", "UTC");
            String listing = new String(Processes.run(list, null, Duration.ofSeconds(60)).assertOk(list.command()).stdout(),
                    StandardCharsets.UTF_8);
            List<String> lines = listing.lines().toList();
            assertEquals(List.of(
                    "drwxrwxrwt 0/0 0 2022-02-02 02:02:02 a/",
                    "---------- 0/0 0 1970-01-01 00:00:00 a/.wh..wh..opq",
                    "---------- 0/0 0 1970-01-01 00:00:00 a/.wh.gone",
                    "prw-r----- 0/0 0 2022-02-02 02:02:02 a/fifo",
                    "lrwxrwxrwx 0/0 0 2022-02-02 02:02:02 a/link -> ../" + LONG,
                    "-rw-r--r-- 0/0 13 2022-02-02 02:02:02 a/naïve €",
                    "-rwsr-xr-x 3000000/3000000 13 2022-02-02 02:02:02 a/setuid",
                    "hrwsr-xr-x 3000000/3000000 0 2022-02-02 02:02:02 a/tool-link link to a/setuid",
                    "-rw------- 1000/1000 " + bigBytes.length + " 2022-02-02 02:02:02 " + LONG),
                    lines.stream().map(line -> line.replaceAll(" +", " ")).toList(), listing);
            Path out = Files.createDirectories(temp.resolve("out-" + compression));
            Processes.run(List.of("nice", "-n", "19", "tar", "--numeric-owner", "--xattrs", "--xattrs-include=user.*", "-xpf",
                    tar.toString(), "-C", out.toString()), Duration.ofSeconds(60)).assertOk(List.of("tar -xf"));
            assertEquals("hello, layer\n", Files.readString(out.resolve("a/setuid")));
            assertArrayEquals(bigBytes, Files.readAllBytes(out.resolve(LONG)));
            if (DirectoryScan.processIsRoot()) {
                assertEquals(BIG_ID, Integer.toUnsignedLong((Integer) Files.getAttribute(out.resolve("a/setuid"), "unix:uid")));
            }
            assertEquals(04755, (Integer) Files.getAttribute(out.resolve("a/setuid"), "unix:mode") & 07777);
            assertEquals(Files.getAttribute(out.resolve("a/setuid"), "unix:ino"), Files.getAttribute(out.resolve("a/tool-link"), "unix:ino"));
            assertEquals(Path.of("../" + LONG), Files.readSymbolicLink(out.resolve("a/link")));
            assertEquals(Map.of("user.note", "héllo wörld", "user.empty", ""), DirectoryScan.userXattrs(out.resolve("a/naïve €")));
            assertEquals(when, Files.getLastModifiedTime(out.resolve(LONG)).toInstant());

            Map<String, TarArchiveEntry> read = readTar(Files.newInputStream(tar), new LinkedHashMap<>());
            assertEquals(List.of("a/", "a/.wh..wh..opq", "a/.wh.gone", "a/fifo", "a/link", "a/naïve €", "a/setuid", "a/tool-link", LONG),
                    List.copyOf(read.keySet()), "path order, a directory named with its slash");
            TarArchiveEntry setuid = read.get("a/setuid");
            assertEquals(04755, setuid.getMode());
            assertEquals(BIG_ID, setuid.getLongUserId());
            assertEquals(BIG_ID, setuid.getLongGroupId());
            assertEquals("", setuid.getUserName());
            assertEquals("a/setuid", read.get("a/tool-link").getLinkName());
            assertTrue(read.get("a/tool-link").isLink());
            assertEquals("../" + LONG, read.get("a/link").getLinkName());
            assertEquals("héllo wörld", read.get("a/naïve €").getExtraPaxHeader("SCHILY.xattr.user.note"));
            TarArchiveEntry whiteout = read.get("a/.wh.gone");
            assertTrue(whiteout.isFile());
            assertEquals(List.of(0, 0L, 0L, 0L, Instant.EPOCH), List.of(whiteout.getMode(), whiteout.getLongUserId(),
                    whiteout.getLongGroupId(), whiteout.getSize(), whiteout.getLastModifiedTime().toInstant()));
            assertTrue(read.get("a/fifo").isFIFO());
            assertEquals(Files.size(layer), written.size());
        }
    }

    /** The digest is sha256sum's of the bytes written; the diff ID sha256sum's of them decompressed (by zstd itself for zstd). */
    @Test
    void digestAndDiffIdAreSha256sumsOfTheBytes() throws Exception {
        Path root = temp.resolve("tree");
        makeTree(root, false, Duration.ZERO);
        for (Compression compression : Compression.values()) {
            Path layer = temp.resolve("layer-" + compression);
            WrittenLayer written;
            try (OutputStream out = Files.newOutputStream(layer)) {
                written = LayerWriter.of(compression, Optional.empty()).write(DirectoryScan.scan(root, Owners.ON_DISK), into(out));
            }
            assertEquals(written.digest().hex(), sha256sum(layer), compression.toString());
            assertEquals(written.diffId().hex(), sha256sum(uncompressed(layer, compression)), compression.toString());
            assertEquals(Files.size(layer), written.size());
            assertEquals(Descriptor.of(compression.ociMediaType(), written.digest(), written.size()), written.descriptor());
        }
    }

    /**
     * The compressed bytes are hashed once, by the stream they are written into (the store's
     * ingest, in a commit or squash): the layer's digest and size are that stream's, never a hash
     * of the writer's own; without compression its digest is the diff ID too. The tar bytes are
     * hashed for the diff ID on their way to the compressor. Here the stream hashes and counts
     * nothing, so that its digest is the empty content's and its size 0.
     */
    @Test
    void theDigestAndSizeAreThoseOfTheStreamWrittenInto() throws Exception {
        Path root = temp.resolve("tree");
        makeTree(root, false, Duration.ZERO);
        Digest nothingHashed = Digest.sha256(new byte[0]);
        for (Compression compression : Compression.values()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            HashingOutputStream unhashed = new HashingOutputStream() {
                @Override
                public void write(int b) {
                    bytes.write(b);
                }

                @Override
                public void write(byte[] b, int offset, int length) {
                    bytes.write(b, offset, length);
                }
            };
            WrittenLayer written = LayerWriter.of(compression, Optional.empty()).write(DirectoryScan.scan(root,
                    Owners.ON_DISK), unhashed);
            assertEquals(nothingHashed, written.digest(), compression.toString());
            assertEquals(0, written.size(), "what the stream counted, not the " + bytes.size() + " bytes written: "
                    + compression);
            assertEquals(compression == Compression.NONE ? nothingHashed : Digest.sha256(decompressed(bytes.toByteArray(),
                    compression)), written.diffId(), compression.toString());
        }
    }

    private static byte[] decompressed(byte[] layer, Compression compression) throws IOException {
        try (InputStream in = compression == Compression.GZIP ? new GZIPInputStream(new ByteArrayInputStream(layer))
                : new ZstdInputStream(new ByteArrayInputStream(layer))) {
            return in.readAllBytes();
        }
    }

    /** The JDK's gzip header: no name, modification time 0, no extra flags, operating system 255, at every level. */
    @Test
    void theGzipHeaderIsConstant() throws Exception {
        for (int level = 0; level <= 9; level++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new LayerWriter(Compression.GZIP, level, Optional.empty()).write(List.of(), into(out));
            assertEquals("1f8b08000000000000ff", HexFormat.of().formatHex(out.toByteArray(), 0, 10), "level " + level);
        }
    }

    /** Levels select the compression: a higher one writes fewer bytes of a compressible tree, the same diff ID. */
    @Test
    void levelsAreSelectableWithinTheirRange() throws Exception {
        Path file = temp.resolve("text");
        Files.writeString(file, "all work and no play makes a layer a dull layer\n".repeat(20_000));
        List<SourcedEntry> entries = List.of(new SourcedEntry(entry("text", LayerEntry.Type.FILE, 0644, 0, BASE, Files.size(file)), file));
        for (Compression compression : List.of(Compression.GZIP, Compression.ZSTD)) {
            WrittenLayer fast = new LayerWriter(compression, 1, Optional.empty()).write(entries, into(OutputStream.nullOutputStream()));
            WrittenLayer best = new LayerWriter(compression, 9, Optional.empty()).write(entries, into(OutputStream.nullOutputStream()));
            assertTrue(best.size() < fast.size(), compression + ": " + best.size() + " < " + fast.size());
            assertEquals(fast.diffId(), best.diffId());
        }
        assertEquals("gzip compression levels are 0 to 9, not 10",
                assertThrows(IllegalArgumentException.class, () -> new LayerWriter(Compression.GZIP, 10, Optional.empty())).getMessage());
        assertEquals("zstd compression levels are 1 to 22, not 0",
                assertThrows(IllegalArgumentException.class, () -> new LayerWriter(Compression.ZSTD, 0, Optional.empty())).getMessage());
    }

    /** A file that is shorter or longer than when it was listed fails the layer, naming the file; so does one removed. */
    @Test
    void aFileThatChangedSinceItWasListedFailsTheLayer() throws Exception {
        Path file = Files.writeString(temp.resolve("f"), "12345");
        LayerWriter writer = LayerWriter.of(Compression.GZIP, Optional.empty());
        IOException shorter = assertThrows(IOException.class, () -> writer.write(
                List.of(new SourcedEntry(entry("f", LayerEntry.Type.FILE, 0644, 0, BASE, 9), file)), into(OutputStream.nullOutputStream())));
        assertEquals(file + " changed while the layer was written: it had 9 bytes when listed, 5 now", shorter.getMessage());
        IOException longer = assertThrows(IOException.class, () -> writer.write(
                List.of(new SourcedEntry(entry("f", LayerEntry.Type.FILE, 0644, 0, BASE, 3), file)), into(OutputStream.nullOutputStream())));
        assertEquals(file + " changed while the layer was written: it had 3 bytes when listed, more now", longer.getMessage());
        Path gone = temp.resolve("gone");
        IOException removed = assertThrows(IOException.class, () -> writer.write(
                List.of(new SourcedEntry(entry("g", LayerEntry.Type.FILE, 0644, 0, BASE, 3), gone)), into(OutputStream.nullOutputStream())));
        assertEquals(gone + " was removed while the layer was written", removed.getMessage());
    }

    /**
     * Entries whose bytes a caller gives: asked for in path order, files with bytes only; a caller
     * that gives fewer or more bytes than the size fails the layer. The root's own entry is
     * {@code ./}; exact times keep their fraction of a second, still clamped.
     */
    @Test
    void contentsACallerGivesAreAskedForInPathOrderAndHeldToTheirSizes() throws Exception {
        Instant fraction = BASE.plusMillis(250);
        List<LayerEntry> entries = List.of(entry("b", LayerEntry.Type.FILE, 0644, 0, fraction, 2),
                entry("a", LayerEntry.Type.FILE, 0644, 0, BASE.plusSeconds(99), 1), entry("", LayerEntry.Type.DIRECTORY, 0700, 0, BASE),
                entry("empty", LayerEntry.Type.FILE, 0644, 0, BASE));
        List<String> asked = new ArrayList<>();
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        LayerWriter.of(Compression.NONE, Optional.of(BASE.plusSeconds(10))).withExactTimes().write(entries, (entry, out) -> {
            asked.add(entry.path());
            out.write("xy".substring(0, (int) entry.size()).getBytes(StandardCharsets.UTF_8));
        }, into(tar));
        assertEquals(List.of("a", "b"), asked);
        Map<String, TarArchiveEntry> read = readTar(new ByteArrayInputStream(tar.toByteArray()), new LinkedHashMap<>());
        assertEquals(List.of("./", "a", "b", "empty"), List.copyOf(read.keySet()));
        assertEquals(BASE.plusSeconds(10), read.get("a").getLastModifiedTime().toInstant());
        assertEquals(fraction, read.get("b").getLastModifiedTime().toInstant());

        LayerWriter writer = LayerWriter.of(Compression.NONE, Optional.empty());
        List<LayerEntry> one = List.of(entry("f", LayerEntry.Type.FILE, 0644, 0, BASE, 3));
        assertThrows(IOException.class, () -> writer.write(one, (entry, out) -> out.write(new byte[2]),
                into(OutputStream.nullOutputStream())));
        assertThrows(IOException.class, () -> writer.write(one, (entry, out) -> out.write(new byte[4]),
                into(OutputStream.nullOutputStream())));
    }

    /** Entries come out in path order whatever order they are given in; a duplicate or a hard link to nothing earlier is refused. */
    @Test
    void entriesAreWrittenInPathOrderOnceEach() throws Exception {
        List<SourcedEntry> shuffled = new ArrayList<>();
        for (String path : List.of("b/c", "a-b", "a/b/c", "a", "b", "a/b", "a.b", "a/b0")) {
            shuffled.add(SourcedEntry.of(entry(path, path.contains("b/c") ? LayerEntry.Type.FIFO : LayerEntry.Type.DIRECTORY,
                    0755, 0, BASE)));
        }
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        LayerWriter.of(Compression.NONE, Optional.empty()).write(shuffled, into(tar));
        assertEquals(List.of("a/", "a/b/", "a/b/c", "a/b0/", "a-b/", "a.b/", "b/", "b/c"),
                List.copyOf(readTar(new ByteArrayInputStream(tar.toByteArray()), new LinkedHashMap<>()).keySet()));

        LayerWriter writer = LayerWriter.of(Compression.NONE, Optional.empty());
        SourcedEntry dir = SourcedEntry.of(entry("a", LayerEntry.Type.DIRECTORY, 0755, 0, BASE));
        assertEquals("the layer would hold a twice", assertThrows(IllegalArgumentException.class,
                () -> writer.write(List.of(dir, dir), into(OutputStream.nullOutputStream()))).getMessage());
        SourcedEntry link = SourcedEntry.of(new LayerEntry("a", LayerEntry.Type.HARDLINK, 0644, 0, 0, BASE, 0, "b", Map.of(), 0, 0));
        SourcedEntry target = SourcedEntry.of(entry("b", LayerEntry.Type.FILE, 0644, 0, BASE));
        assertEquals("hard link a points at b, which is not an earlier entry of the layer", assertThrows(
                IllegalArgumentException.class, () -> writer.write(List.of(link, target), into(OutputStream.nullOutputStream()))).getMessage());
    }

    /** A caller's stream as a layer is written into it: hashed and counted, left open. */
    static HashingOutputStream into(OutputStream out) {
        return HashingOutputStream.over(out);
    }

    /** chmod(1), which sets setuid, setgid and sticky bits that Java's permission sets leave out. */
    static void chmod(String mode, Path path) throws Exception {
        Processes.run(List.of("chmod", mode, path.toString()), Duration.ofSeconds(30)).assertOk(List.of("chmod", mode));
    }

    static LayerEntry entry(String path, LayerEntry.Type type, int mode, long owner, Instant mtime) {
        return entry(path, type, mode, owner, mtime, 0);
    }

    static LayerEntry entry(String path, LayerEntry.Type type, int mode, long owner, Instant mtime, long size) {
        return new LayerEntry(path, type, mode, owner, owner, mtime, size, "", Map.of(), 0, 0);
    }

    /** Every entry of a tar stream by name, its content read. */
    static Map<String, TarArchiveEntry> readTar(InputStream in, Map<String, TarArchiveEntry> into) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name())) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null;) {
                tar.transferTo(into(OutputStream.nullOutputStream()));
                into.put(entry.getName(), entry);
            }
        }
        return into;
    }

    /** The layer's tar stream in a file: gunzip's, zstd's (zstd-jni's where zstd is not installed), or the layer itself. */
    Path uncompressed(Path layer, Compression compression) throws Exception {
        Path tar = temp.resolve(layer.getFileName() + ".tar");
        switch (compression) {
            case NONE -> {
                return layer;
            }
            case GZIP -> Files.write(tar, Processes.run(List.of("nice", "-n", "19", "gzip", "-dc", layer.toString()),
                    Duration.ofSeconds(60)).assertOk(List.of("gzip -dc")).stdout());
            case ZSTD -> {
                if (Files.isExecutable(Path.of("/usr/bin/zstd"))) {
                    Processes.run(List.of("nice", "-n", "19", "zstd", "-q", "-d", layer.toString(), "-o", tar.toString()),
                            Duration.ofSeconds(60)).assertOk(List.of("zstd -d"));
                } else {
                    try (InputStream in = new ZstdInputStream(Files.newInputStream(layer))) {
                        Files.copy(in, tar);
                    }
                }
            }
        }
        return tar;
    }

    static String sha256sum(Path file) throws Exception {
        String out = new String(Processes.run(List.of("sha256sum", file.toString()), Duration.ofSeconds(60))
                .assertOk(List.of("sha256sum")).stdout(), StandardCharsets.US_ASCII);
        return out.substring(0, 64);
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }
}
