package dev.jreg.internal.layer;

import static dev.jreg.internal.layer.LayerWriterTest.chmod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jreg.internal.layer.DirectoryScan.Addition;
import dev.jreg.internal.layer.DirectoryScan.Owners;
import dev.jreg.testing.Processes;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory as layer entries: what each path is, as lstat gives it, in path order. */
class DirectoryScanTest {
    static final Instant WHEN = Instant.parse("2023-07-07T07:07:07.123456789Z");

    @TempDir
    Path temp;

    static Map<String, SourcedEntry> byPath(List<SourcedEntry> entries) {
        return entries.stream().collect(Collectors.toMap(e -> e.entry().path(), Function.identity(), (a, b) -> a,
                LinkedHashMap::new));
    }

    /**
     * Types, permission bits with setuid, setgid and sticky, nanosecond times, link targets as
     * written, a hard link to the first path in path order, UTF-8 {@code user.*} xattrs (a binary
     * one left out), a FIFO; a socket is left out, and so is the directory itself.
     */
    @Test
    void aTreeIsItsPathsInPathOrder() throws Exception {
        Path root = temp.resolve("root");
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("tmp"));
        Files.writeString(root.resolve("bin/sh"), "#!shell");
        chmod("6755", root.resolve("bin/sh"));
        chmod("1777", root.resolve("tmp"));
        Files.createLink(root.resolve("bin/a-link"), root.resolve("bin/sh"));
        Files.createSymbolicLink(root.resolve("bin/dangling"), Path.of("../nowhere/at all"));
        chmod("0640", Files.writeString(root.resolve("tmp/empty"), ""));
        UserDefinedFileAttributeView xattrs = Files.getFileAttributeView(root.resolve("bin/sh"), UserDefinedFileAttributeView.class);
        xattrs.write("comment", StandardCharsets.UTF_8.encode("ünïcode"));
        xattrs.write("binary", ByteBuffer.wrap(new byte[] {(byte) 0xff, 0, (byte) 0xfe}));
        Processes.run(List.of("mkfifo", root.resolve("tmp/fifo").toString()), Duration.ofSeconds(30)).assertOk(List.of("mkfifo"));
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(root.resolve("tmp/socket")));
            Files.setLastModifiedTime(root.resolve("bin/sh"), FileTime.from(WHEN));

            Map<String, SourcedEntry> scanned = byPath(DirectoryScan.scan(root, Owners.of(0, 0)));
            assertEquals(List.of("bin", "bin/a-link", "bin/dangling", "bin/sh", "tmp", "tmp/empty", "tmp/fifo"),
                    List.copyOf(scanned.keySet()));
            LayerEntry sh = scanned.get("bin/a-link").entry();
            assertEquals(new LayerEntry("bin/a-link", LayerEntry.Type.FILE, 06755, 0, 0, WHEN, 7, "",
                    Map.of("user.comment", "ünïcode"), 0, 0), sh, "the first name of the file, in path order");
            assertEquals(root.resolve("bin/a-link"), scanned.get("bin/a-link").content());
            LayerEntry link = scanned.get("bin/sh").entry();
            assertEquals(List.of(LayerEntry.Type.HARDLINK, "bin/a-link", 0L, 06755), List.of(link.type(), link.linkName(),
                    link.size(), link.mode()));
            assertNull(scanned.get("bin/sh").content());
            assertEquals("../nowhere/at all", scanned.get("bin/dangling").entry().linkName());
            assertEquals(LayerEntry.Type.SYMLINK, scanned.get("bin/dangling").entry().type());
            assertEquals(01777, scanned.get("tmp").entry().mode());
            assertEquals(LayerEntry.Type.DIRECTORY, scanned.get("tmp").entry().type());
            assertEquals(0640, scanned.get("tmp/empty").entry().mode());
            assertEquals(LayerEntry.Type.FIFO, scanned.get("tmp/fifo").entry().type());
        }
    }

    /**
     * Owners: each file's own with {@link Owners#ON_DISK}, which is what a root process takes;
     * one given owner for every entry otherwise.
     */
    @Test
    void ownersAreTheDisksOrTheOneGiven() throws Exception {
        assumeTrue(DirectoryScan.processIsRoot(), "only root can give a file another owner");
        Path root = temp.resolve("root");
        Path file = Files.writeString(Files.createDirectories(root.resolve("home")).resolve("file"), "x");
        Files.setAttribute(file, "unix:uid", 1234);
        Files.setAttribute(file, "unix:gid", 5678);
        LayerEntry onDisk = byPath(DirectoryScan.scan(root, Owners.ON_DISK)).get("home/file").entry();
        assertEquals(List.of(1234L, 5678L), List.of(onDisk.uid(), onDisk.gid()));
        assertEquals(onDisk, byPath(DirectoryScan.scan(root, Owners.forThisProcess())).get("home/file").entry());
        LayerEntry given = byPath(DirectoryScan.scan(root, Owners.of(7, 8))).get("home/file").entry();
        assertEquals(List.of(7L, 8L), List.of(given.uid(), given.gid()));
    }

    /**
     * {@code --add SRC[:DEST]}: a file to a path, a file into a directory ({@code DEST/}), a
     * directory's content under its destination, a directory at the root; the directories on the
     * way are 0755, 0:0, time 0; a later addition replaces an earlier one's path; {@code ..} is
     * refused, and so is a file as the root; a missing source or directory is named.
     */
    @Test
    void additionsCopySourcesToTheirDestinations() throws Exception {
        Path jar = Files.writeString(temp.resolve("app.jar"), "jar");
        Path config = Files.writeString(temp.resolve("config.yaml"), "a: 1");
        Path site = Files.createDirectories(temp.resolve("site"));
        Files.writeString(Files.createDirectories(site.resolve("css")).resolve("main.css"), "body {}");
        Files.writeString(site.resolve("config.yaml"), "b: 2");
        Path rootTree = Files.createDirectories(temp.resolve("rootfs"));
        Files.writeString(rootTree.resolve("top"), "top");
        Files.setLastModifiedTime(jar, FileTime.from(WHEN));

        Map<String, SourcedEntry> added = byPath(DirectoryScan.additions(List.of(
                new Addition(jar, "/opt/app/lib/"),
                new Addition(config, "srv/www/config.yaml"),
                new Addition(site, "/srv/www"),
                new Addition(rootTree, "/")), Owners.of(0, 0), Map.of()));
        assertEquals(List.of("opt", "opt/app", "opt/app/lib", "opt/app/lib/app.jar", "srv", "srv/www", "srv/www/config.yaml",
                "srv/www/css", "srv/www/css/main.css", "top"), List.copyOf(added.keySet()));
        LayerEntry made = new LayerEntry("opt/app", LayerEntry.Type.DIRECTORY, 0755, 0, 0, Instant.EPOCH, 0, "", Map.of(), 0, 0);
        assertEquals(made, added.get("opt/app").entry());
        assertEquals(WHEN, added.get("opt/app/lib/app.jar").entry().mtime());
        assertEquals(jar, added.get("opt/app/lib/app.jar").content());
        assertEquals(site.resolve("config.yaml"), added.get("srv/www/config.yaml").content(), "the later addition's");
        assertEquals(Files.getLastModifiedTime(site).toInstant(), added.get("srv/www").entry().mtime(), "the source directory's own");
        assertEquals(rootTree.resolve("top"), added.get("top").content());

        Path missing = temp.resolve("missing");
        assertEquals(missing + ": no such file or directory to add", assertThrows(NoSuchFileException.class,
                () -> DirectoryScan.additions(List.of(new Addition(missing, "/x")), Owners.of(0, 0), Map.of())).getMessage());
        assertEquals(missing + ": no such directory", assertThrows(NoSuchFileException.class,
                () -> DirectoryScan.scan(missing, Owners.of(0, 0))).getMessage());
        assertEquals("the destination /opt/../etc leaves the image's root", assertThrows(IllegalArgumentException.class,
                () -> DirectoryScan.additions(List.of(new Addition(jar, "/opt/../etc")), Owners.of(0, 0), Map.of())).getMessage());
        assertEquals(List.of("app.jar"), DirectoryScan.additions(List.of(new Addition(jar, "/")), Owners.of(0, 0), Map.of()).stream()
                .map(e -> e.entry().path()).toList(), "into the root directory");
        assertEquals("cannot add " + jar + " as the image's root directory", assertThrows(IllegalArgumentException.class,
                () -> DirectoryScan.additions(List.of(new Addition(jar, ".")), Owners.of(0, 0), Map.of())).getMessage());
    }

    /**
     * Against a base: its directories on the way get no entry, its links are followed inside the
     * image ({@code ..} stopping at the root), the last element only for a directory source; a
     * loop of links and a {@code .wh.} name, in a tree or a destination, are refused.
     */
    @Test
    void additionsResolveDestinationsInTheBase() throws Exception {
        Path tool = Files.writeString(temp.resolve("tool"), "t");
        Path tree = Files.createDirectories(temp.resolve("tree"));
        Files.writeString(tree.resolve("f"), "f");
        Map<String, LayerEntry> base = Map.of(
                "usr", directory("usr"), "usr/bin", directory("usr/bin"),
                "bin", link("bin", "../../usr/bin"), "sh", link("sh", "/bin/sh"),
                "loop", link("loop", "loop/x"), "www", link("www", "/srv/www"));
        Map<String, SourcedEntry> added = byPath(DirectoryScan.additions(List.of(new Addition(tool, "/bin/"),
                new Addition(tool, "/sh"), new Addition(tree, "/www")), Owners.of(0, 0), base));
        assertEquals(List.of("sh", "srv", "srv/www", "srv/www/f", "usr/bin/tool"), List.copyOf(added.keySet()));
        assertEquals(LayerEntry.Type.FILE, added.get("sh").entry().type(), "a file replaces the link it is given as");
        assertEquals("the destination /loop/ goes through more than 40 symbolic links in the base",
                assertThrows(IllegalArgumentException.class, () -> DirectoryScan.additions(
                        List.of(new Addition(tool, "/loop/")), Owners.of(0, 0), base)).getMessage());
        assertEquals("invalid path has whiteout prefix \".wh.\": /x/.wh.y/", assertThrows(IllegalArgumentException.class,
                () -> DirectoryScan.additions(List.of(new Addition(tool, "/x/.wh.y/")), Owners.of(0, 0), base))
                .getMessage());
        Path whiteout = Files.createFile(tree.resolve(".wh..wh..opq"));
        assertEquals("invalid path has whiteout prefix \".wh.\": " + whiteout, assertThrows(
                IllegalArgumentException.class, () -> DirectoryScan.scan(tree, Owners.of(0, 0))).getMessage());
    }

    private static LayerEntry directory(String path) {
        return new LayerEntry(path, LayerEntry.Type.DIRECTORY, 0755, 0, 0, Instant.EPOCH, 0, "", Map.of(), 0, 0);
    }

    private static LayerEntry link(String path, String target) {
        return new LayerEntry(path, LayerEntry.Type.SYMLINK, 0777, 0, 0, Instant.EPOCH, 0, target, Map.of(), 0, 0);
    }
}
