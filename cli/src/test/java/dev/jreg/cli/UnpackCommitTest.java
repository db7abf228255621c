package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.json.Json;
import dev.jreg.internal.layer.LayerEntry;
import dev.jreg.internal.layer.LayerReader;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageConfig;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.TarBuilder;
import dev.jreg.testing.TestImages;
import dev.jreg.testing.TreeSnapshot;
import dev.jreg.testing.Unprivileged;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code unpack} and {@code commit} without a registry: a base unpacked, edited and committed
 * gives one more layer holding exactly the edits, which unpacks (jreg's and umoci's) to the edited
 * tree; an unchanged directory, config edits alone, {@code --add}, reproducible digests, Docker
 * and zstd layers, the fallback without a record, and bad input leaving nothing named.
 */
class UnpackCommitTest {
    static final Platform AMD64 = Platform.of("linux", "amd64", null);
    static final String EPOCH = "1700000000";

    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path work;

    Cli cli() {
        return new Cli(home, store);
    }

    Cli.Result ok(String... args) {
        return cli().ok(args);
    }

    Cli.Result run(String... args) {
        return cli().run(args);
    }

    /**
     * {@code base:1}: a first layer of files, links, a tree and a sticky directory; a second that
     * replaces a file, adds one and whites out a tree.
     */
    @BeforeEach
    void storeBase() throws Exception {
        storeBase(store);
    }

    /** Stores {@code base:1} in the store at {@code store}; returns its manifest. */
    static ManifestBlob storeBase(Path store) throws IOException {
        byte[] first = new TarBuilder().dir("etc").file("etc/old.conf", "old").file("etc/keep.conf", "keep")
                .symlink("etc/link", "keep.conf").dir("usr").dir("usr/bin").file("usr/bin/tool", "v1", 0755)
                .hardlink("usr/bin/tool2", "usr/bin/tool").dir("opt").dir("opt/data").file("opt/data/a", "a")
                .dir("opt/data/sub").file("opt/data/sub/b", "b").dir("tmp", 01777).dir("var").dir("var/cache")
                .file("var/cache/x", "x").tar();
        byte[] second = new TarBuilder().file("usr/bin/tool", "v2", 0755).file("etc/app.conf", "app")
                .whiteout("var/.wh.cache").tar();
        OciLayout layout = OciLayout.open(store);
        ManifestBlob base = TestImages.storeImage(layout, AMD64, List.of(TestImages.gzipLayer(first),
                TestImages.gzipLayer(second)));
        layout.setName(Reference.parse("base:1").toString(), base.descriptor());
        return base;
    }

    /** Adds a file, changes one, deletes one file and a directory with children. */
    static void edit(Path rootfs) throws IOException {
        Files.writeString(rootfs.resolve("etc/new.conf"), "new");
        Files.writeString(rootfs.resolve("usr/bin/tool"), "v3, longer");
        Files.delete(rootfs.resolve("etc/old.conf"));
        deleteTree(rootfs.resolve("opt/data"));
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(path);
            }
        }
    }

    ImageManifest manifest(String name) throws IOException {
        LocalStore local = LocalStore.open(store);
        Descriptor named = local.lookup(Reference.parse(name)).orElseThrow(() -> new AssertionError("no " + name));
        return (ImageManifest) local.readManifest(named).manifest();
    }

    ImageConfig config(String name) throws IOException {
        byte[] bytes = LocalStore.open(store).readBlob(manifest(name).config().digest(), 1 << 20);
        return ImageConfig.fromJson(Json.parse(bytes));
    }

    /** A layer's entries as {@code PATH TYPE}, a directory's path ending with {@code /}. */
    List<String> entries(Descriptor layer) throws IOException {
        List<String> entries = new ArrayList<>();
        try (InputStream blob = Files.newInputStream(LocalStore.open(store).blobPath(layer.digest()));
                LayerReader reader = LayerReader.open(blob)) {
            for (LayerEntry entry = reader.next(); entry != null; entry = reader.next()) {
                entries.add(entry.path() + (entry.type() == LayerEntry.Type.DIRECTORY ? "/" : " " + entry.type()));
            }
        }
        return entries;
    }

    List<String> names() throws IOException {
        return LocalStore.open(store).names().stream().map(d -> d.annotations().get(Descriptor.REF_NAME)).toList();
    }

    @Test
    void anEditedUnpackCommitsAsOneLayerOfExactlyTheEditsAndUnpacksBackToTheEditedTree() throws Exception {
        Path rootfs = work.resolve("rootfs");
        Cli.Result unpacked = ok("unpack", "base:1", rootfs.toString());
        assertEquals("", unpacked.out());
        assertEquals("Unpacked base:1 (2 layers; 7 files, 16B unpacked) into " + rootfs.toRealPath() + "\n",
                unpacked.err());
        assertEquals("7 files, 16B unpacked", unpackedFiles(rootfs), "counted as du counts them");
        assertFalse(Files.exists(rootfs.resolve("var/cache")), "the second layer's whiteout applied");
        edit(rootfs);

        Cli.Result committed = ok("commit", "--change", "CMD [\"./run.sh\"]", "--change", "ENV A=b", rootfs.toString(),
                "new:1");
        ImageManifest image = manifest("new:1");
        assertEquals(manifest("base:1").config().digest().toString().length(), committed.lastLine().length());
        assertEquals(image.config().digest().toString(), committed.lastLine(), "the image ID, last on stdout");
        assertTrue(committed.err().startsWith("Committed new:1: new layer " + image.layers().get(2).digest().shortHex()
                + " (8 entries, "), committed.err());
        assertEquals(3, image.layers().size(), "one more layer than the base's two");
        assertEquals(manifest("base:1").layers(), image.layers().subList(0, 2));
        assertEquals(MediaType.OCI_LAYER_GZIP, image.layers().get(2).mediaType());
        // The edits, parents as the image has them, the deleted tree one whiteout.
        assertEquals(List.of("etc/", "etc/.wh.old.conf FILE", "etc/new.conf FILE", "opt/", "opt/.wh.data FILE", "usr/",
                "usr/bin/", "usr/bin/tool FILE"), entries(image.layers().get(2)));

        Path again = work.resolve("again");
        ok("unpack", "new:1", again.toString());
        assertEquals("", TreeSnapshot.of(rootfs).files().toTheSecond().differences(
                TreeSnapshot.of(again).files().toTheSecond()), "the edited tree (left) and the commit unpacked (right)");

        ImageConfig config = config("new:1");
        assertEquals(List.of("./run.sh"), config.config().cmd());
        assertEquals(List.of("PATH=/usr/bin:/bin", "A=b"), config.config().env());
        assertEquals(3, config.rootfs().diffIds().size());
        String inspect = ok("inspect", "--local", "new:1").out();
        assertTrue(inspect.contains("./run.sh") && inspect.contains("A=b"), inspect);
        String history = ok("history", "--no-trunc", "local:new:1").out().lines().toList().get(1);
        assertTrue(history.startsWith(image.config().digest().toString()), history);
        assertTrue(history.contains("jreg commit -c 'CMD [\"./run.sh\"]' -c 'ENV A=b'"), history);
        assertUmociUnpacksTo(rootfs, "new:1");
    }

    /**
     * umoci's unpack of the committed image, copied into an OCI layout, as an unprivileged user:
     * the edited tree again.
     */
    void assertUmociUnpacksTo(Path rootfs, String name) throws Exception {
        String unprivileged = Unprivileged.unavailable();
        Assumptions.assumeTrue(unprivileged == null, unprivileged);
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/umoci"))
                || "1".equals(System.getenv("JREG_REQUIRE_INTEGRATION")), "umoci is not installed (scripts/test installs it)");
        Path shared = Unprivileged.share(Files.createDirectories(Unprivileged.share(work).resolve("shared")));
        Path layout = shared.resolve("layout");
        ok("copy", "local:" + name, "oci:" + layout + ":" + name);
        Path bundle = shared.resolve("bundle");
        Unprivileged.run(shared.resolve("home"), "umoci", "unpack", "--rootless", "--image", layout + ":" + name,
                bundle.toString()).assertOk(List.of("umoci", "unpack"));
        assertEquals("", TreeSnapshot.of(rootfs).files().toTheSecond().differences(
                TreeSnapshot.of(bundle.resolve("rootfs")).files().toTheSecond()), "the edited tree (left) and umoci's");
    }

    /** As docker commit of an unchanged container: no layer, and a history entry that says so. */
    @Test
    void anUnchangedDirectoryMakesNoLayer() throws Exception {
        Path rootfs = work.resolve("rootfs");
        ok("unpack", "base:1", rootfs.toString());
        // DIR given relative to the working directory is named whole, as the README shows it.
        Path relative = Path.of("").toAbsolutePath().relativize(rootfs);
        Cli.Result committed = ok("commit", relative.toString(), "same:1");
        assertEquals("Committed same:1: no changes in " + rootfs.toRealPath() + ", so no layer, as docker commit\n",
                committed.err());
        assertEquals(manifest("base:1").layers(), manifest("same:1").layers());
        ImageConfig config = config("same:1");
        assertEquals(config("base:1").rootfs().diffIds(), config.rootfs().diffIds());
        ImageConfig.History last = config.history().get(config.history().size() - 1);
        assertTrue(last.emptyLayer(), last.toString());
        assertEquals("jreg commit", last.createdBy());
    }

    /**
     * Two copies unpacked to different paths, edited at different times, committed with
     * SOURCE_DATE_EPOCH: the same image, manifest and config. Without it, they differ.
     */
    @Test
    void theSameEditsWithSourceDateEpochGiveTheSameDigest() throws Exception {
        List<String> ids = new ArrayList<>();
        List<Digest> manifests = new ArrayList<>();
        for (int copy = 0; copy < 2; copy++) {
            Path rootfs = work.resolve("copy-" + copy).resolve("rootfs");
            ok("unpack", "base:1", rootfs.toString());
            edit(rootfs);
            // Edited at different times, both later than the clamp.
            FileTime when = FileTime.from(Instant.now().plus(copy, ChronoUnit.HOURS));
            for (String path : List.of("etc", "etc/new.conf", "usr/bin/tool", "opt")) {
                Files.setLastModifiedTime(rootfs.resolve(path), when);
            }
            ids.add(cli().env("SOURCE_DATE_EPOCH", EPOCH).ok("commit", "-c", "USER app", rootfs.toString(),
                    "repro:" + copy).lastLine());
            manifests.add(LocalStore.open(store).lookup(Reference.parse("repro:" + copy)).orElseThrow().digest());
        }
        assertEquals(ids.get(0), ids.get(1));
        assertEquals(manifests.get(0), manifests.get(1));
        ImageConfig config = config("repro:0");
        assertEquals("2023-11-14T22:13:20Z", config.created());
        assertEquals("2023-11-14T22:13:20Z", config.history().get(config.history().size() - 1).created());

        Path rootfs = work.resolve("unclamped");
        ok("unpack", "base:1", rootfs.toString());
        edit(rootfs);
        assertNotEquals(ids.get(0), ok("commit", "-c", "USER app", rootfs.toString(), "repro:2").lastLine());
    }

    /** {@code --add SRC}, {@code SRC:DIR/}, {@code SRC:PATH} and a directory's content under a path. */
    @Test
    void addAppendsFilesAndDirectoriesAsOneLayer() throws Exception {
        Path files = Files.createDirectories(work.resolve("files"));
        Path run = Files.writeString(files.resolve("run.sh"), "#!/bin/sh\n");
        Path conf = Files.writeString(files.resolve("app.conf"), "x=1\n");
        Path app = Files.createDirectories(files.resolve("app"));
        Files.writeString(Files.createDirectories(app.resolve("lib")).resolve("a.jar"), "jar");
        Cli.Result committed = ok("commit", "--base", "base:1", "--add", run.toString(), "--add", conf + ":/etc/",
                "--add", conf + ":/srv/renamed.conf", "--add", app + ":/opt/app", "-m", "added", "-a", "Dana", "added:1");
        ImageManifest image = manifest("added:1");
        assertEquals(3, image.layers().size());
        assertEquals(List.of("etc/app.conf FILE", "opt/app/", "opt/app/lib/", "opt/app/lib/a.jar FILE", "run.sh FILE",
                "srv/", "srv/renamed.conf FILE"), entries(image.layers().get(2)), "no entry for the base's etc and opt");
        ImageConfig.History last = config("added:1").history().get(2);
        assertEquals("jreg commit --add run.sh:/ --add app.conf:/etc/ --add app.conf:/srv/renamed.conf"
                + " --add app:/opt/app", last.createdBy());
        assertEquals("added", last.comment());
        assertEquals("Dana", last.author());
        assertEquals("Dana", config("added:1").author());
        assertEquals(committed.lastLine(), image.config().digest().toString());
    }

    /**
     * {@code --add} keeps the base's directories as they are (a sticky {@code /tmp}, a user's home)
     * and resolves the base's symbolic links on the way, as docker's COPY: on a usr-merged base,
     * {@code tool:/bin/} lands in {@code usr/bin}, and {@code /bin} stays the link to it.
     */
    @Test
    void addKeepsTheBasesDirectoriesAndFollowsItsLinks() throws Exception {
        TarArchiveEntry home = new TarArchiveEntry("home/user/", TarConstants.LF_DIR);
        home.setMode(0700);
        home.setIds(1000, 1000);
        byte[] merged = new TarBuilder().symlink("bin", "usr/bin").dir("usr").dir("usr/bin")
                .file("usr/bin/sh", "sh", 0755).dir("tmp", 01777).dir("home").add(home, new byte[0])
                .dir("lib").symlink("lib/link", "/usr/./bin/../lib").tar();
        OciLayout layout = OciLayout.open(store);
        layout.setName(Reference.parse("merged:1").toString(), TestImages.storeImage(layout, AMD64,
                List.of(TestImages.gzipLayer(merged))).descriptor());
        Path file = Files.writeString(work.resolve("file"), "f");
        Path tool = Files.writeString(work.resolve("tool"), "t");
        Path lib = Files.createDirectories(work.resolve("lib"));
        Files.writeString(lib.resolve("libx.so"), "x");
        ok("commit", "-q", "--base", "merged:1", "--add", file + ":/tmp/", "--add", file + ":/home/user/", "--add",
                tool + ":/bin/", "--add", lib + ":/lib/link/", "--add", file + ":/new/dir/", "added:1");
        assertEquals(List.of("home/user/file FILE", "new/", "new/dir/", "new/dir/file FILE", "tmp/file FILE",
                "usr/bin/tool FILE", "usr/lib/", "usr/lib/libx.so FILE"), entries(manifest("added:1").layers().get(1)));

        Path rootfs = work.resolve("rootfs");
        ok("unpack", "-q", "added:1", rootfs.toString());
        assertEquals(01777, mode(rootfs.resolve("tmp")));
        assertEquals(0700, mode(rootfs.resolve("home/user")));
        assertEquals(List.of(1000, 1000), List.of(Files.getAttribute(rootfs.resolve("home/user"), "unix:uid"),
                Files.getAttribute(rootfs.resolve("home/user"), "unix:gid")));
        assertEquals(0755, mode(rootfs.resolve("new/dir")));
        assertTrue(Files.isSymbolicLink(rootfs.resolve("bin")), "bin is still the link");
        assertEquals("sh", Files.readString(rootfs.resolve("bin/sh")));
        assertEquals("t", Files.readString(rootfs.resolve("usr/bin/tool")));
        assertEquals("x", Files.readString(rootfs.resolve("usr/lib/libx.so")));
    }

    static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    /** Config edits alone: no layer, an empty history step, and the edits in docker's shapes. */
    @Test
    void configChangesAloneMakeNoLayer() throws Exception {
        Cli.Result committed = ok("commit", "--base", "base:1", "-c", "ENTRYPOINT /entry.sh", "-c", "ENV B=\"${PATH}:/x C\"",
                "-c", "EXPOSE 80 53/udp 8000-8001", "-c", "LABEL a=1 \"b c\"=\"2 3\"", "-c", "WORKDIR /srv",
                "-c", "WORKDIR app", "-c", "VOLUME [\"/data\"]", "-c", "STOPSIGNAL SIGINT",
                "-c", "HEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/", "-c", "ONBUILD RUN make",
                "cfg:1");
        assertEquals("Committed cfg:1: config changes only, no layer\n", committed.err());
        assertEquals(manifest("base:1").layers(), manifest("cfg:1").layers());
        ImageConfig config = config("cfg:1");
        ImageConfig.Container settings = config.config();
        assertEquals(List.of("/bin/sh", "-c", "/entry.sh"), settings.entrypoint());
        assertEquals(null, settings.cmd(), "an entrypoint drops the base's command, as docker does");
        assertEquals(List.of("PATH=/usr/bin:/bin", "B=/usr/bin:/bin:/x C"), settings.env());
        assertEquals(List.of("80/tcp", "53/udp", "8000/tcp", "8001/tcp"), List.copyOf(settings.exposedPorts().keySet()));
        assertEquals("1", settings.labels().get("a"));
        assertEquals("2 3", settings.labels().get("b c"));
        assertEquals("/srv/app", settings.workingDir());
        assertEquals(List.of("/data"), List.copyOf(settings.volumes().keySet()));
        assertEquals("SIGINT", settings.stopSignal());
        assertEquals("{\"Test\":[\"CMD-SHELL\",\"curl -f http://localhost/\"],\"Interval\":30000000000,\"Retries\":3}",
                Json.write(settings.otherFields().get("Healthcheck")));
        assertEquals("[\"RUN make\"]", Json.write(settings.otherFields().get("OnBuild")));
        ImageConfig.History last = config.history().get(2);
        assertTrue(last.emptyLayer());
        assertEquals(config("base:1").rootfs().diffIds(), config.rootfs().diffIds());
    }

    /**
     * Files rewritten at their size with their times put back ({@code touch -r}) are no change by
     * attributes; {@code --checksum} compares contents, the base's streamed from the layer that
     * holds each ({@code usr/bin/tool} the second's), with a record or without one. A copy of the
     * unpack is no change, its hard link whose first name the second layer replaced included.
     */
    @Test
    void checksumFindsRewritesThatKeepSizeAndTime() throws Exception {
        Path rootfs = work.resolve("rootfs");
        ok("unpack", "-q", "base:1", rootfs.toString());
        Path copy = work.resolve("copy");
        assertEquals(0, new ProcessBuilder("cp", "-a", rootfs.toString(), copy.toString()).start().waitFor());
        assertTrue(ok("commit", "--checksum", "--base", "base:1", copy.toString(), "same:1").err().endsWith(
                "Committed same:1: no changes in " + copy.toRealPath() + ", so no layer, as docker commit\n"));
        for (Path dir : List.of(rootfs, copy)) {
            for (String file : List.of("etc/keep.conf", "usr/bin/tool")) {
                Path path = dir.resolve(file);
                FileTime time = Files.getLastModifiedTime(path);
                Files.writeString(path, Files.readString(path).toUpperCase());
                Files.setLastModifiedTime(path, time);
            }
        }
        assertTrue(ok("commit", rootfs.toString(), "attributes:1").err().contains("no changes"));
        ok("commit", "--checksum", rootfs.toString(), "content:1");
        List<String> rewritten = List.of("etc/", "etc/keep.conf FILE", "usr/", "usr/bin/", "usr/bin/tool FILE");
        assertEquals(rewritten, entries(manifest("content:1").layers().get(2)));
        Cli.Result copied = ok("commit", "--checksum", "--base", "base:1", copy.toString(), "content:2");
        assertTrue(copied.err().startsWith("note: " + copy.toRealPath() + " has no unpack record; comparing it with"
                + " base:1's files by type, size, mode, time and content\n"), copied.err());
        assertEquals(rewritten, entries(manifest("content:2").layers().get(2)));
        assertFails(2, "jreg: --checksum compares DIR's files, and commit has no DIR", "commit", "--checksum", "--base",
                "base:1", "-c", "ENV A=1", "x:1");
    }

    /**
     * A directory jreg did not unpack (copied) is compared with the base's files from its layers'
     * headers, with a note; the layer is the one a record gives.
     */
    @Test
    void withoutARecordTheDirectoryIsComparedWithTheBasesFiles() throws Exception {
        Path rootfs = work.resolve("rootfs");
        ok("unpack", "base:1", rootfs.toString());
        Path copy = work.resolve("copy");
        assertEquals(0, new ProcessBuilder("cp", "-a", rootfs.toString(), copy.toString()).start().waitFor());
        edit(rootfs);
        edit(copy);
        ok("commit", rootfs.toString(), "recorded:1");
        Cli.Result fallback = cli().stderrTerminal().ok("commit", "--base", "base:1", copy.toString(), "copied:1");
        // On a terminal, the note wrapped at words to 80 columns, its later lines indented under its text.
        String note = fallback.err().substring(0, fallback.err().indexOf("Committed"));
        assertEquals("note: " + copy.toRealPath() + " has no unpack record; comparing it with base:1's files by type,"
                + " size, mode and time", note.strip().replaceAll("\n {6}", " "), note);
        note.lines().forEach(line -> assertTrue(line.length() <= 80, line));
        assertTrue(note.lines().count() > 1, note);
        assertEquals(entries(manifest("recorded:1").layers().get(2)), entries(manifest("copied:1").layers().get(2)));
        Cli.Result noBase = run("commit", copy.toString(), "copied:2");
        assertEquals(2, noBase.exitCode());
        assertEquals("jreg: " + copy.toRealPath() + " has no unpack record to name its base image: give --base IMAGE\n",
                noBase.err());
    }

    /**
     * {@code mv DIR DIR2} after the unpack: DIR2 is compared with its record, found by the
     * directory's device and inode, so its base is known and the new layer holds exactly the
     * edited file (and its parent), owners as the base has them — a device node an unprivileged
     * unpack skipped is no deletion. The temporary path unpacked into again and moved as well
     * gets a record of its own, which leaves the first one's.
     */
    @Test
    void aDirectoryMovedAfterItsUnpackKeepsItsRecord() throws Exception {
        TestImages.Layer owned = TestImages.gzipLayer(new TarBuilder().add(owned("app/", TarConstants.LF_DIR, 0755), new byte[0])
                .add(owned("app/config", TarConstants.LF_NORMAL, 0640), "v1".getBytes(StandardCharsets.UTF_8))
                .add(owned("app/other", TarConstants.LF_NORMAL, 0644), "other".getBytes(StandardCharsets.UTF_8))
                .dir("dev").charDevice("dev/null", 1, 3).tar());
        OciLayout layout = OciLayout.open(store);
        layout.setName(Reference.parse("owned:1").toString(),
                TestImages.storeImage(layout, AMD64, List.of(owned)).descriptor());
        Path temporary = work.resolve("tmp");
        ok("unpack", "owned:1", temporary.toString());
        Path moved = Files.createDirectories(work.resolve("images")).resolve("rootfs");
        Files.move(temporary, moved);
        ok("unpack", "base:1", temporary.toString());
        Path second = work.resolve("second");
        Files.move(temporary, second);
        Files.writeString(moved.resolve("app/config"), "v2, edited");

        Cli.Result committed = ok("commit", moved.toString(), "edited:1");
        assertFalse(committed.err().contains("note:"), committed.err());
        ImageManifest image = manifest("edited:1");
        assertEquals(2, image.layers().size(), "owned:1's layer and the new one");
        Descriptor layer = image.layers().get(1);
        assertEquals(List.of("app/ 1000:1001", "app/config 1000:1001"), owners(layer));
        try (Stream<Path> records = Files.list(store.resolve("unpacked"))) {
            assertEquals(2, records.count(), "one record per directory, filed under its new path");
        }

        edit(second);
        Cli.Result other = ok("commit", second.toString(), "second:1");
        assertFalse(other.err().contains("note:"), other.err());
        assertEquals(3, manifest("second:1").layers().size(), "on base:1, as unpacked");
    }

    /** A header owned by 1000:1001, the owner an unprivileged unpack cannot give. */
    private static TarArchiveEntry owned(String name, byte type, int mode) {
        TarArchiveEntry entry = TarBuilder.header(name, type, mode);
        entry.setIds(1000, 1001);
        return entry;
    }

    /** A layer's entries as {@code PATH UID:GID}, a directory's path ending with {@code /}. */
    List<String> owners(Descriptor layer) throws IOException {
        List<String> owners = new ArrayList<>();
        try (InputStream blob = Files.newInputStream(LocalStore.open(store).blobPath(layer.digest()));
                LayerReader reader = LayerReader.open(blob)) {
            for (LayerEntry entry = reader.next(); entry != null; entry = reader.next()) {
                owners.add(entry.path() + (entry.type() == LayerEntry.Type.DIRECTORY ? "/" : "") + " " + entry.uid()
                        + ":" + entry.gid());
            }
        }
        return owners;
    }

    /** zstd on an OCI base; a Docker base gets Docker's gzip layer type and refuses zstd. */
    @Test
    void layersTakeTheBasesFormat() throws Exception {
        Path rootfs = work.resolve("rootfs");
        ok("unpack", "base:1", rootfs.toString());
        edit(rootfs);
        ok("commit", "--compression", "zstd", rootfs.toString(), "zstd:1");
        assertEquals(MediaType.OCI_LAYER_ZSTD, manifest("zstd:1").layers().get(2).mediaType());
        assertEquals(8, entries(manifest("zstd:1").layers().get(2)).size());

        ok("copy", "--format", "docker", "local:base:1", "local:docker:1");
        ok("commit", "--base", "docker:1", rootfs.toString(), "docker:2");
        ImageManifest docker = manifest("docker:2");
        assertEquals(MediaType.DOCKER_MANIFEST, docker.mediaType());
        assertEquals(MediaType.DOCKER_CONFIG, docker.config().mediaType());
        assertEquals(MediaType.DOCKER_LAYER_GZIP, docker.layers().get(2).mediaType());
        Cli.Result refused = run("commit", "--base", "docker:1", "--compression", "zstd", rootfs.toString(), "docker:3");
        assertEquals(2, refused.exitCode());
        assertEquals("jreg: docker:1 is a Docker schema 2 image, whose format holds no zstd layer; commit with"
                + " --compression gzip, or on an OCI copy of it (jreg copy --format oci)\n", refused.err());
    }

    /** Bad input: one line, its exit code, and nothing new in the store. */
    @Test
    void badInputIsOneLineAndNamesNothing() throws Exception {
        Path rootfs = work.resolve("rootfs");
        ok("unpack", "base:1", rootfs.toString());
        edit(rootfs);
        Path file = Files.writeString(work.resolve("file"), "x");
        List<String> before = names();
        List<Path> blobs = blobs();
        assertFails(2, "jreg: no such directory: " + work.resolve("missing"), "commit", "--base", "base:1",
                work.resolve("missing").toString(), "x:1");
        assertFails(2, "jreg: " + file + " is not a directory", "commit", "--base", "base:1", file.toString(), "x:1");
        assertFails(3, "jreg: no such image in the local store: nosuch:1", "commit", "--base", "nosuch:1",
                rootfs.toString(), "x:1");
        assertFails(2, "jreg: invalid change \"RUN make\": RUN is not an instruction docker commit takes (CMD,"
                + " ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR)", "commit",
                "-c", "RUN make", rootfs.toString(), "x:1");
        assertFails(2, "jreg: invalid change \"EXPOSE ${PORT:-http}\": \"http\" is not a port:"
                + " PORT[-PORT][/tcp|udp|sctp]", "commit", "-c", "EXPOSE ${PORT:-http}", rootfs.toString(), "x:1");
        assertFails(2, "jreg: invalid change \"HEALTHCHECK --interval=5 CMD true\": --interval takes a duration such"
                + " as 30s or 1m30s, not \"5\"", "commit", "-c", "HEALTHCHECK --interval=5 CMD true", rootfs.toString(),
                "x:1");
        assertFails(2, "jreg: invalid reference format: repository name (library/Bad) must be lowercase", "commit",
                rootfs.toString(), "Bad:1");
        // An empty word: no image name, as docker refuses one; no directory, never the working one.
        for (List<String> empty : List.of(List.of(""), List.of(rootfs.toString(), ""), List.of("--base", "base:1", ""),
                List.of("--base", "base:1", "--add", file.toString(), ""), List.of("--base", "", rootfs.toString(), "x:1"))) {
            List<String> args = new ArrayList<>(List.of("commit"));
            args.addAll(empty);
            assertFails(2, "jreg: invalid reference format: empty reference", args.toArray(String[]::new));
        }
        assertFails(2, "jreg: DIR is \"\": name the directory to commit (. for this one)", "commit", "", "x:1");
        assertFails(2, "jreg: DIR is \"\": name the directory to commit (. for this one)", "commit", "--base", "base:1",
                "", "x:1");
        assertFails(2, "jreg: no such file or directory to add: " + work.resolve("nothing"), "commit", "--base",
                "base:1", "--add", work.resolve("nothing").toString(), "x:1");
        assertFails(2, "jreg: commit needs a base: --base IMAGE, or DIR made by 'jreg unpack'", "commit", "-c",
                "USER x", "x:1");
        assertFails(2, "jreg: SOURCE_DATE_EPOCH takes seconds since the epoch or an RFC 3339 time"
                + " (2024-01-02T03:04:05Z), not \"soon\"", "commit", rootfs.toString(), "x:1");
        // A layer's .wh.NAME deletes NAME: a file of that name cannot go into one.
        assertFails(2, "jreg: invalid path has whiteout prefix \".wh.\": /.wh.etc", "commit", "--base", "base:1",
                "--add", file + ":/.wh.etc", "x:1");
        Path whiteout = Files.createFile(rootfs.resolve(".wh.usr"));
        assertFails(2, "jreg: invalid path has whiteout prefix \".wh.\": " + whiteout.toRealPath(), "commit",
                rootfs.toString(), "x:1");
        assertEquals(before, names(), "no name added");
        assertEquals(blobs, blobs(), "and, refused before anything is written, no blob");
    }

    List<Path> blobs() throws IOException {
        try (Stream<Path> files = Files.list(store.resolve("blobs/sha256"))) {
            return files.sorted().toList();
        }
    }

    void assertFails(int code, String line, String... args) {
        Cli cli = cli();
        if (line.contains("SOURCE_DATE_EPOCH")) {
            cli.env("SOURCE_DATE_EPOCH", "soon");
        }
        Cli.Result result = cli.run(args);
        assertEquals(code, result.exitCode(), result::toString);
        assertEquals(line + "\n", result.err());
        assertEquals("", result.out());
    }

    /**
     * A directory that is not empty, one under a file, or "" is refused; a layer whose bytes do not match its digest, or
     * that holds an entry climbing out, fails the unpack and leaves no directory.
     */
    @Test
    void aFailedUnpackLeavesNoDirectory() throws Exception {
        Path full = Files.createDirectories(work.resolve("full"));
        Files.writeString(full.resolve("x"), "x");
        Cli.Result notEmpty = run("unpack", "base:1", full.toString());
        assertEquals(2, notEmpty.exitCode());
        assertEquals("jreg: cannot unpack into " + full + ": the directory is not empty\n", notEmpty.err());
        Path sub = full.resolve("x/sub");
        Cli.Result underAFile = run("unpack", "base:1", sub.toString());
        assertEquals(2, underAFile.exitCode(), underAFile::toString);
        assertEquals("jreg: cannot unpack into " + sub + ": " + full.resolve("x") + " is not a directory\n",
                underAFile.err());
        Cli.Result emptyName = run("unpack", "base:1", "");
        assertEquals(2, emptyName.exitCode(), emptyName::toString);
        assertEquals("jreg: DIR is \"\": name the directory to unpack into (. for this one)\n", emptyName.err());

        OciLayout layout = OciLayout.open(store);
        TestImages.Layer hostile = TestImages.gzipLayer(new TarBuilder().file("ok", "ok").file("../escape", "x").tar());
        layout.setName(Reference.parse("hostile:1").toString(),
                TestImages.storeImage(layout, AMD64, List.of(hostile)).descriptor());
        Path target = work.resolve("made/rootfs");
        Cli.Result refused = run("unpack", "hostile:1", target.toString());
        assertEquals(7, refused.exitCode(), refused::toString);
        assertEquals("jreg: layer " + hostile.descriptor().digest() + ": entry \"../escape\" leaves the target"
                + " directory\n", refused.err());
        assertFalse(Files.exists(work.resolve("made")), "the directories unpack made are gone");

        Path empty = Files.createDirectories(work.resolve("empty"));
        TestImages.flipByte(store, manifest("base:1").layers().get(0).digest());
        Cli.Result damaged = run("unpack", "base:1", empty.toString());
        assertEquals(6, damaged.exitCode(), damaged::toString);
        try (Stream<Path> left = Files.list(empty)) {
            assertEquals(List.of(), left.toList(), "the directory that was there is emptied");
        }
    }

    /** A directory whose base left the store names it as docker does, not as the record keeps it. */
    @Test
    void aGoneBaseIsNamedAsDockerNamesIt() throws Exception {
        ok("tag", "base:1", "gone:1");
        Path rootfs = work.resolve("rootfs");
        ok("unpack", "gone:1", rootfs.toString());
        ok("rm", "gone:1");
        ok("rm", "base:1");
        ok("prune");
        Cli.Result result = run("commit", rootfs.toString(), "new:1");
        assertEquals(3, result.exitCode(), result::toString);
        assertTrue(result.err().startsWith("jreg: " + rootfs.toRealPath() + " was unpacked from gone:1 ("), result.err());
        assertTrue(result.err().contains("), which is gone; give --base IMAGE"), result.err());
    }

    /** {@code prune} deletes the records of directories that are gone, and says so only then. */
    @Test
    void pruneDeletesTheRecordsOfDirectoriesThatAreGone() throws Exception {
        Path kept = work.resolve("kept");
        Path gone = work.resolve("gone");
        ok("unpack", "base:1", kept.toString());
        ok("unpack", "base:1", gone.toString());
        try (Stream<Path> records = Files.list(store.resolve("unpacked"))) {
            assertEquals(2, records.count());
        }
        try (Stream<Path> top = Files.list(kept)) {
            assertEquals(List.of("etc", "opt", "tmp", "usr", "var"), top.map(p -> p.getFileName().toString()).sorted()
                    .toList(), "the directory holds the image's files only");
        }
        deleteTree(gone);
        assertTrue(ok("prune").out().contains("Deleted 1 unpack record of directories that no longer exist\n"));
        assertFalse(ok("prune").out().contains("unpack record"));
        edit(kept);
        ok("commit", kept.toString(), "still:1");
        assertEquals(3, manifest("still:1").layers().size(), "the remaining record still serves");
    }

    /** The unpack of an index takes this machine's platform, or --platform's. */
    @Test
    void anIndexUnpacksThePlatformAsked() throws Exception {
        java.util.Map<Platform, List<TestImages.Layer>> platforms = new java.util.LinkedHashMap<>();
        platforms.put(AMD64, List.of(TestImages.gzipLayer(new TarBuilder().file("arch", "amd64").tar())));
        platforms.put(Platform.of("linux", "arm64", "v8"),
                List.of(TestImages.gzipLayer(new TarBuilder().file("arch", "arm64").tar())));
        TestImages.writeIndex(OciLayout.open(store), Reference.parse("multi:1"), platforms);
        ok("unpack", "--platform", "linux/arm64", "multi:1", work.resolve("arm").toString());
        assertEquals("arm64", Files.readString(work.resolve("arm/arch")));
        Path arm = work.resolve("arm");
        Files.writeString(arm.resolve("arch"), "arm64, edited");
        ok("commit", arm.toString(), "arm:1");
        assertEquals("arm64", config("arm:1").architecture());
    }

    /**
     * An unpack stopped (kill, Ctrl-C) in a separate JVM once its first file is written cleans up
     * as a failed one does: the directory it made is removed, the empty one it was given emptied,
     * so that the next unpack into it runs.
     */
    @Test
    void aStoppedUnpackLeavesNoDirectoryOrAnEmptyOne() throws Exception {
        ExportSquashTest.storeZeros(store, "localhost/zeros:1", 1024);
        Path made = work.resolve("made/rootfs");
        assertStopped("-TERM", 143, made);
        assertFalse(Files.exists(work.resolve("made")), "the directories unpack made are removed");

        Path given = Files.createDirectories(work.resolve("given"));
        assertStopped("-INT", 130, given);
        try (Stream<Path> left = Files.list(given)) {
            assertEquals(List.of(), left.toList(), "the directory given is emptied");
        }
        ok("unpack", "base:1", given.toString());
    }

    private void assertStopped(String signal, int exitCode, Path directory) throws Exception {
        Path log = work.resolve("unpack" + signal + ".log");
        Process unpack = dev.jreg.testing.JregProcess.start(Map.of("JREG_HOME", store.toString(), "HOME",
                home.toString()), log, "unpack", "localhost/zeros:1", directory.toString());
        StoppedPullTest.await("the first file", () -> Files.exists(directory.resolve("first")) || !unpack.isAlive(),
                () -> unpack.waitFor(10, java.util.concurrent.TimeUnit.MILLISECONDS));
        assertTrue(unpack.isAlive(), () -> "the unpack is under way: " + logOf(log));
        assertEquals(0, new ProcessBuilder("kill", signal, Long.toString(unpack.pid())).start().waitFor());
        assertTrue(unpack.waitFor(1, java.util.concurrent.TimeUnit.MINUTES));
        assertEquals(exitCode, unpack.exitValue(), () -> logOf(log));
        assertEquals("jreg: interrupted\n", logOf(log), "one line: the failure the stop caused says nothing more");
    }

    private static String logOf(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * A platform asked of an image alone (not an index) of another platform is refused by every
     * command that takes one, as save refuses it: exit 3, nothing made; its own platform passes.
     */
    @Test
    void anImageOfAnotherPlatformIsRefusedByEveryCommand() throws Exception {
        String refused = "jreg: no image for platform linux/arm64 in local:docker.io/library/base:1 (it has linux/amd64)";
        Path dir = work.resolve("dir");
        assertFails(3, refused, "unpack", "--pull", "never", "--platform", "linux/arm64", "base:1", dir.toString());
        assertFails(3, refused.replace("arm64", "s390x"), "unpack", "--platform", "linux/s390x", "local:base:1",
                dir.toString());
        assertFails(3, refused, "export", "--platform", "linux/arm64", "-o", work.resolve("x.tar").toString(), "base:1");
        assertFails(3, refused, "squash", "--platform", "linux/arm64", "base:1", "flat:1");
        assertFails(3, refused, "commit", "--base", "base:1", "--platform", "linux/arm64", "-c", "CMD [\"x\"]", "c:1");
        assertFails(3, refused, "history", "--local",
                "--platform", "linux/arm64", "base:1");
        assertFails(3, refused.replace("docker.io/library/", ""), "save", "--platform", "linux/arm64", "-o",
                work.resolve("s.tar").toString(), "base:1");
        assertFalse(Files.exists(dir));
        try (Stream<Path> left = Files.list(work)) {
            assertEquals(List.of(), left.toList());
        }
        assertFalse(LocalStore.open(store).lookup(Reference.parse("flat:1")).isPresent());
        assertFalse(LocalStore.open(store).lookup(Reference.parse("c:1")).isPresent());

        ok("unpack", "--pull", "never", "--platform", "linux/amd64", "base:1", dir.toString());
        ok("history", "--local", "--platform", "linux/amd64", "base:1");
    }

    /**
     * The regular files under a tree and their bytes, each file once however many names it has,
     * as {@code du} counts them: {@code N files, SIZE unpacked}, as unpack says it.
     */
    static String unpackedFiles(Path root) throws IOException {
        Map<Object, Long> files = new HashMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    files.put(attributes.fileKey(), attributes.size());
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return files.size() + " files, " + Sizes.human(files.values().stream().mapToLong(Long::longValue).sum())
                + " unpacked";
    }
}
