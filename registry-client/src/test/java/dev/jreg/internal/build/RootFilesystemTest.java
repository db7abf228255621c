package dev.jreg.internal.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layer.Compression;
import dev.jreg.internal.layer.DirectoryScan;
import dev.jreg.internal.layer.LayerApplier;
import dev.jreg.internal.layer.LayerEntry;
import dev.jreg.internal.layer.LayerLimits;
import dev.jreg.internal.layer.LayerReader;
import dev.jreg.internal.layer.LayerWriter;
import dev.jreg.internal.layer.SourcedEntry;
import dev.jreg.internal.layer.WrittenLayer;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.sandbox.BusyboxRootfs;
import dev.jreg.internal.sandbox.RunSpec;
import dev.jreg.internal.sandbox.Sandbox;
import dev.jreg.internal.store.HashingOutputStream;
import dev.jreg.model.Digest;
import dev.jreg.model.MediaType;
import dev.jreg.testing.Processes;
import dev.jreg.testing.TarBuilder;
import dev.jreg.testing.TreeSnapshot;
import dev.jreg.testing.Unprivileged;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code RUN} steps on a stage's root filesystem: a busybox base made into a layer here, commands
 * run by bubblewrap, and the layers they give read back from the store. Run by root, the command
 * works on real owners; {@link #anOrdinaryUserGetsTheBasesOwnersAndRootsForWhatTheCommandMade}
 * runs the rootless path as {@code nobody}, and all of them run it when the tests do not run as
 * root.
 */
class RootFilesystemTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final boolean ROOT = "0".equals(uidOf(Path.of("/proc/self")));
    /** Two times of one second, which the base's {@code ref0} and {@code ref5} have to the nanosecond. */
    private static final Instant SECOND = Instant.parse("2001-01-01T00:00:00Z");
    private static final Instant HALF_PAST = SECOND.plusMillis(500);
    /** The base's owner of {@code home/app} and what it holds. */
    private static final Map<String, Integer> APP_OWNED = Map.of("home/app", 1000, "home/app/owned", 1000);

    @TempDir
    Path temp;

    private final Sandbox sandbox = Sandbox.onThisMachine();
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private LocalStore store;
    private Path work;
    private Path baseLayer;

    /**
     * The base: busybox with {@code /etc} (no {@code resolv.conf} or {@code hosts}), {@code etc/dir}
     * with a file and a directory, {@code f}, {@code home/app/owned} (1000:1001), {@code ref0} and
     * {@code ref5}; every time {@link BusyboxRootfs#MADE} but theirs.
     */
    @BeforeEach
    void base() throws IOException {
        String unavailable = BusyboxRootfs.unavailable();
        Assumptions.assumeTrue(unavailable == null, unavailable);
        store = LocalStore.open(temp.resolve("store"));
        work = store.root().resolve("build");
        Path tree = BusyboxRootfs.make(temp.resolve("base"), true);
        Files.createDirectories(tree.resolve("etc/dir/sub"));
        Files.writeString(tree.resolve("etc/dir/a"), "a\n");
        Files.writeString(tree.resolve("etc/dir/sub/b"), "b\n");
        Files.writeString(tree.resolve("f"), "f\n");
        Files.createDirectories(tree.resolve("home/app"));
        Files.writeString(tree.resolve("home/app/owned"), "owned\n");
        Files.writeString(tree.resolve("ref0"), "");
        Files.writeString(tree.resolve("ref5"), "");
        BusyboxRootfs.touchAll(tree);
        Files.setLastModifiedTime(tree.resolve("ref0"), FileTime.from(SECOND));
        Files.setLastModifiedTime(tree.resolve("ref5"), FileTime.from(HALF_PAST));
        baseLayer = layerOf(tree, APP_OWNED, temp.resolve("base.tar.gz"));
    }

    @Test
    void theDirectoryIsPrivateTheRootFilesystemTheUsersAndCloseRemovesBoth() throws Exception {
        RootFilesystem rootfs = RootFilesystem.create(work);
        Path directory = rootfs.root().getParent();
        assertEquals(work, directory.getParent());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(rootfs.root())));
        try (InputStream base = Files.newInputStream(baseLayer)) {
            rootfs.apply(base, "base");
        }
        assertEquals("owned\n", Files.readString(rootfs.root().resolve("home/app/owned")));
        assertEquals(uidOf(temp), uidOf(rootfs.root().resolve("f")), "what the layers wrote is the user's");
        rootfs.close();
        assertEquals(List.of(), listing(work));
        rootfs.close();
        assertThrows(IllegalStateException.class, () -> rootfs.apply(InputStream.nullInputStream(), "base"));
    }

    @Test
    void aCommandThatWritesAFileGivesALayerOfThatFileAlone() throws Exception {
        try (RootFilesystem rootfs = onBase()) {
            WrittenLayer layer = run(rootfs, "echo hi > /hello").orElseThrow();
            assertEquals(List.of("hello file 644 0:0 3"), entries(layer),
                    "no etc, whose resolv.conf and hosts the sandbox made and removed, its time given back");
            assertEquals("hi\n", content(layer, "hello"));
            assertEquals(MediaType.OCI_LAYER_GZIP, layer.mediaType());
            assertTrue(store.hasBlob(layer.descriptor()), "the layer is in the store under its digest");
            try (InputStream tar = LayerReader.uncompressed(Files.newInputStream(store.blobPath(layer.digest())))) {
                assertEquals(layer.diffId(), Digest.sha256(tar.readAllBytes()));
            }
        }
    }

    @Test
    void theLayerIsCompressedAsAskedWithItsTimesClamped() throws Exception {
        Instant clamp = Instant.parse("2010-05-06T07:08:09Z");
        try (RootFilesystem rootfs = onBase()) {
            WrittenLayer layer = rootfs.run(sandbox, shell("", "echo hi > /hello"), Map.of(), lines::add, Compression.ZSTD,
                    Optional.of(clamp), store).orElseThrow();
            assertEquals(MediaType.OCI_LAYER_ZSTD, layer.mediaType());
            try (LayerReader reader = LayerReader.open(Files.newInputStream(store.blobPath(layer.digest())))) {
                assertEquals(Compression.ZSTD, reader.compression());
                assertEquals(clamp, reader.next().mtime(), "a time after the clamp is the clamp");
            }
        }
    }

    @Test
    void aDeletedDirectoryIsOneWhiteout() throws Exception {
        try (RootFilesystem rootfs = onBase()) {
            WrittenLayer layer = run(rootfs, "rm -rf /etc/dir").orElseThrow();
            assertEquals(List.of("etc dir 755 0:0", "etc/.wh.dir file 0 0:0 0"), entries(layer),
                    "etc, whose time changed, and one whiteout for the tree");
        }
    }

    @Test
    void chmodGivesTheFileWithItsNewModeAlone() throws Exception {
        try (RootFilesystem rootfs = onBase()) {
            WrittenLayer layer = run(rootfs, "chmod +x /f").orElseThrow();
            assertEquals(List.of("f file 755 0:0 2"), entries(layer));
            assertEquals("f\n", content(layer, "f"));
            try (LayerReader reader = LayerReader.open(Files.newInputStream(store.blobPath(layer.digest())))) {
                assertEquals(BusyboxRootfs.MADE.toInstant().getEpochSecond(), reader.next().mtime().getEpochSecond(),
                        "the base's time");
            }
        }
    }

    @Test
    void aFailingCommandThrowsItsStatusAndLeavesNothing() throws Exception {
        RootFilesystem rootfs = onBase();
        RunFailedException failed = assertThrows(RunFailedException.class, () -> run(rootfs, "echo trying; exit 3"));
        assertEquals(3, failed.status());
        assertEquals("returned a non-zero code: 3", failed.getMessage());
        assertEquals(List.of("trying"), lines);
        assertEquals(List.of(), listing(work), "the directory is removed");
        assertThrows(IllegalStateException.class, () -> run(rootfs, "true"));
        assertEquals(List.of(), listing(store.root().resolve("blobs/sha256")), "no layer written");
    }

    @Test
    void eachRunsLayerHoldsItsOwnChangeAlone() throws Exception {
        try (RootFilesystem rootfs = onBase()) {
            assertEquals(List.of("a file 644 0:0 2"), entries(run(rootfs, "echo 1 > /a && touch -r /ref0 /a").orElseThrow()));
            // The same size and a time of the same second: told apart by the nanoseconds.
            WrittenLayer second = run(rootfs, "echo 2 > /a && touch -r /ref5 /a && echo new > /b").orElseThrow();
            assertEquals(List.of("a file 644 0:0 2", "b file 644 0:0 4"), entries(second));
            assertEquals("2\n", content(second, "a"));
            assertEquals(Optional.empty(), run(rootfs, "cat /a /b"), "a command that changes nothing gives no layer");
            assertEquals(List.of("2", "new"), lines);
            assertEquals(List.of("b file 755 0:0 4"), entries(run(rootfs, "chmod 755 /b").orElseThrow()));
        }
    }

    @Test
    void aLayerAppliedBetweenRunsIsNotInTheNextRunsLayer() throws Exception {
        try (RootFilesystem rootfs = onBase()) {
            assertEquals(List.of("a file 644 0:0 2"), entries(run(rootfs, "echo 1 > /a").orElseThrow()));
            byte[] copied = new TarBuilder().dir("app").file("app/conf", "conf\n").file("a", "copied\n").gzip();
            rootfs.apply(new ByteArrayInputStream(copied), TarBuilder.digest(copied));
            WrittenLayer layer = run(rootfs, "cat /app/conf /a && echo log > /app/log").orElseThrow();
            assertEquals(List.of("conf", "copied"), lines, "the command sees the copied files");
            assertEquals(List.of("app dir 755 0:0", "app/log file 644 0:0 4"), entries(layer),
                    "neither app/conf nor a, which the copy wrote");
            assertEquals(List.of(".wh.a file 0 0:0 0"), entries(run(rootfs, "rm /a").orElseThrow()));
        }
    }

    @Test
    void mountPointsTheSandboxMadeAreInNoLayer() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/etc/resolv.conf")) && Files.isRegularFile(Path.of("/etc/hosts")),
                "the host has no /etc/resolv.conf or /etc/hosts to bind");
        String uses = "ls /proc/self/fd > /dev/null && ls /dev/null && cat /etc/resolv.conf /etc/hosts > /dev/null";
        Path bare = BusyboxRootfs.make(temp.resolve("bare"), false);
        try (RootFilesystem rootfs = RootFilesystem.create(work)) {
            rootfs.apply(Files.newInputStream(layerOf(bare, Map.of(), temp.resolve("bare.tar.gz"))), "bare");
            assertEquals(List.of("out dir 755 0:0", "out/f file 644 0:0 2"),
                    entries(run(rootfs, uses + " && mkdir /out && echo x > /out/f").orElseThrow()),
                    "no proc, dev, or etc with resolv.conf and hosts, in a base without /etc");
            assertEquals(Optional.empty(), run(rootfs, uses));
        }
        try (RootFilesystem rootfs = onBase()) {
            assertEquals(List.of("etc dir 755 0:0", "etc/new file 644 0:0 2"),
                    entries(run(rootfs, uses + " && echo x > /etc/new").orElseThrow()));
            assertEquals(Optional.empty(), run(rootfs, uses));
        }
    }

    /** The layer applied to the base by a fresh unpack gives the tree the command left. */
    @Test
    void theLayerOnTheBaseGivesTheTreeTheCommandLeft() throws Exception {
        try (RootFilesystem rootfs = onBase()) {
            WrittenLayer layer = run(rootfs, "mkdir -p /new/deep && echo deep > /new/deep/file && echo changed > /f"
                    + " && chmod 600 /etc/passwd && rm -rf /etc/dir && ln -s ../f /new/link && ln /f /new/hard"
                    + " && rm -r /home/app && echo was-a-directory > /home/app && rm /bin/true && mkdir /bin/true"
                    + " && chmod 1777 /new/deep").orElseThrow();
            Path fresh = temp.resolve("fresh");
            LayerApplier applier = new LayerApplier(fresh, LayerLimits.DEFAULT, line -> { });
            try (InputStream base = Files.newInputStream(baseLayer);
                    InputStream top = Files.newInputStream(store.blobPath(layer.digest()))) {
                applier.apply("base", base);
                applier.apply(layer.digest().toString(), top);
            }
            applier.finish();
            Map<String, String> expected = shape(rootfs.root());
            assertEquals(expected, shape(fresh));
            assertTrue(expected.get("new/deep").startsWith("dir 1777 ") && expected.get("home/app").startsWith("file 644 ")
                    && expected.get("bin/true").startsWith("dir ") && !expected.containsKey("etc/dir"),
                    "the command's edits are in the trees compared: " + expected);
        }
    }

    @Test
    void asRootTheOwnersAreThoseOnDisk() throws Exception {
        Assumptions.assumeTrue(ROOT, "real owners need the tests to run as root; the rootless path is tested then");
        try (RootFilesystem rootfs = onBase()) {
            WrittenLayer layer = run(rootfs, "echo more >> /home/app/owned && touch /new /new2 && chown 5:6 /new2")
                    .orElseThrow();
            assertEquals(List.of("home dir 755 0:0", "home/app dir 755 1000:1001", "home/app/owned file 644 1000:1001 11",
                    "new file 644 0:0 0", "new2 file 644 5:6 0"), entries(layer));
            WrittenLayer app = rootfs.run(sandbox, shell("app", "echo mine > /home/app/mine"), Map.of(), lines::add,
                    Compression.GZIP, Optional.empty(), store).orElseThrow();
            assertEquals(List.of("home dir 755 0:0", "home/app dir 755 1000:1001", "home/app/mine file 644 1000:1000 5"),
                    entries(app));
        }
    }

    /**
     * A JVM of its own as {@code nobody}, owning every file it makes: a path of the base keeps the
     * owner its layer gave it, what the command made is root's; a layer then written into a
     * directory the command made read-only, before another command.
     */
    @Test
    void anOrdinaryUserGetsTheBasesOwnersAndRootsForWhatTheCommandMade() throws Exception {
        Path shared = sharedWithNobody();
        Path copy = shared.resolve("copy.tar");
        Files.write(copy, new TarBuilder().file("ro/copied", "copied\n").tar());
        Path layout = shared.resolve("layout");
        List<String> output = runAsNobody(shared, "apply:" + baseLayer,
                "run:echo more >> /home/app/owned && echo new > /made && mkdir /ro && chmod 555 /ro", "apply:" + copy,
                "run:cat /ro/copied && echo x > /ro/run");
        assertEquals(3, output.size(), output.toString());
        assertEquals("copied", output.get(1));
        assertEquals(List.of("home dir 755 0:0", "home/app dir 755 1000:1001", "home/app/owned file 644 1000:1001 11",
                "made file 644 0:0 4", "ro dir 555 0:0"), entries(layout, output.get(0)));
        assertEquals(List.of("ro dir 555 0:0", "ro/run file 644 0:0 2"), entries(layout, output.get(2)));
        assertEquals(List.of(), listing(shared.resolve("work")));
    }

    /**
     * As {@code nobody}, an image's directories their owner may not enter or list (000, 0300), each
     * holding a file: commands write into them, a layer is applied into them between the commands,
     * the layers hold them with their modes, and the directory is removed at the end.
     */
    @Test
    void anOrdinaryUserBuildsInDirectoriesItMayNotEnter() throws Exception {
        Path shared = sharedWithNobody();
        Path closed = Files.write(shared.resolve("closed.tar"), new TarBuilder().dir("z", 0).file("z/f", "f\n")
                .dir("w", 0300).file("w/g", "g\n").tar());
        Path copy = Files.write(shared.resolve("copy.tar"), new TarBuilder().file("z/copied", "z copied\n")
                .file("w/copied", "w copied\n").tar());
        Path layout = shared.resolve("layout");
        List<String> output = runAsNobody(shared, "apply:" + baseLayer, "apply:" + closed,
                "run:echo x > /z/x && echo y > /w/y", "apply:" + copy,
                "run:cat /z/f /z/copied /w/copied && echo more >> /z/x");
        assertEquals(List.of("f", "z copied", "w copied"), output.subList(1, 4));
        assertEquals(List.of("w dir 300 0:0", "w/y file 644 0:0 2", "z dir 0 0:0", "z/x file 644 0:0 2"),
                entries(layout, output.get(0)));
        assertEquals(List.of("z dir 0 0:0", "z/x file 644 0:0 7"), entries(layout, output.get(4)));
        assertEquals(List.of(), listing(shared.resolve("work")));
    }

    /**
     * A folder {@code nobody} may use, {@code shared} in the test's temporary one; the test is
     * skipped unless the tests run as root (else every test runs the rootless path) with
     * {@code setpriv}.
     */
    private Path sharedWithNobody() throws IOException {
        Assumptions.assumeTrue(ROOT, "the tests do not run as root: every test here runs the rootless path");
        String unprivileged = Unprivileged.unavailable();
        Assumptions.assumeTrue(unprivileged == null, unprivileged);
        return Unprivileged.share(Files.createDirectories(Unprivileged.share(temp).resolve("shared")));
    }

    /**
     * The steps, as {@link RootFilesystemLauncher} takes them, run as {@code nobody} on
     * {@code shared/work} into the layout {@code shared/layout}: its output's lines, once it
     * succeeded.
     */
    private static List<String> runAsNobody(Path shared, String... steps) throws Exception {
        List<String> args = new ArrayList<>(List.of(shared.resolve("work").toString(), shared.resolve("layout").toString()));
        args.addAll(List.of(steps));
        Processes.Result result = Unprivileged.run(shared.resolve("home"),
                RootFilesystemLauncher.command(shared.resolve("lib"), args.toArray(String[]::new)).toArray(String[]::new));
        List<String> output = new String(result.stdout(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, result.exitCode(), output + result.stderr());
        return output;
    }

    @Test
    void anInterruptedRunLeavesNoDirectory() throws Exception {
        RootFilesystem rootfs = onBase();
        BlockingQueue<String> output = new LinkedBlockingQueue<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                rootfs.run(sandbox, shell("", "echo started; sleep 600"), Map.of(), output::add, Compression.GZIP,
                        Optional.empty(), store);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        runner.start();
        assertEquals("started", output.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        runner.interrupt();
        runner.join(DEADLINE.toMillis());
        assertFalse(runner.isAlive(), "run returns once interrupted");
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertEquals(List.of(), listing(work));
    }

    @Test
    void aStoppedJvmLeavesNoDirectory() throws Exception {
        Path stage = temp.resolve("stage");
        Process jvm = new ProcessBuilder(RootFilesystemLauncher.command(temp.resolve("lib"), stage.toString(),
                temp.resolve("layout").toString(), "apply:" + baseLayer, "run:echo started; sleep 600"))
                .redirectErrorStream(true).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("started", assertTimeoutPreemptively(DEADLINE, output::readLine));
            assertEquals(1, listing(stage).size(), "the stage's directory while the command runs");
            jvm.destroy();
            assertTrue(jvm.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the JVM ends on SIGTERM");
            assertEquals(143, jvm.exitValue());
            assertEquals(List.of(), listing(stage));
        } finally {
            jvm.destroyForcibly();
        }
    }

    /**
     * What a {@code RUN} costs beyond the sandbox's own run, in a root filesystem of about 2,000
     * files where the command touches one: the diff and the layer written into the store.
     */
    @Test
    void aRunThatTouchesOneFileOfTwoThousandMeasuresTheDiffAndTheLayer() throws Exception {
        Path tree = BusyboxRootfs.make(temp.resolve("large"), true);
        for (int d = 0; d < 40; d++) {
            Path dir = Files.createDirectories(tree.resolve("usr/share/data/d" + d));
            for (int f = 0; f < 50; f++) {
                Files.writeString(dir.resolve("f" + f), "file " + d + "/" + f + "\n".repeat(f * 20));
            }
        }
        BusyboxRootfs.touchAll(tree);
        long files;
        try (Stream<Path> paths = Files.walk(tree)) {
            files = paths.count() - 1;
        }
        try (RootFilesystem rootfs = RootFilesystem.create(work)) {
            rootfs.apply(Files.newInputStream(layerOf(tree, Map.of(), temp.resolve("large.tar.gz"))), "large");
            assertEquals(Optional.empty(), run(rootfs, "true"), "the record taken");
            RunSpec touch = shell("", "touch /usr/share/data/d7/f7");
            List<Long> alone = new ArrayList<>();
            List<Long> whole = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                long start = System.nanoTime();
                assertEquals(0, sandbox.run(rootfs.root(), touch, lines::add));
                long between = System.nanoTime();
                WrittenLayer layer = rootfs.run(sandbox, touch, Map.of(), lines::add, Compression.GZIP, Optional.empty(), store)
                        .orElseThrow();
                long end = System.nanoTime();
                assertEquals(List.of("usr dir 755 0:0", "usr/share dir 755 0:0", "usr/share/data dir 755 0:0",
                        "usr/share/data/d7 dir 755 0:0", "usr/share/data/d7/f7 file 644 0:0 148"), entries(layer),
                        "the file, and its parents as the image has them");
                alone.add(between - start);
                whole.add(end - between);
            }
            Collections.sort(alone);
            Collections.sort(whole);
            System.out.printf("[jreg] build: RUN touching 1 of %d paths, 20 runs: sandbox alone median %.1f ms, RUN with"
                    + " its layer median %.1f ms: %.1f ms for the diff and the layer (min %.1f ms)%n", files,
                    alone.get(10) / 1e6, whole.get(10) / 1e6, (whole.get(10) - alone.get(10)) / 1e6,
                    (whole.get(0) - alone.get(0)) / 1e6);
        }
    }

    private RootFilesystem onBase() throws IOException {
        RootFilesystem rootfs = RootFilesystem.create(work);
        try (InputStream base = Files.newInputStream(baseLayer)) {
            rootfs.apply(base, "base");
        }
        return rootfs;
    }

    private Optional<WrittenLayer> run(RootFilesystem rootfs, String script) throws Exception {
        return rootfs.run(sandbox, shell("", script), Map.of(), lines::add, Compression.GZIP, Optional.empty(), store);
    }

    private static RunSpec shell(String user, String script) {
        return new RunSpec(List.of("/bin/sh", "-c", script), List.of("PATH=/bin"), "/", user, RunSpec.Network.DEFAULT);
    }

    /** A gzip'd layer of {@code tree}, times to the nanosecond, owned by 0:0 but for {@code owners} (uid, gid uid + 1). */
    private static Path layerOf(Path tree, Map<String, Integer> owners, Path file) throws IOException {
        List<SourcedEntry> entries = new ArrayList<>();
        for (SourcedEntry sourced : DirectoryScan.scan(tree, DirectoryScan.Owners.of(0, 0))) {
            LayerEntry e = sourced.entry();
            int uid = owners.getOrDefault(e.path(), 0);
            entries.add(new SourcedEntry(new LayerEntry(e.path(), e.type(), e.mode(), uid, uid == 0 ? 0 : uid + 1,
                    e.mtime(), e.size(), e.linkName(), e.xattrs(), e.devMajor(), e.devMinor()), sourced.content()));
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            LayerWriter.of(Compression.GZIP, Optional.empty()).withExactTimes().write(entries, HashingOutputStream.over(out));
        }
        return file;
    }

    private List<String> entries(WrittenLayer layer) throws IOException {
        return entries(store.blobPath(layer.digest()));
    }

    /** The entries of the layer a launcher's line ({@code layer DIGEST}) names in a layout. */
    private static List<String> entries(Path layout, String line) throws IOException {
        assertTrue(line.startsWith("layer sha256:"), line);
        return entries(layout.resolve("blobs/sha256").resolve(line.substring("layer sha256:".length())));
    }

    /** Each entry as {@code PATH TYPE MODE UID:GID [SIZE]}. */
    private static List<String> entries(Path blob) throws IOException {
        List<String> entries = new ArrayList<>();
        try (LayerReader reader = LayerReader.open(Files.newInputStream(blob))) {
            for (LayerEntry e = reader.next(); e != null; e = reader.next()) {
                entries.add(e.path() + " " + (e.type() == LayerEntry.Type.DIRECTORY ? "dir" : e.type().name().toLowerCase())
                        + " " + Integer.toOctalString(e.mode()) + " " + e.uid() + ":" + e.gid()
                        + (e.type() == LayerEntry.Type.FILE ? " " + e.size() : ""));
            }
        }
        return entries;
    }

    private String content(WrittenLayer layer, String path) throws IOException {
        try (LayerReader reader = LayerReader.open(Files.newInputStream(store.blobPath(layer.digest())))) {
            for (LayerEntry e = reader.next(); e != null; e = reader.next()) {
                if (e.path().equals(path)) {
                    return new String(reader.content().readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError(path + " is not in the layer");
    }

    /** Each path's type, permission bits, link target and content hash: what a layer carries but times and owners. */
    private static Map<String, String> shape(Path root) throws IOException {
        Map<String, String> shape = new TreeMap<>();
        TreeSnapshot.of(root).nodes().forEach((path, node) -> shape.put(path, node.type() + " "
                + Integer.toOctalString(node.mode()) + " " + node.link() + " " + node.sha256()));
        return shape;
    }

    private static List<String> listing(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    private static String uidOf(Path path) {
        try {
            return Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS).toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
