package dev.jreg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.json.Json;
import dev.jreg.internal.layer.FileStamp;
import dev.jreg.internal.layer.LayerEntry;
import dev.jreg.internal.layer.Trees;
import dev.jreg.internal.layer.UnpackRecord;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.model.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpack records follow a directory moved within its filesystem, never go to another directory
 * that took a deleted one's inode, and do not pile up.
 */
class UnpackedDirectoriesTest {
    private static final Digest MANIFEST = Digest.sha256("manifest".getBytes(StandardCharsets.UTF_8));
    private static final Digest CONFIG = Digest.sha256("config".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path store;
    @TempDir
    Path work;

    private UnpackedDirectories records;

    @BeforeEach
    void open() throws IOException {
        records = new UnpackedDirectories(LocalStore.open(store));
    }

    /** A directory as an unpack leaves it: a few entries, each recorded with its stamp. */
    private Path unpacked(String name) throws IOException {
        Path directory = Files.createDirectories(work.resolve(name));
        Files.createDirectories(directory.resolve("etc"));
        Files.writeString(directory.resolve("etc/app.conf"), name);
        Files.writeString(directory.resolve("version"), name);
        return directory.toRealPath();
    }

    /** The record an unpack of {@code image} into the directory writes, the directory's identity given. */
    private static UnpackedDirectories.Unpacked record(Path directory, UnpackedDirectories.Identity identity,
            String image) throws IOException {
        TreeMap<String, UnpackRecord.Item> items = new TreeMap<>();
        for (String path : List.of("etc", "etc/app.conf", "version")) {
            Path file = directory.resolve(path);
            LayerEntry.Type type = Files.isDirectory(file) ? LayerEntry.Type.DIRECTORY : LayerEntry.Type.FILE;
            items.put(path, new UnpackRecord.Item(new LayerEntry(path, type, 0644, 0, 0, Instant.EPOCH,
                    type == LayerEntry.Type.FILE ? Files.size(file) : 0, "", Map.of(), 0, 0), FileStamp.of(file)));
        }
        return new UnpackedDirectories.Unpacked(directory, identity, image, MANIFEST, CONFIG, new UnpackRecord(items));
    }

    private void write(Path directory, String image) throws IOException {
        records.write(record(directory, UnpackedDirectories.Identity.of(directory), image));
    }

    /** Waits, polling, until a file made now gets a change time later than every one in the tree. */
    private static void awaitClockPast(Path tree) throws IOException {
        long latest;
        try (Stream<Path> paths = Files.walk(tree)) {
            latest = paths.mapToLong(path -> {
                try {
                    return FileStamp.of(path).ctimeNanos();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).max().orElseThrow();
        }
        Path probe = tree.resolveSibling("clock-probe");
        long deadline = System.nanoTime() + 5_000_000_000L;
        do {
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            assertTrue(System.nanoTime() < deadline, "the file system's clock did not move on");
        } while (FileStamp.of(probe).ctimeNanos() <= latest);
        Files.delete(probe);
    }

    /** The image a record file names, from its first line. */
    private static String image(Path file) throws IOException {
        String header = Files.readAllLines(file, StandardCharsets.ISO_8859_1).get(0);
        return Json.parse(header).path("image").asText();
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(store.resolve("unpacked"))) {
            return files.sorted().toList();
        }
    }

    /**
     * {@code mv DIR DIR2}: the record is found at the new path, filed there (the old one gone),
     * found again directly; and nothing at the old path. A directory unpacked at the old path
     * afterwards gets a record of its own and leaves the moved one's.
     */
    @Test
    void aMovedDirectoryKeepsItsRecord() throws Exception {
        Path tmp = unpacked("tmp");
        write(tmp, "local:first:1");
        Path moved = work.resolve("moved");
        Files.move(tmp, moved);
        Files.writeString(moved.resolve("etc/app.conf"), "edited");

        Optional<UnpackedDirectories.Unpacked> found = records.find(moved);
        assertTrue(found.isPresent());
        assertEquals(moved, found.get().directory());
        assertEquals("local:first:1", found.get().image());
        assertEquals(UnpackedDirectories.Identity.of(moved), found.get().identity());
        assertEquals(List.of("etc", "etc/app.conf", "version"), List.copyOf(found.get().record().items().keySet()));
        assertEquals(1, files().size(), "filed under the new path only");
        List<Path> filed = files();
        assertEquals("local:first:1", records.find(moved).orElseThrow().image());
        assertEquals(filed, files(), "found where it is filed now");

        Path again = unpacked("tmp");
        write(again, "local:second:1");
        assertEquals(2, files().size());
        assertEquals("local:second:1", records.find(again).orElseThrow().image());
        Path second = work.resolve("second");
        Files.move(again, second);
        assertEquals("local:first:1", records.find(moved).orElseThrow().image());
        assertEquals("local:second:1", records.find(second).orElseThrow().image());
        assertEquals(Optional.empty(), records.find(Files.createDirectories(work.resolve("tmp")).toRealPath()));
    }

    /**
     * A directory that took the inode of one deleted since its unpack (the record of which names
     * this identity) is not that directory: none of its entries has a stamp the record gives.
     * Its own unpack replaces the stale record.
     */
    @Test
    void aDirectoryWithAnotherDirectorysInodeTakesNoRecord() throws Exception {
        Path deleted = unpacked("deleted");
        Path recycled = unpacked("recycled");
        // As if the inode of the deleted directory were the new one's.
        records.write(record(deleted, UnpackedDirectories.Identity.of(recycled), "local:deleted:1"));
        Trees.delete(deleted, false);
        List<Path> before = files();

        assertEquals(Optional.empty(), records.find(recycled));
        assertEquals(before, files(), "nothing filed elsewhere");
        Path moved = work.resolve("moved");
        Files.move(recycled, moved);
        assertEquals(Optional.empty(), records.find(moved));

        write(moved, "local:recycled:1");
        assertEquals(1, files().size(), "the stale record of the same inode deleted");
        Path again = work.resolve("again");
        Files.move(moved, again);
        assertEquals("local:recycled:1", records.find(again).orElseThrow().image());
    }

    /**
     * A copy (new inodes) takes no record; nor does a directory moved to where it was copied from
     * once every entry of it was touched, since nothing then shows which directory it is.
     */
    @Test
    void aCopyOrADirectoryWithNothingUntouchedTakesNoRecord() throws Exception {
        Path first = unpacked("rootfs");
        write(first, "local:first:1");
        Path copy = work.resolve("copy");
        assertEquals(0, new ProcessBuilder("cp", "-a", first.toString(), copy.toString()).start().waitFor());
        assertEquals(Optional.empty(), records.find(copy.toRealPath()));

        Path moved = work.resolve("moved");
        Files.move(first, moved);
        // Later than the unpack: the file system's clock is coarse (a few milliseconds), and a
        // change within the same tick would leave a change time as recorded.
        awaitClockPast(moved);
        try (Stream<Path> paths = Files.walk(moved)) {
            for (Path path : paths.toList()) {
                Files.setLastModifiedTime(path, FileTime.from(Instant.EPOCH));
            }
        }
        assertEquals(Optional.empty(), records.find(moved));
        assertEquals(1, files().size(), "the record left where it was");
    }

    /**
     * Writing a record deletes those of directories gone from their paths but the ones written
     * last, and keeps those of directories still there; {@code prune} deletes every gone one.
     */
    @Test
    void writingARecordDeletesThoseOfGoneDirectoriesButTheLast() throws Exception {
        Path kept = unpacked("kept");
        write(kept, "local:kept:1");
        int gone = UnpackedDirectories.GONE_KEPT + 3;
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Files.createDirectories(work.resolve("gone"));
        for (int i = 0; i < gone; i++) {
            write(unpacked("gone/" + i), "local:gone:" + i);
        }
        // Made before they are deleted, so that it takes none of their inodes.
        Path fresh = unpacked("fresh");
        Trees.delete(work.resolve("gone"), false);
        // Written in order, a minute apart, the kept directory's first of all.
        for (Path file : files()) {
            String image = image(file);
            int i = image.equals("local:kept:1") ? -1 : Integer.parseInt(image.substring("local:gone:".length()));
            Files.setLastModifiedTime(file, FileTime.from(start.plusSeconds(60L * (i + 1))));
        }
        assertEquals(gone + 1, files().size());

        write(fresh, "local:fresh:1");
        assertEquals(UnpackedDirectories.GONE_KEPT + 2, files().size(), "the gone ones written last, kept and fresh");
        assertEquals("local:kept:1", records.find(kept).orElseThrow().image());
        List<String> left = new ArrayList<>();
        for (Path file : files()) {
            left.add(image(file));
        }
        List<String> expected = new ArrayList<>(List.of("local:kept:1", "local:fresh:1"));
        for (int i = 3; i < gone; i++) {
            expected.add("local:gone:" + i);
        }
        assertEquals(expected.stream().sorted().toList(), left.stream().sorted().toList(),
                "the first three gone ones written deleted");

        assertEquals(UnpackedDirectories.GONE_KEPT, records.prune());
        assertEquals(2, files().size());
    }
}
