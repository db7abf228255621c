package dev.jreg.internal.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.InvalidContentException;
import dev.jreg.testing.TarBuilder;
import dev.jreg.testing.TreeSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Flattener}: the OCI image spec's "Applying Changesets" in memory, one tar stream out.
 * Each case is flattened, the stream applied by {@link LayerApplier} as a single layer, and the
 * tree compared with the one the applier makes from the layers themselves ({@link TreeSnapshot}):
 * paths, types, modes, link targets, contents, times, and which paths share a file.
 */
class FlattenerTest {
    private static final Instant LOWER = Instant.parse("2021-01-01T00:00:00Z");
    private static final Instant UPPER = Instant.parse("2023-06-07T08:09:10.1234567Z");

    @TempDir
    Path temp;

    @Test
    void whiteoutsRemoveAFileAndATree() throws IOException {
        List<LayerEntry> entries = sameTreeAsTheApplier(
                new TarBuilder().dir("etc").file("etc/a", "a").file("etc/b", "b").dir("var").dir("var/lib")
                        .file("var/lib/x", "x").dir("var/lib/sub").file("var/lib/sub/y", "y").tar(),
                new TarBuilder().whiteout("etc/.wh.a").whiteout("var/.wh.lib").whiteout(".wh.missing").gzip());
        assertEquals(List.of("etc", "etc/b", "var"), paths(entries));
    }

    @Test
    void anOpaqueDirectoryHidesLowerContentAndKeepsItsOwnLayersOnBothSidesOfTheMarker() throws IOException {
        List<LayerEntry> entries = sameTreeAsTheApplier(
                new TarBuilder().dir("d").file("d/lower", "l").dir("d/sub").file("d/sub/deep", "l").file("d/kept-name", "l")
                        .file("outside", "o").tar(),
                new TarBuilder().dir("d").file("d/before", "b").whiteout("d/.wh..wh..opq").file("d/after", "a")
                        .file("d/kept-name", "new").dir("d/sub").tar());
        assertEquals(List.of("d", "d/after", "d/before", "d/kept-name", "d/sub", "outside"), paths(entries));
    }

    @Test
    void aFileReplacedByADirectoryAndBack() throws IOException {
        List<LayerEntry> entries = sameTreeAsTheApplier(
                new TarBuilder().file("x", "a file").dir("d").file("d/child", "c").tar(),
                new TarBuilder().dir("x").file("x/in", "in a directory").file("d", "now a file").tar(),
                new TarBuilder().file("x", "a file again").dir("d").file("d/new", "n").tar());
        assertEquals(List.of("d", "d/new", "x"), paths(entries));
        assertEquals(LayerEntry.Type.FILE, entry(entries, "x").type());
    }

    @Test
    void aHardLinkWhoseFirstTargetALaterLayerDeletesKeepsTheContent() throws IOException {
        List<LayerEntry> entries = sameTreeAsTheApplier(
                new TarBuilder().dir("a").file("a/target", "shared", 0750).hardlink("b", "a/target")
                        .hardlink("c", "a/target").tar(),
                new TarBuilder().whiteout("a/.wh.target").tar());
        assertEquals(List.of("a", "b", "c"), paths(entries));
        assertEquals(LayerEntry.Type.FILE, entry(entries, "b").type());
        assertEquals(0750, entry(entries, "b").mode());
        assertEquals(LayerEntry.Type.HARDLINK, entry(entries, "c").type());
        assertEquals("b", entry(entries, "c").linkName());
    }

    @Test
    void aHardLinkWhoseTargetALaterLayerReplacesKeepsTheOldFile() throws IOException {
        List<LayerEntry> entries = sameTreeAsTheApplier(
                new TarBuilder().file("z", "old").hardlink("a", "z").hardlink("m", "z").tar(),
                new TarBuilder().file("z", "new").hardlink("n", "m").tar());
        // "a" sorts first: it carries the old content; "m" and "n" link to it, "z" is a file of its own.
        assertEquals(LayerEntry.Type.FILE, entry(entries, "a").type());
        assertEquals("a", entry(entries, "m").linkName());
        assertEquals("a", entry(entries, "n").linkName());
        assertEquals(LayerEntry.Type.FILE, entry(entries, "z").type());
    }

    @Test
    void aSymbolicLinkReplacedAndEntriesThroughALinkLandWhereItPoints() throws IOException {
        List<LayerEntry> entries = sameTreeAsTheApplier(
                new TarBuilder().symlink("l", "first").symlink("gone", "x").dir("usr").dir("usr/lib").symlink("lib", "usr/lib")
                        .symlink("out", "../../outside").dir("outside").tar(),
                new TarBuilder().symlink("l", "second").file("gone", "a file where a link was").file("lib/libx.so", "x")
                        .file("out/owned", "o").tar());
        assertEquals("second", entry(entries, "l").linkName());
        assertEquals(LayerEntry.Type.FILE, entry(entries, "gone").type());
        assertEquals(List.of("gone", "l", "lib", "out", "outside", "outside/owned", "usr", "usr/lib", "usr/lib/libx.so"),
                paths(entries));
    }

    @Test
    void everyEntryHasTheMetadataOfTheTopLayerThatWroteIt() throws IOException {
        TarArchiveEntry upperDir = TarBuilder.header("etc/", TarConstants.LF_DIR, 0700);
        upperDir.setLastModifiedTime(FileTime.from(UPPER));
        upperDir.setIds(1000, 1001);
        upperDir.addPaxHeader("SCHILY.xattr.user.note", "upper");
        TarArchiveEntry upperFile = TarBuilder.header("f", TarConstants.LF_NORMAL, 0600);
        upperFile.setLastModifiedTime(FileTime.from(UPPER));
        upperFile.setIds(33, 44);
        List<LayerEntry> entries = sameTreeAsTheApplier(
                new TarBuilder().add(timed("etc/", TarConstants.LF_DIR, 0755), new byte[0]).file("etc/lower", "l")
                        .add(timed("f", TarConstants.LF_NORMAL, 0644), "lower".getBytes(StandardCharsets.UTF_8)).tar(),
                new TarBuilder().add(upperDir, new byte[0]).add(upperFile, "upper".getBytes(StandardCharsets.UTF_8)).tar());
        LayerEntry etc = entry(entries, "etc");
        assertEquals(List.of(0700, 1000L, 1001L, UPPER, Map.of("user.note", "upper")),
                List.of(etc.mode(), etc.uid(), etc.gid(), etc.mtime(), etc.xattrs()));
        LayerEntry f = entry(entries, "f");
        assertEquals(List.of(0600, 33L, 44L, UPPER, 5L), List.of(f.mode(), f.uid(), f.gid(), f.mtime(), f.size()));
        assertTrue(paths(entries).contains("etc/lower"), "the directory keeps what lower layers put in it");
        LayerEntry written = entries(write(flattener(layersOf(
                new TarBuilder().add(upperFile, "upper".getBytes(StandardCharsets.UTF_8)).tar())))).get(0);
        assertEquals(UPPER, written.mtime(), "the time to the nanosecond, in a PAX record");
    }

    /** {@link ChangesetLayers}: every change the spec names. */
    @Test
    void aMixedImageFlattensToTheApplierTree() throws IOException {
        List<LayerEntry> entries = sameTreeAsTheApplier(ChangesetLayers.base(), ChangesetLayers.changes(),
                ChangesetLayers.lastChanges());
        assertTrue(entries.size() > 30, "the image has many paths");
        assertTrue(entries.stream().noneMatch(e -> e.path().contains(LayerEntry.WHITEOUT_PREFIX)), "no whiteout is left");
    }

    @Test
    void theRootsOwnEntryComesFirstAsDotSlash() throws IOException {
        byte[] out = write(flattener(layersOf(new TarBuilder().dir("./", 0700).file("f", "x").tar())));
        List<LayerEntry> read = entries(out);
        assertEquals(List.of("", "f"), paths(read));
        assertEquals(0700, read.get(0).mode());
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(new ByteArrayInputStream(out))) {
            assertEquals("./", tar.getNextEntry().getName());
        }
    }

    @Test
    void directoriesThatEntriesNeedAndNoneDescribesAre0755Root0AndTime0() throws IOException {
        List<LayerEntry> entries = flattener(layersOf(new TarBuilder().file("a/b/c", "x").tar())).entries();
        assertEquals(List.of("a", "a/b", "a/b/c"), paths(entries));
        for (LayerEntry dir : entries.subList(0, 2)) {
            assertEquals(List.of(LayerEntry.Type.DIRECTORY, 0755, 0L, 0L, Instant.EPOCH),
                    List.of(dir.type(), dir.mode(), dir.uid(), dir.gid(), dir.mtime()));
        }
    }

    /**
     * A layer out of path order: contents the output needs after the reader passed them come
     * from a temp file; each layer is still opened once to read its headers and once to write.
     */
    @Test
    void layersOutOfPathOrderAreReadTwiceAtMost() throws IOException {
        byte[] lower = new TarBuilder().file("z", "zz").dir("m").file("m/late", "late").file("b", "bb").file("a", "aa").tar();
        byte[] upper = new TarBuilder().file("y", "y2").file("c", "c2").hardlink("0-first", "z").tar();
        List<Flattener.Source> sources = layersOf(lower, upper);
        AtomicIntegerArray opens = new AtomicIntegerArray(sources.size());
        List<Flattener.Source> counted = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            int layer = i;
            Flattener.Source source = sources.get(i);
            counted.add(new Flattener.Source(source.name(), () -> {
                opens.incrementAndGet(layer);
                return source.blob().open();
            }));
        }
        byte[] out = write(Flattener.read(counted, LayerLimits.DEFAULT));
        assertEquals("[2, 2]", opens.toString());
        assertEquals(TreeSnapshot.of(applied("layers", lower, upper)).files().nodes(),
                TreeSnapshot.of(applied("flattened", out)).files().nodes());
        assertEquals(List.of("0-first", "a", "b", "c", "m", "m/late", "y", "z"), paths(entries(out)));
    }

    @Test
    void anEntryThatClimbsOutIsRefusedAsTheApplierRefusesIt() {
        byte[] layer = new TarBuilder().dir("a").file("a/b/../../../escape", "x").gzip();
        assertEquals("layer " + TarBuilder.digest(layer) + ": entry \"../escape\" leaves the target directory",
                refusal(layer));
    }

    @Test
    void theBlobIsReadToItsEndSoThatItsDigestIsChecked() {
        byte[] layer = new TarBuilder().file("f", "x").tar();
        DigestMismatchException mismatch = new DigestMismatchException("blob sha256:abc is damaged");
        Flattener.Source source = new Flattener.Source("sha256:abc", () -> new SequenceInputStream(
                new ByteArrayInputStream(layer), new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw mismatch;
                    }
                }));
        assertSame(mismatch, assertThrows(DigestMismatchException.class,
                () -> Flattener.read(List.of(source), LayerLimits.DEFAULT)));
    }

    /**
     * Every file of every layer counts, as an unpack writes it, and the layer past the limit is
     * refused at that file's header: the rest of the layer, and the layers above, are not read.
     */
    @Test
    void theByteLimitCountsEveryFileAsAnUnpackDoesAndStopsAtTheHeader() throws IOException {
        byte[] lower = new TarBuilder().file("big", "x".repeat(2000)).tar();
        byte[] upper = new TarBuilder().whiteout(".wh.big").file("small", "y").tar();
        assertEquals(List.of("small"), paths(Flattener.read(layersOf(lower, upper), new LayerLimits(2001, 100))
                .entries()));
        List<Flattener.Source> sources = new ArrayList<>(layersOf(lower));
        sources.add(new Flattener.Source("sha256:unread", () -> {
            throw new AssertionError("the layer above is not read");
        }));
        InvalidContentException e = assertThrows(InvalidContentException.class,
                () -> Flattener.read(sources, new LayerLimits(1000, 100)));
        assertEquals("layer " + sources.get(0).name() + ": the layers' files hold more than 1000B, the limit of an"
                + " unpack", e.getMessage());
    }

    @Test
    void aSelectionPlacesPartOfTheFilesystemElsewhereWithItsContentsAndLinks() throws IOException {
        byte[] lower = new TarBuilder().dir("app").file("app/z-late", "written before, wanted after").dir("app/bin")
                .file("app/bin/tool", "tool", 0750).hardlink("shared", "app/bin/tool").file("other", "o").tar();
        byte[] upper = new TarBuilder().file("app/a-early", "upper").symlink("app/link", "bin/tool")
                .hardlink("app/again", "app/bin/tool").tar();
        Flattener selected = flattener(layersOf(lower, upper)).select(e -> e.path().startsWith("app/")
                ? new LayerEntry("opt/" + e.path().substring(4), e.type(), e.mode(), 1000, 50, e.mtime(), e.size(),
                        e.linkName(), e.xattrs(), e.devMajor(), e.devMinor()) : null);
        List<LayerEntry> entries = entries(write(selected));
        assertEquals(List.of("opt/a-early", "opt/again", "opt/bin", "opt/bin/tool", "opt/link", "opt/z-late"),
                paths(entries), "in the new paths' order, nothing else");
        assertEquals(LayerEntry.Type.FILE, entry(entries, "opt/again").type(),
                "the first name of a shared file selected holds its bytes");
        assertEquals(LayerEntry.Type.HARDLINK, entry(entries, "opt/bin/tool").type());
        assertEquals("opt/again", entry(entries, "opt/bin/tool").linkName());
        assertEquals("bin/tool", entry(entries, "opt/link").linkName(), "a symbolic link's target as written");
        assertTrue(entries.stream().allMatch(e -> e.uid() == 1000 && e.gid() == 50));
        Path applied = temp.resolve("selected");
        try (InputStream in = new ByteArrayInputStream(write(selected))) {
            new LayerApplier(Files.createDirectories(applied), LayerLimits.DEFAULT, line -> { }).apply("selected", in);
        }
        assertEquals("tool", Files.readString(applied.resolve("opt/bin/tool")));
        assertEquals("written before, wanted after", Files.readString(applied.resolve("opt/z-late")));
        assertThrows(IllegalArgumentException.class, () -> flattener(layersOf(lower)).select(
                e -> new LayerEntry("one", e.type(), e.mode(), 0, 0, e.mtime(), e.size(), "", Map.of(), 0, 0)),
                "two paths placed at one");
    }

    /** The layers as sources named by their digests, read from memory. */
    static List<Flattener.Source> layersOf(byte[]... layers) {
        List<Flattener.Source> sources = new ArrayList<>();
        for (byte[] layer : layers) {
            sources.add(new Flattener.Source(TarBuilder.digest(layer), () -> new ByteArrayInputStream(layer)));
        }
        return sources;
    }

    static Flattener flattener(List<Flattener.Source> layers) throws IOException {
        return Flattener.read(layers, LayerLimits.DEFAULT);
    }

    /** The message with which flattening refuses these layers. */
    static String refusal(byte[]... layers) {
        IOException e = assertThrows(IOException.class, () -> flattener(layersOf(layers)));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    /** The flattened stream, an uncompressed tar with times as the layers give them. */
    private static byte[] write(Flattener flattener) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        flattener.write(LayerWriter.of(Compression.NONE, Optional.empty()).withExactTimes(), LayerWriterTest.into(out));
        return out.toByteArray();
    }

    /**
     * Flattens the layers, applies the stream as one layer and the layers themselves, each into a
     * directory of its own, and asserts the trees equal, down to which paths share a file.
     *
     * @return the flattened entries, as written
     */
    private List<LayerEntry> sameTreeAsTheApplier(byte[]... layers) throws IOException {
        Flattener flattener = flattener(layersOf(layers));
        byte[] out = write(flattener);
        TreeSnapshot expected = TreeSnapshot.of(applied("layers", layers));
        TreeSnapshot flattened = TreeSnapshot.of(applied("flattened", out));
        assertEquals("", expected.files().differences(flattened.files()), "layers (left) and flattened (right)");
        assertEquals(sharing(expected), sharing(flattened), "paths that share a file");
        List<LayerEntry> written = entries(out);
        assertEquals(flattener.entries(), written);
        assertTrue(written.stream().noneMatch(e -> e.name().startsWith(LayerEntry.WHITEOUT_PREFIX)), "no whiteout is left");
        return written;
    }

    private Path applied(String name, byte[]... layers) throws IOException {
        Path target = temp.resolve(name);
        LayerApplier applier = new LayerApplier(target, LayerLimits.DEFAULT, line -> { });
        for (byte[] layer : layers) {
            applier.apply(TarBuilder.digest(layer), new ByteArrayInputStream(layer));
        }
        applier.finish();
        return target;
    }

    /** Each path of a file with other names, and its link count: which paths share a file shows in the counts. */
    private static Map<String, Integer> sharing(TreeSnapshot tree) {
        Map<String, Integer> links = new TreeMap<>();
        tree.nodes().forEach((path, node) -> {
            if (!node.type().equals("dir") && node.links() > 1) {
                links.put(path + " " + node.sha256(), node.links());
            }
        });
        return links;
    }

    private static List<LayerEntry> entries(byte[] tar) throws IOException {
        List<LayerEntry> entries = new ArrayList<>();
        try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(tar))) {
            for (LayerEntry entry = reader.next(); entry != null; entry = reader.next()) {
                entries.add(entry);
            }
        }
        return entries;
    }

    private static List<String> paths(List<LayerEntry> entries) {
        return entries.stream().map(LayerEntry::path).toList();
    }

    private static LayerEntry entry(List<LayerEntry> entries, String path) {
        Map<String, LayerEntry> byPath = new LinkedHashMap<>();
        entries.forEach(e -> byPath.put(e.path(), e));
        return byPath.get(path);
    }

    private static TarArchiveEntry timed(String name, byte type, int mode) {
        TarArchiveEntry entry = TarBuilder.header(name, type, mode);
        entry.setLastModifiedTime(FileTime.from(LOWER));
        return entry;
    }
}
