package dev.jreg.internal.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jreg.error.DigestMismatchException;
import dev.jreg.testing.Processes;
import dev.jreg.testing.TarBuilder;
import dev.jreg.testing.TreeSnapshot;
import dev.jreg.testing.Unprivileged;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OCI image spec's "Applying Changesets", and what {@link LayerApplier} sets on each path. */
class LayerApplierTest {
    @TempDir
    Path temp;
    private final List<String> warnings = new ArrayList<>();

    private Path target() {
        return temp.resolve("rootfs");
    }

    @Test
    void whiteoutRemovesALowerFileAndATree() throws IOException {
        UnpackRecord record = apply(true,
                new TarBuilder().dir("etc").file("etc/a", "a").file("etc/b", "b").dir("var").dir("var/lib")
                        .file("var/lib/x", "x").dir("var/lib/sub").file("var/lib/sub/y", "y").tar(),
                new TarBuilder().whiteout("etc/.wh.a").whiteout("var/.wh.lib").whiteout(".wh.missing").gzip());
        assertFalse(Files.exists(target().resolve("etc/a")));
        assertEquals("b", Files.readString(target().resolve("etc/b")));
        assertFalse(Files.exists(target().resolve("var/lib")));
        assertTrue(Files.isDirectory(target().resolve("var")));
        assertEquals(List.of("etc", "etc/b", "var"), List.copyOf(record.items().keySet()));
    }

    @Test
    void opaqueDirectoryHidesLowerContentAndKeepsItsOwnLayers() throws IOException {
        apply(true,
                new TarBuilder().dir("d").file("d/lower", "l").dir("d/sub").file("d/sub/deep", "l").file("d/kept-name", "l")
                        .tar(),
                // Opaque markers before and after the layer's own entries: neither hides them.
                new TarBuilder().dir("d").file("d/before", "b").whiteout("d/.wh..wh..opq").file("d/after", "a")
                        .file("d/kept-name", "new").dir("d/sub").tar());
        try (var listing = Files.list(target().resolve("d"))) {
            assertEquals(List.of("after", "before", "kept-name", "sub"),
                    listing.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals("new", Files.readString(target().resolve("d/kept-name")));
        assertFalse(Files.exists(target().resolve("d/sub/deep")), "a directory the layer names again is emptied too");
    }

    @Test
    void opaqueDirectoryOfANewDirectoryKeepsTheLayersEntries() throws IOException {
        apply(true, new TarBuilder().dir("n").file("n/x", "x").whiteout("n/.wh..wh..opq").tar());
        assertEquals("x", Files.readString(target().resolve("n/x")));
    }

    @Test
    void whiteoutDoesNotHideItsOwnLayersEntries() throws IOException {
        apply(true, new TarBuilder().dir("d").file("d/lower", "l").file("f", "lower").tar(),
                new TarBuilder().file("f", "upper").whiteout(".wh.f").file("d/upper", "u").whiteout(".wh.d").tar());
        assertEquals("upper", Files.readString(target().resolve("f")));
        assertEquals("u", Files.readString(target().resolve("d/upper")));
        assertFalse(Files.exists(target().resolve("d/lower")));
    }

    @Test
    void hardLinksShareAnInode() throws IOException {
        apply(true, new TarBuilder().dir("bin").file("bin/busybox", "bb", 0755).hardlink("bin/sh", "bin/busybox").tar(),
                new TarBuilder().hardlink("bin/ls", "/bin/busybox").tar());
        Object inode = Files.getAttribute(target().resolve("bin/busybox"), "unix:ino");
        assertEquals(inode, Files.getAttribute(target().resolve("bin/sh"), "unix:ino"));
        assertEquals(inode, Files.getAttribute(target().resolve("bin/ls"), "unix:ino"));
        assertEquals(3, Files.getAttribute(target().resolve("bin/busybox"), "unix:nlink"));
    }

    @Test
    void modesIncludingSetuidSetgidAndSticky() throws IOException {
        apply(false, new TarBuilder().file("suid", "x", 04755).file("sgid", "x", 02711).file("none", "x", 0)
                .file("ro", "x", 0444).dir("sticky", 01777).dir("ro-dir", 0555).file("ro-dir/inside", "x", 0600)
                .dir("closed", 0).tar());
        assertEquals(04755, mode("suid"));
        assertEquals(02711, mode("sgid"));
        assertEquals(0, mode("none"));
        assertEquals(0444, mode("ro"));
        assertEquals(01777, mode("sticky"));
        assertEquals(0555, mode("ro-dir"));
        assertEquals(0600, mode("ro-dir/inside"));
        assertEquals(0, mode("closed"));
    }

    @Test
    void mtimesOfFilesAndDirectoriesAreSetAfterTheirContents() throws IOException {
        Instant fine = Instant.parse("2021-06-07T08:09:10.1234567Z");
        TarArchiveEntry file = TarBuilder.header("d/f", TarConstants.LF_NORMAL, 0644);
        file.setLastModifiedTime(FileTime.from(fine));
        TarArchiveEntry dir = TarBuilder.header("d", TarConstants.LF_DIR, 0755);
        dir.setLastModifiedTime(FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        apply(true, new TarBuilder().add(dir, new byte[0]).add(file, "x".getBytes(StandardCharsets.UTF_8))
                        .symlink("d/link", "f").tar(),
                new TarBuilder().file("d/later", "written into d by a later layer").whiteout("d/.wh.link").tar());
        assertEquals(fine, Files.getLastModifiedTime(target().resolve("d/f")).toInstant());
        assertEquals(Instant.parse("2020-01-01T00:00:00Z"), Files.getLastModifiedTime(target().resolve("d")).toInstant());
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(target().resolve("d/later")).toInstant());
    }

    @Test
    void symlinkTargetsAreKeptAsWritten() throws IOException {
        apply(true, new TarBuilder().symlink("rel", "../usr/./lib/x.so").symlink("abs", "/etc/os-release")
                .symlink("dangling", "nowhere/at/all").symlink("dot", ".").tar());
        assertEquals("../usr/./lib/x.so", Files.readSymbolicLink(target().resolve("rel")).toString());
        assertEquals("/etc/os-release", Files.readSymbolicLink(target().resolve("abs")).toString());
        assertEquals("nowhere/at/all", Files.readSymbolicLink(target().resolve("dangling")).toString());
        assertEquals(".", Files.readSymbolicLink(target().resolve("dot")).toString());
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(target().resolve("abs"), LinkOption.NOFOLLOW_LINKS)
                .toInstant());
    }

    @Test
    void entriesThroughAnInsideSymlinkLandWhereItPoints() throws IOException {
        UnpackRecord record = apply(true, new TarBuilder().dir("usr").dir("usr/lib").symlink("lib", "usr/lib").tar(),
                new TarBuilder().file("lib/libc.so", "c").tar());
        assertEquals("c", Files.readString(target().resolve("usr/lib/libc.so")));
        assertTrue(record.items().containsKey("usr/lib/libc.so"));
        assertEquals("usr/lib/libc.so", record.items().get("usr/lib/libc.so").entry().path());
    }

    @Test
    void anEntryReplacesAPathOfAnotherType() throws IOException {
        apply(true, new TarBuilder().dir("a").file("a/x", "x").file("b", "b").symlink("c", "a").file("e", "e").tar(),
                new TarBuilder().file("a", "file now").dir("b").file("b/y", "y").dir("c").symlink("e", "b").tar());
        assertEquals("file now", Files.readString(target().resolve("a")));
        assertEquals("y", Files.readString(target().resolve("b/y")));
        assertTrue(Files.isDirectory(target().resolve("c"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("b", Files.readSymbolicLink(target().resolve("e")).toString());
    }

    @Test
    void aDirectoryOverADirectoryKeepsItsContentsAndTakesTheNewMetadata() throws IOException {
        TarArchiveEntry again = TarBuilder.header("d", TarConstants.LF_DIR, 0700);
        again.setLastModifiedTime(FileTime.from(Instant.parse("2022-02-02T02:02:02Z")));
        again.addPaxHeader("SCHILY.xattr.user.new", "n");
        TarArchiveEntry first = TarBuilder.header("d", TarConstants.LF_DIR, 0755);
        first.addPaxHeader("SCHILY.xattr.user.old", "o");
        UnpackRecord record = apply(true, new TarBuilder().add(first, new byte[0]).file("d/x", "x").tar(),
                new TarBuilder().add(again, new byte[0]).tar());
        assertEquals("x", Files.readString(target().resolve("d/x")));
        assertEquals(0700, mode("d"));
        assertEquals(Instant.parse("2022-02-02T02:02:02Z"), Files.getLastModifiedTime(target().resolve("d")).toInstant());
        assertEquals(List.of("new"), xattrNames(target().resolve("d")));
        assertEquals(0700, record.items().get("d").entry().mode());
    }

    @Test
    void ownersAreSetAsRoot() throws IOException {
        assumeTrue(LayerApplierTest.runningAsRoot(), "owners are set only as root");
        TarArchiveEntry owned = TarBuilder.header("owned", TarConstants.LF_NORMAL, 04750);
        owned.setUserId(1234);
        owned.setGroupId(3_000_000);
        TarArchiveEntry link = TarBuilder.header("link", TarConstants.LF_SYMLINK, 0777);
        link.setLinkName("owned");
        link.setUserId(42);
        apply(true, new TarBuilder().add(owned, "x".getBytes(StandardCharsets.UTF_8)).add(link, new byte[0]).tar());
        assertEquals(1234, Files.getAttribute(target().resolve("owned"), "unix:uid"));
        assertEquals(3_000_000, Files.getAttribute(target().resolve("owned"), "unix:gid"));
        assertEquals(04750, mode("owned"), "chown before chmod, so setuid survives");
        assertEquals(42, Files.getAttribute(target().resolve("link"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of(), warnings);
    }

    @Test
    void withoutRootOwnersAreLeftOutWithOneWarningAndKeptInTheRecord() throws IOException {
        TarArchiveEntry owned = TarBuilder.header("owned", TarConstants.LF_NORMAL, 0644);
        owned.setUserId(1000);
        owned.setGroupId(1000);
        TarArchiveEntry cap = TarBuilder.header("ping", TarConstants.LF_NORMAL, 0755);
        cap.addPaxHeader("SCHILY.xattr.security.capability", "caps");
        cap.addPaxHeader("SCHILY.xattr.user.mime", "text/plain");
        UnpackRecord record = apply(false, new TarBuilder().file("root-owned", "x").add(owned, new byte[0])
                        .add(cap, new byte[0]).tar(),
                new TarBuilder().add(owned, new byte[0]).tar());
        assertEquals(List.of("the unpacked files lack file owners other than root (not running as root), 1 extended"
                + " attribute (only user.* ones on files and directories are set, where the file system takes them);"
                + " the unpack record keeps them"), warnings);
        assertEquals(1000, record.items().get("owned").entry().uid());
        assertEquals("caps", record.items().get("ping").entry().xattrs().get("security.capability"));
        assertEquals(List.of("mime"), xattrNames(target().resolve("ping")));
    }

    @Test
    void rootOwnedFilesWithoutRootNeedNoWarning() throws IOException {
        apply(false, new TarBuilder().dir("etc").file("etc/hosts", "x").symlink("l", "etc").tar());
        assertEquals(List.of(), warnings);
    }

    @Test
    void fifosAreMadeWithoutRoot() throws IOException {
        UnpackRecord record = apply(false, new TarBuilder().dir("run").fifo("run/pipe").tar());
        Path fifo = target().resolve("run/pipe");
        assertTrue(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS));
        assertEquals(0640, mode("run/pipe"));
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(fifo, LinkOption.NOFOLLOW_LINKS).toInstant());
        assertEquals(FileStamp.of(fifo), record.items().get("run/pipe").stamp());
    }

    @Test
    void deviceNodesAreMadeAsRoot() throws IOException {
        assumeTrue(runningAsRoot(), "device nodes are made only as root");
        apply(true, new TarBuilder().dir("dev").charDevice("dev/null", 1, 3).tar());
        Path node = target().resolve("dev/null");
        assertEquals(0020000, (Integer) Files.getAttribute(node, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000);
        assertEquals(0x103L, ((Number) Files.getAttribute(node, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).longValue());
        assertEquals(List.of(), warnings);
    }

    @Test
    void everyCompressionGivesTheSameTree() throws IOException {
        TarBuilder[] same = new TarBuilder[3];
        for (int i = 0; i < 3; i++) {
            same[i] = new TarBuilder().dir("a").file("a/f", "content " + "x".repeat(1000), 0640).symlink("a/l", "f");
        }
        List<TreeSnapshot> trees = new ArrayList<>();
        for (byte[] layer : List.of(same[0].tar(), same[1].gzip(), same[2].zstd())) {
            Path target = temp.resolve("t" + trees.size());
            LayerApplier applier = new LayerApplier(target, LayerLimits.DEFAULT, warnings::add, false);
            applier.apply(TarBuilder.digest(layer), new ByteArrayInputStream(layer));
            applier.finish();
            trees.add(TreeSnapshot.of(target).files());
        }
        assertEquals(3, trees.get(0).nodes().size());
        assertEquals(trees.get(0), trees.get(1));
        assertEquals(trees.get(0), trees.get(2));
    }

    @Test
    void implicitParentsAreRecordedAsDirectories() throws IOException {
        UnpackRecord record = apply(true, new TarBuilder().file("usr/share/doc/x", "x").tar());
        assertEquals(List.of("usr", "usr/share", "usr/share/doc", "usr/share/doc/x"), List.copyOf(record.items().keySet()));
        LayerEntry implicit = record.items().get("usr/share").entry();
        assertEquals(LayerEntry.Type.DIRECTORY, implicit.type());
        assertEquals(0755, implicit.mode());
        assertEquals(0755, mode("usr/share"));
    }

    @Test
    void theRootEntryGivesTheTargetItsMetadataAndIsNoItem() throws IOException {
        UnpackRecord record = apply(true, new TarBuilder().dir("./", 0700).file("./f", "x").tar());
        assertEquals(0700, (Integer) Files.getAttribute(target(), "unix:mode") & 07777);
        assertEquals(List.of("f"), List.copyOf(record.items().keySet()));
    }

    /**
     * Layers applied onto an unpacked directory through its record give the tree and the record of
     * one unpack of every layer: a whiteout of a path the record holds, a file written into a
     * read-only directory, which keeps its mode; a socket left in the directory is in no record.
     */
    @Test
    void layersAppliedOntoADirectoryThroughItsRecordGiveOneUnpacksTreeAndRecord() throws IOException {
        byte[] lower = new TarBuilder().dir("d").file("d/x", "x").dir("ro", 0555).file("ro/y", "y").file("f", "f").tar();
        byte[] upper = new TarBuilder().whiteout("d/.wh.x").file("ro/z", "z").symlink("f", "d").gzip();
        UnpackRecord first = apply(true, lower);
        Path socket = target().resolve("d/socket");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            LayerApplier onto = LayerApplier.onto(target(), first, LayerLimits.DEFAULT, warnings::add);
            onto.apply(TarBuilder.digest(upper), new ByteArrayInputStream(upper));
            UnpackRecord record = onto.finish();

            Path once = temp.resolve("once");
            LayerApplier applier = new LayerApplier(once, LayerLimits.DEFAULT, warnings::add);
            applier.apply(TarBuilder.digest(lower), new ByteArrayInputStream(lower));
            applier.apply(TarBuilder.digest(upper), new ByteArrayInputStream(upper));
            UnpackRecord expected = applier.finish();

            assertEquals(TreeSnapshot.of(once).files().nodes(), TreeSnapshot.of(target()).files().without("d/socket").nodes());
            assertEquals(0555, mode("ro"));
            assertEquals(List.of("d", "f", "ro", "ro/y", "ro/z"), List.copyOf(record.items().keySet()));
            for (String path : expected.items().keySet()) {
                assertEquals(expected.items().get(path).entry(), record.items().get(path).entry(), path);
            }
        }
    }

    /**
     * As an ordinary user (a JVM of its own, as {@code nobody}), as umoci's rootless unpack: a
     * layer with directories their owner may not enter or list (000, nested, and 0300), each
     * holding a file, unpacked; a layer applied onto it, as a build's {@code COPY} after a
     * {@code RUN}; the change committed against the first unpack's record, and the whole tree
     * committed and unpacked again; the tree deleted. The directories keep their modes throughout,
     * and the layers hold them and the files' contents.
     */
    @Test
    void anOrdinaryUserUnpacksCommitsAndDeletesDirectoriesItMayNotEnter() throws Exception {
        String unprivileged = Unprivileged.unavailable();
        assumeTrue(unprivileged == null, unprivileged);
        Path shared = Unprivileged.share(Files.createDirectories(Unprivileged.share(temp).resolve("shared")));
        Path lower = Files.write(shared.resolve("lower.tar"), new TarBuilder().dir("z", 0).file("z/f", "f")
                .dir("z/sub", 0).file("z/sub/g", "g").dir("w", 0300).file("w/h", "h").tar());
        Path upper = Files.write(shared.resolve("upper.tar"), new TarBuilder().file("z/new", "new")
                .file("z/sub/new", "sub new").file("w/new", "w new").tar());
        Processes.Result result = Unprivileged.run(shared.resolve("home"), Unprivileged.java(ClosedDirectoriesLauncher.class,
                shared.resolve("lib"), shared.toString(), lower.toString(), upper.toString()).toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(List.of("w DIRECTORY 300 0:0", "w/new FILE 644 0:0 5", "z DIRECTORY 0 0:0", "z/new FILE 644 0:0 3",
                "z/sub DIRECTORY 0 0:0", "z/sub/new FILE 644 0:0 7"),
                new String(result.stdout(), StandardCharsets.UTF_8).lines().toList(), "the change");
        assertEquals(List.of("w DIRECTORY 300", "w/new FILE 644 w new", "z DIRECTORY 0", "z/new FILE 644 new",
                "z/sub DIRECTORY 0", "z/sub/new FILE 644 sub new"), entries(shared.resolve("changes.tar")));
        assertEquals(List.of("w DIRECTORY 300", "w/h FILE 644 h", "w/new FILE 644 w new", "z DIRECTORY 0",
                "z/f FILE 644 f", "z/new FILE 644 new", "z/sub DIRECTORY 0", "z/sub/g FILE 644 g",
                "z/sub/new FILE 644 sub new"), entries(shared.resolve("all.tar")), "the whole tree");
        Path again = shared.resolve("again");
        assertEquals(List.of(0, 0, 0300), List.of(mode(again.resolve("z")), mode(again.resolve("z/sub")),
                mode(again.resolve("w"))), "the modes unpacked again");
        assertEquals("sub new", Files.readString(again.resolve("z/sub/new")));
        assertFalse(Files.exists(shared.resolve("rootfs"), LinkOption.NOFOLLOW_LINKS), "deleted");
    }

    /** A layer's entries, one a line: path, type, mode and a file's content. */
    private static List<String> entries(Path layer) throws IOException {
        List<String> lines = new ArrayList<>();
        try (InputStream in = Files.newInputStream(layer); LayerReader reader = LayerReader.open(in)) {
            for (LayerEntry e = reader.next(); e != null; e = reader.next()) {
                lines.add(e.path() + " " + e.type() + " " + Integer.toOctalString(e.mode()) + (e.type() == LayerEntry.Type.FILE
                        ? " " + new String(reader.content().readAllBytes(), StandardCharsets.UTF_8) : ""));
            }
        }
        return lines;
    }

    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    @Test
    void aTargetThatIsNotEmptyIsRefused() throws IOException {
        Files.createDirectories(target());
        Files.writeString(target().resolve("old"), "x");
        IOException e = assertThrows(IOException.class, () -> new LayerApplier(target(), LayerLimits.DEFAULT, warnings::add));
        assertEquals("cannot unpack into " + target() + ": the directory is not empty", e.getMessage());
    }

    @Test
    void theBlobsOwnFailureComesThroughAsThrown() throws IOException {
        byte[] layer = new TarBuilder().file("f", "x".repeat(200_000)).gzip();
        DigestMismatchException mismatch = new DigestMismatchException("blob sha256:abc from somewhere: expected 9 bytes, got 8");
        InputStream failing = new SequenceInputStream(new ByteArrayInputStream(layer, 0, layer.length / 2),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw mismatch;
                    }
                });
        LayerApplier applier = new LayerApplier(target(), LayerLimits.DEFAULT, warnings::add);
        assertSame(mismatch, assertThrows(DigestMismatchException.class, () -> applier.apply("sha256:abc", failing)));
        assertThrows(IllegalStateException.class, applier::finish);
    }

    @Test
    void theRecordHoldsEachPathsLastEntryAndItsStamp() throws IOException {
        UnpackRecord record = apply(true, new TarBuilder().file("f", "one").symlink("l", "f").tar(),
                new TarBuilder().file("f", "three", 0600).tar());
        assertEquals(0600, record.items().get("f").entry().mode());
        assertEquals(5, record.items().get("f").entry().size());
        assertEquals(FileStamp.of(target().resolve("f")), record.items().get("f").stamp());
        assertEquals(FileStamp.of(target().resolve("l")), record.items().get("l").stamp());
        assertNotEquals(record.items().get("f").stamp(), record.items().get("l").stamp());
    }

    private UnpackRecord apply(boolean asProcess, byte[]... layers) throws IOException {
        LayerApplier applier = asProcess ? new LayerApplier(target(), LayerLimits.DEFAULT, warnings::add)
                : new LayerApplier(target(), LayerLimits.DEFAULT, warnings::add, false);
        for (byte[] layer : layers) {
            applier.apply(TarBuilder.digest(layer), new ByteArrayInputStream(layer));
        }
        return applier.finish();
    }

    private int mode(String path) throws IOException {
        return mode(target().resolve(path));
    }

    private static List<String> xattrNames(Path path) throws IOException {
        return Files.getFileAttributeView(path, UserDefinedFileAttributeView.class).list().stream().sorted().toList();
    }

    static boolean runningAsRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }
}
