package dev.jreg.internal.layer;

import static dev.jreg.internal.layer.LayerWriterTest.chmod;
import static dev.jreg.internal.layer.LayerWriterTest.into;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jreg.internal.layer.DirectoryScan.Found;
import dev.jreg.internal.layer.DirectoryScan.Owners;
import dev.jreg.internal.layer.FilesystemDiff.ImageContent;
import dev.jreg.model.Digest;
import dev.jreg.testing.Processes;
import dev.jreg.testing.TarBuilder;
import dev.jreg.testing.Unprivileged;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory's changes since it was unpacked, as the entries of a layer. */
class FilesystemDiffTest {
    static final Instant IMAGE_TIME = Instant.parse("2020-01-01T00:00:00Z");
    static final FilesystemDiff UNPRIVILEGED = new FilesystemDiff(false, false, ImageContent.NONE);

    @TempDir
    Path temp;
    Path root;

    /** The image's filesystem, as an unpack leaves it: every path modified at {@link #IMAGE_TIME}. */
    @BeforeEach
    void unpack() throws Exception {
        root = temp.resolve("rootfs");
        for (String file : List.of("bin/tool", "etc/app.conf", "etc/keep.conf", "var/log.txt", "var/cache/a", "var/cache/sub/b",
                "srv/data")) {
            Files.createDirectories(root.resolve(file).getParent());
            Files.writeString(root.resolve(file), "content of " + file);
        }
        chmod("0755", root.resolve("bin/tool"));
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.setLastModifiedTime(path, FileTime.from(IMAGE_TIME));
            }
        }
    }

    /**
     * What an unpack records: each path's entry as the image has it — owned by 0:0 but for
     * {@code owners} — and its stamp right after.
     */
    UnpackRecord record(Map<String, Long> owners) throws IOException {
        TreeMap<String, UnpackRecord.Item> items = new TreeMap<>();
        for (Found found : DirectoryScan.walk(root, Owners.of(0, 0), true)) {
            LayerEntry e = found.entry();
            long owner = owners.getOrDefault(e.path(), 0L);
            items.put(e.path(), new UnpackRecord.Item(new LayerEntry(e.path(), e.type(), e.mode(), owner, owner, e.mtime(),
                    e.size(), e.linkName(), e.xattrs(), e.devMajor(), e.devMinor()), FileStamp.of(found.file())));
        }
        return new UnpackRecord(items);
    }

    /** The image's entries by path, from a record. */
    static Map<String, LayerEntry> image(UnpackRecord record) {
        Map<String, LayerEntry> image = new TreeMap<>();
        record.items().forEach((path, item) -> image.put(path, item.entry()));
        return image;
    }

    /** Each entry as {@code PATH TYPE MODE UID:GID [SIZE|-> TARGET] [image time]}. */
    static List<String> describe(List<SourcedEntry> entries) {
        List<String> lines = new ArrayList<>();
        for (SourcedEntry sourced : entries) {
            LayerEntry e = sourced.entry();
            lines.add(e.path() + " " + e.type() + " " + Integer.toOctalString(e.mode()) + " " + e.uid() + ":" + e.gid()
                    + (e.type() == LayerEntry.Type.FILE ? " " + e.size() : "")
                    + (e.linkName().isEmpty() ? "" : " -> " + e.linkName())
                    + (e.mtime().equals(IMAGE_TIME) ? " image time" : e.mtime().equals(Instant.EPOCH) ? " time 0" : ""));
        }
        return lines;
    }

    /** Adds {@code etc/new.conf}, rewrites {@code etc/app.conf}, chmods {@code bin/tool}, deletes {@code var/log.txt} and {@code var/cache}. */
    void edit() throws Exception {
        Files.writeString(root.resolve("etc/new.conf"), "new");
        Files.writeString(root.resolve("etc/app.conf"), "rewritten");
        chmod("0700", root.resolve("bin/tool"));
        Files.delete(root.resolve("var/log.txt"));
        try (Stream<Path> cache = Files.walk(root.resolve("var/cache"))) {
            for (Path path : cache.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** The changes {@link #edit} makes, with the parent directories: those unchanged as the image has them. */
    static final List<String> EDITED = List.of(
            "bin DIRECTORY 755 0:0 image time",
            "bin/tool FILE 700 0:0 19 image time",
            "etc DIRECTORY 755 0:0",
            "etc/app.conf FILE 644 1000:1000 9",
            "etc/new.conf FILE 644 0:0 3",
            "var DIRECTORY 755 0:0",
            "var/.wh.cache FILE 0 0:0 0 time 0",
            "var/.wh.log.txt FILE 0 0:0 0 time 0");

    /**
     * Exactly the paths added, changed (content, mode) and deleted, a deleted directory as one
     * whiteout; an unchanged parent as the image has it; a changed file keeps the image's owner,
     * which an unprivileged unpack could not give it; an added one is 0:0.
     */
    @Test
    void exactlyWhatChanged() throws Exception {
        UnpackRecord record = record(Map.of("etc/app.conf", 1000L));
        edit();
        List<SourcedEntry> changes = UNPRIVILEGED.changes(root, record);
        assertEquals(EDITED, describe(changes));
        assertEquals(root.resolve("etc/app.conf"), changes.get(3).content());
        LayerWriter.of(Compression.GZIP, Optional.empty()).write(changes, into(OutputStream.nullOutputStream()));
    }

    /** Unchanged since the unpack: no change, not even a file compared (whose bytes no one could give). */
    @Test
    void anUntouchedDirectoryHasNoChanges() throws Exception {
        UnpackRecord record = record(Map.of("etc/app.conf", 1000L));
        assertEquals(List.of(), UNPRIVILEGED.changes(root, record));
        assertEquals(List.of(), new FilesystemDiff(true, true, ImageContent.NONE).changes(root, record));
    }

    /**
     * As root, owners on disk mean something: a changed file keeps the owner the unpack gave it,
     * or takes the one it was given since.
     */
    @Test
    void asRootAChangedFileHasItsOwnerOnDisk() throws Exception {
        assumeTrue(DirectoryScan.processIsRoot(), "only root can give a file another owner");
        Path app = root.resolve("etc/app.conf");
        Files.setAttribute(app, "unix:uid", 1000);
        Files.setAttribute(app, "unix:gid", 1000);
        Files.setLastModifiedTime(app, FileTime.from(IMAGE_TIME));
        UnpackRecord record = record(Map.of("etc/app.conf", 1000L));
        FilesystemDiff privileged = new FilesystemDiff(true, false, ImageContent.NONE);
        Files.writeString(app, "rewritten");
        assertEquals(List.of("etc DIRECTORY 755 0:0 image time", "etc/app.conf FILE 644 1000:1000 9"),
                describe(privileged.changes(root, record)));
        Files.setAttribute(app, "unix:uid", 42);
        Files.setAttribute(app, "unix:gid", 43);
        assertEquals(List.of("etc DIRECTORY 755 0:0 image time", "etc/app.conf FILE 644 42:43 9"),
                describe(privileged.changes(root, record)));
    }

    /**
     * A file rewritten with bytes of the same length and its time put back: its attributes are the
     * image's, so only {@code checksum} finds it, comparing with the image's bytes; where the image's
     * bytes cannot be had, it counts as changed.
     */
    @Test
    void checksumComparesBytesWithTheImages() throws Exception {
        UnpackRecord record = record(Map.of());
        Path keep = root.resolve("etc/keep.conf");
        String was = Files.readString(keep);
        Files.writeString(keep, was.toUpperCase());
        Files.setLastModifiedTime(keep, FileTime.from(IMAGE_TIME));
        assertEquals(List.of(), UNPRIVILEGED.changes(root, record));

        ImageContent original = paths -> digests(paths, path -> ("content of " + path).getBytes(StandardCharsets.UTF_8));
        List<String> changed = List.of("etc DIRECTORY 755 0:0 image time", "etc/keep.conf FILE 644 0:0 24 image time");
        assertEquals(changed, describe(new FilesystemDiff(false, true, original).changes(root, record)));
        assertEquals(changed, describe(new FilesystemDiff(false, true, ImageContent.NONE).changes(root, record)));
        ImageContent current = paths -> digests(paths, path -> Files.readAllBytes(root.resolve(path)));
        assertEquals(List.of(), new FilesystemDiff(false, true, current).changes(root, record));
    }

    private interface Bytes {
        byte[] of(String path) throws IOException;
    }

    private static Map<String, Digest> digests(Set<String> paths, Bytes bytes) throws IOException {
        Map<String, Digest> digests = new TreeMap<>();
        for (String path : paths) {
            digests.put(path, Digest.sha256(bytes.of(path)));
        }
        return digests;
    }

    /**
     * A file rewritten at its size with a time of the same second as its last: a change to the
     * nanosecond, which a diff {@code withExactTimes} sees.
     */
    @Test
    void exactTimesTellAChangeWithinTheSecond() throws Exception {
        UnpackRecord record = record(Map.of());
        Path keep = root.resolve("etc/keep.conf");
        Files.writeString(keep, Files.readString(keep).toUpperCase());
        Files.setLastModifiedTime(keep, FileTime.from(IMAGE_TIME.plusNanos(1)));
        assertEquals(List.of(), UNPRIVILEGED.changes(root, record));
        assertEquals(List.of("etc DIRECTORY 755 0:0 image time", "etc/keep.conf FILE 644 0:0 24"),
                describe(UNPRIVILEGED.withExactTimes().changes(root, record)));
    }

    /**
     * A record that took in the changes it was diffed against gives none again, and describes the
     * directory as a new unpack of the image and the changes would: the paths added and changed as
     * the changes have them (an owner the image gave kept), those deleted gone with what they held.
     */
    @Test
    void aRecordThatTookInItsChangesStartsTheNextDiffThere() throws Exception {
        UnpackRecord record = record(Map.of("etc/app.conf", 1000L));
        edit();
        Files.delete(root.resolve("srv/data"));
        Files.delete(root.resolve("srv"));
        Files.writeString(root.resolve("srv"), "a file now");
        FilesystemDiff diff = UNPRIVILEGED.withExactTimes();
        UnpackRecord after = record.withChanges(root, diff.changes(root, record));
        assertEquals(List.of(), diff.changes(root, after));
        assertEquals(List.of("bin", "bin/tool", "etc", "etc/app.conf", "etc/keep.conf", "etc/new.conf", "srv", "var"),
                List.copyOf(after.items().keySet()));
        assertEquals(1000L, after.items().get("etc/app.conf").entry().uid());
        assertEquals(LayerEntry.Type.FILE, after.items().get("srv").entry().type());
        assertEquals(FileStamp.of(root.resolve("etc/new.conf")), after.items().get("etc/new.conf").stamp());

        Files.writeString(root.resolve("etc/new.conf"), "NEW");
        assertEquals(List.of("etc DIRECTORY 755 0:0", "etc/new.conf FILE 644 0:0 3"), describe(diff.changes(root, after)),
                "a file rewritten at its size within the second of its last change");
    }

    /** A directory replaced by a file is that file: no whiteout for what the directory held. */
    @Test
    void aDirectoryReplacedByAFileNeedsNoWhiteouts() throws Exception {
        UnpackRecord record = record(Map.of());
        try (Stream<Path> cache = Files.walk(root.resolve("var/cache"))) {
            for (Path path : cache.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        Files.writeString(root.resolve("var/cache"), "a file now");
        assertEquals(List.of("var DIRECTORY 755 0:0", "var/cache FILE 644 0:0 10"), describe(UNPRIVILEGED.changes(root, record)));
    }

    /**
     * Without a record, every path is compared with the image's entry: the same changes, none for
     * an untouched tree, whose symbolic link's mode in the image is not the 0777 Linux gives links.
     */
    @Test
    void withoutARecordTheImagesEntriesAreCompared() throws Exception {
        Files.createSymbolicLink(root.resolve("etc/alias"), Path.of("app.conf"));
        Map<String, LayerEntry> image = image(record(Map.of("etc/app.conf", 1000L)));
        LayerEntry alias = image.get("etc/alias");
        image.put("etc/alias", new LayerEntry(alias.path(), alias.type(), 0, 0, 0, alias.mtime(), 0, alias.linkName(), Map.of(),
                0, 0));
        assertEquals(List.of(), UNPRIVILEGED.changesWithoutRecord(root, image));
        edit();
        assertEquals(EDITED, describe(UNPRIVILEGED.changesWithoutRecord(root, image)));
        Files.delete(root.resolve("etc/alias"));
        Files.createSymbolicLink(root.resolve("etc/alias"), Path.of("new.conf"));
        assertEquals("etc/alias SYMLINK 777 0:0 -> new.conf", describe(UNPRIVILEGED.changesWithoutRecord(root, image)).get(3));
    }

    /**
     * A path the unpack did not write (a device node an unprivileged unpack skips) is not deleted;
     * a directory the image implies without an entry for it is not added, and comes from disk as a
     * parent.
     */
    @Test
    void whatTheImageHadNoEntryForOrTheUnpackSkippedIsNoChange() throws Exception {
        TreeMap<String, UnpackRecord.Item> items = new TreeMap<>(record(Map.of()).items());
        items.remove("srv");
        items.put("dev/null", new UnpackRecord.Item(new LayerEntry("dev/null", LayerEntry.Type.CHAR_DEVICE, 0666, 0, 0,
                IMAGE_TIME, 0, "", Map.of(), 1, 3), null));
        UnpackRecord record = new UnpackRecord(items);
        assertEquals(List.of(), UNPRIVILEGED.changes(root, record));
        Files.writeString(root.resolve("srv/data"), "changed");
        assertEquals(List.of("srv DIRECTORY 755 0:0 image time", "srv/data FILE 644 0:0 7"),
                describe(UNPRIVILEGED.changes(root, record)));
    }

    /**
     * Hard links in the layer name a file the layer holds or the image has: new names of an
     * unchanged file, after it or before it in path order, link to its name in the image; of two
     * new names of a new file, the second links to the first.
     */
    @Test
    void hardLinksNameAFileTheLayerHoldsOrTheImageHas() throws Exception {
        UnpackRecord record = record(Map.of());
        Files.createLink(root.resolve("etc/link"), root.resolve("etc/keep.conf"));
        Files.createLink(root.resolve("etc/a-first"), root.resolve("etc/keep.conf"));
        Files.createDirectories(root.resolve("opt"));
        Files.writeString(root.resolve("opt/a"), "shared");
        Files.createLink(root.resolve("opt/b"), root.resolve("opt/a"));
        List<SourcedEntry> changes = UNPRIVILEGED.changes(root, record);
        assertEquals(List.of("etc DIRECTORY 755 0:0", "etc/a-first HARDLINK 644 0:0 -> etc/keep.conf image time",
                "etc/link HARDLINK 644 0:0 -> etc/keep.conf image time", "opt DIRECTORY 755 0:0",
                "opt/a FILE 644 0:0 6", "opt/b HARDLINK 644 0:0 -> opt/a"), describe(changes));
        assertEquals(changes, UNPRIVILEGED.changesWithoutRecord(root, image(record)));
        LayerWriter.of(Compression.NONE, Optional.empty()).write(changes, into(OutputStream.nullOutputStream()));
    }

    /** A {@code user.*} extended attribute set on an unchanged file is a change, which takes it. */
    @Test
    void aUserXattrSetIsAChange() throws Exception {
        UnpackRecord record = record(Map.of());
        UserDefinedFileAttributeView view = Files.getFileAttributeView(root.resolve("etc/keep.conf"),
                UserDefinedFileAttributeView.class);
        try {
            view.write("k", StandardCharsets.UTF_8.encode("v"));
        } catch (IOException unsupported) {
            assumeTrue(false, "the temp directory's file system keeps no user.* attributes: " + unsupported);
        }
        List<SourcedEntry> changes = UNPRIVILEGED.changes(root, record);
        assertEquals(List.of("etc DIRECTORY 755 0:0 image time", "etc/keep.conf FILE 644 0:0 24 image time"),
                describe(changes));
        assertEquals(Map.of("user.k", "v"), changes.get(1).entry().xattrs());
        assertEquals(describe(changes), describe(UNPRIVILEGED.changesWithoutRecord(root, image(record))));
    }

    /**
     * An image's layers unpacked, copied or not: no change for hard links whose first name a later
     * layer replaced ({@code etc/hl}) or deleted ({@code a/hl1}, {@code a/hl2}, also once chmod'ed to
     * the mode they have), nor for a file a layer wrote through a symbolic link to its directory
     * ({@code dlink/viaLink}, at {@code real/viaLink}).
     */
    @Test
    void theLayersOwnHardLinksAndPathsThroughLinksAreNoChange() throws Exception {
        List<byte[]> layers = List.of(
                new TarBuilder().dir("a").file("a/src", "shared").hardlink("a/hl1", "a/src").hardlink("a/hl2", "a/src")
                        .dir("etc").file("etc/orig", "one").hardlink("etc/hl", "etc/orig").dir("real")
                        .symlink("dlink", "real").tar(),
                new TarBuilder().whiteout("a/.wh.src").file("etc/orig", "two!").file("dlink/viaLink", "via").tar());
        Path unpacked = temp.resolve("unpacked");
        LayerApplier applier = new LayerApplier(unpacked, LayerLimits.DEFAULT, line -> { });
        ImageEntries headers = new ImageEntries();
        for (byte[] layer : layers) {
            applier.apply("layer", new ByteArrayInputStream(layer));
            headers.add("layer", new ByteArrayInputStream(layer));
        }
        UnpackRecord record = applier.finish();
        assertEquals(List.of("a DIRECTORY 755 0:0", "a/hl1 FILE 644 0:0 6", "a/hl2 HARDLINK 644 0:0 -> a/hl1",
                "dlink SYMLINK 777 0:0 -> real", "etc DIRECTORY 755 0:0", "etc/hl FILE 644 0:0 3",
                "etc/orig FILE 644 0:0 4", "real DIRECTORY 755 0:0", "real/viaLink FILE 644 0:0 3"),
                describe(headers.entries().values().stream()
                        .map(e -> new SourcedEntry(e, e.size() > 0 ? unpacked.resolve(e.path()) : null)).toList()));
        Path copy = temp.resolve("copy");
        assertEquals(0, new ProcessBuilder("cp", "-a", unpacked.toString(), copy.toString()).inheritIO().start().waitFor());
        assertEquals(List.of(), UNPRIVILEGED.changes(unpacked, record));
        assertEquals(List.of(), UNPRIVILEGED.changesWithoutRecord(unpacked, headers.entries()));
        assertEquals(List.of(), UNPRIVILEGED.changesWithoutRecord(copy, headers.entries()));
        chmod("0644", unpacked.resolve("a/hl1"));
        assertEquals(List.of(), UNPRIVILEGED.changes(unpacked, record));
        Files.createLink(unpacked.resolve("etc/orig-hl"), unpacked.resolve("etc/orig"));
        assertEquals(List.of("etc DIRECTORY 755 0:0", "etc/orig-hl HARDLINK 644 0:0 -> etc/orig"),
                describe(UNPRIVILEGED.changes(unpacked, record)));
    }

    /**
     * As an ordinary user (a JVM of its own, as {@code nobody}), a directory of the image that its
     * owner may not list or enter (mode 000, 0300) is read for the diff and keeps its mode: no change.
     */
    @Test
    void anOrdinaryUserReadsItsOwnClosedDirectories() throws Exception {
        String unprivileged = Unprivileged.unavailable();
        assumeTrue(unprivileged == null, unprivileged);
        Path shared = Unprivileged.share(Files.createDirectories(Unprivileged.share(temp).resolve("shared")));
        Path layer = shared.resolve("layer.tar");
        Files.write(layer, new TarBuilder().dir("z", 0).file("z/inside", "x").dir("w", 0300).file("w/f", "y").tar());
        Path unpacked = shared.resolve("unpacked");
        Processes.Result result = Unprivileged.run(shared.resolve("home"), Unprivileged.java(DiffLauncher.class,
                shared.resolve("lib"), layer.toString(), unpacked.toString()).toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("", new String(result.stdout(), StandardCharsets.UTF_8));
        assertEquals(0, (Integer) Files.getAttribute(unpacked.resolve("z"), "unix:mode") & 07777);
        assertEquals(0300, (Integer) Files.getAttribute(unpacked.resolve("w"), "unix:mode") & 07777);
    }
}
