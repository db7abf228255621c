package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layer.ChangesetLayers;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.Processes;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages;
import dev.jreg.testing.TreeSnapshot;
import dev.jreg.testing.Unprivileged;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jreg export} and {@code jreg squash} on images of the local store and of layouts: the
 * export of an image and of its squash are the same archive, byte for byte; the export is the tree
 * umoci unpacks; a squash keeps the config and the manifest's format and collapses the history, the
 * same digest every run with a timestamp, and pushes like any image; bad input is one line, its
 * exit code, and nothing written.
 */
class ExportSquashTest {
    static final Platform AMD64 = Platform.of("linux", "amd64", null);
    static final String APP = "localhost/app:1";

    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path work;

    /** {@link ChangesetLayers}' three layers, as {@value #APP} in the store. */
    @BeforeEach
    void storeImage() throws IOException {
        TestImages.writeImage(OciLayout.open(store), Reference.parse(APP), AMD64, ChangesetLayers.image());
    }

    Cli cli() {
        return new Cli(home, store);
    }

    Cli.Result ok(String... args) {
        return cli().ok(args);
    }

    byte[] export(String image) throws IOException {
        Path file = work.resolve("export-" + System.nanoTime() + ".tar");
        Cli.Result result = ok("export", "-o", file.toString(), image);
        assertEquals("", result.out() + result.err(), "export prints nothing");
        return Files.readAllBytes(file);
    }

    @Test
    void theExportOfAnImageIsTheExportOfItsSquashByteForByte() throws Exception {
        byte[] image = export(APP);
        Cli.Result squash = ok("squash", APP, "localhost/app:flat");
        Digest id = Digest.parse(squash.lastLine());
        assertEquals("Squashed 3 layers into one of " + squashedSize("localhost/app:flat") + ": localhost/app:flat\n",
                squash.err());
        assertArrayEquals(image, export("localhost/app:flat"));
        assertEquals(id.toString(), ok("images", "-q", "--no-trunc", "localhost/app:flat").out().strip());

        ok("squash", "--compression", "zstd", APP, "localhost/app:zstd");
        ImageManifest zstd = manifest("localhost/app:zstd");
        assertEquals(MediaType.OCI_LAYER_ZSTD, zstd.layers().get(0).mediaType());
        assertArrayEquals(image, export("localhost/app:zstd"));

        List<String> names = entryNames(image);
        assertTrue(names.stream().noneMatch(n -> n.contains(".wh.")), names::toString);
        assertEquals(names.stream().sorted(this::pathOrder).toList(), names, "entries in path order");
    }

    @Test
    void standardOutputGetsTheSameArchive() throws Exception {
        assertArrayEquals(export(APP), ok("export", APP).bytes());
        assertArrayEquals(export(APP), ok("export", "-o", "-", "local:" + APP).bytes());
    }

    @Test
    void theExportIsTheTreeUmociUnpacks() throws Exception {
        String unprivileged = Unprivileged.unavailable();
        Assumptions.assumeTrue(unprivileged == null, unprivileged);
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/umoci"))
                || "1".equals(System.getenv("JREG_REQUIRE_INTEGRATION")), "umoci is not installed (scripts/test installs it)");
        Path shared = Unprivileged.share(Files.createDirectories(Unprivileged.share(work).resolve("shared")));
        Path layout = shared.resolve("layout");
        ok("copy", "local:" + APP, "oci:" + layout + ":app");
        Path bundle = shared.resolve("bundle");
        Unprivileged.run(work.resolve("peer-home"), "umoci", "unpack", "--rootless", "--image", layout + ":app",
                bundle.toString()).assertOk(List.of("umoci", "unpack"));

        Path archive = work.resolve("rootfs.tar");
        ok("export", "-o", archive.toString(), "oci:" + layout + ":app");
        Path extracted = Files.createDirectories(work.resolve("extracted"));
        List<String> tar = List.of("tar", "--no-same-owner", "--preserve-permissions", "-xf", archive.toString(), "-C",
                extracted.toString());
        Processes.run(tar, Duration.ofMinutes(1)).assertOk(tar);

        TreeSnapshot umoci = TreeSnapshot.of(bundle.resolve("rootfs")).files();
        TreeSnapshot exported = TreeSnapshot.of(extracted).files();
        assertTrue(exported.nodes().size() > 30, exported.nodes()::toString);
        assertEquals("", exported.differences(umoci), "paths where the export (left) and umoci (right) differ");
    }

    @Test
    void aDockerImageSquashedStaysDockerWithItsConfigKeptButTheLayersAndHistory() throws Exception {
        ObjectNode config = (ObjectNode) Json.parse("""
                {"architecture":"amd64","os":"linux","created":"2024-01-02T03:04:05Z","docker_version":"24.0.7",
                 "config":{"Env":["PATH=/bin"],"Cmd":["/bin/sh"],"Hostname":"abc","Labels":{"a":"b"}},
                 "container_config":{"Cmd":["/bin/sh","-c","#(nop) CMD"]},
                 "rootfs":{"type":"layers","diff_ids":[]},
                 "history":[{"created_by":"ADD base"},{"created_by":"RUN x","empty_layer":true},{"created_by":"RUN y"},
                            {"created_by":"RUN z"}]}""");
        List<TestImages.Layer> layers = ChangesetLayers.image();
        diffIds(config, layers);
        ManifestBlob source = storeDocker(Reference.parse("localhost/docker:1"), config, layers);

        Cli.Result squash = ok("squash", "--timestamp", "1700000000", "localhost/docker:1", "localhost/docker:flat");
        ImageManifest squashed = manifest("localhost/docker:flat");
        assertEquals(MediaType.DOCKER_MANIFEST, squashed.mediaType());
        assertEquals(MediaType.DOCKER_CONFIG, squashed.config().mediaType());
        assertEquals(List.of(MediaType.DOCKER_LAYER_GZIP), squashed.layers().stream().map(Descriptor::mediaType).toList());
        assertEquals(squashed.config().digest().toString(), squash.lastLine());

        JsonNode written = Json.parse(OciLayout.open(store).readBlob(squashed.config().digest(), 1 << 20));
        Path layer = OciLayout.open(store).blobPath(squashed.layers().get(0).digest());
        Digest diffId;
        try (var in = new GZIPInputStream(Files.newInputStream(layer))) {
            diffId = Digest.sha256(in.readAllBytes());
        }
        assertEquals(Json.parse("[\"" + diffId + "\"]"), written.path("rootfs").path("diff_ids"));
        assertEquals(Json.parse("""
                [{"created":"2023-11-14T22:13:20Z","created_by":"jreg squash",
                  "comment":"3 layers of %s squashed into one"}]""".formatted(source.digest())), written.path("history"));
        ObjectNode rest = ((ObjectNode) written).deepCopy();
        ObjectNode before = config.deepCopy();
        for (ObjectNode node : List.of(rest, before)) {
            node.remove("history");
            ((ObjectNode) node.path("rootfs")).remove("diff_ids");
        }
        assertEquals(before, rest, "every other field of the config is kept");

        Cli.Result zstd = cli().run("squash", "--compression", "zstd", "localhost/docker:1", "localhost/docker:zstd");
        assertEquals(2, zstd.exitCode(), zstd::toString);
        assertEquals("jreg: local:localhost/docker:1 is a Docker schema 2 image, which cannot hold a zstd"
                + " layer; squash it with gzip, or copy it with --format oci first\n", zstd.err());
        assertFalse(LocalStore.open(store).lookup(Reference.parse("localhost/docker:zstd")).isPresent());
    }

    /**
     * A squashed image is an image like any other: pushed to a real registry by {@code jreg push},
     * copied out of it by skopeo, inspected with one layer and the one history step, and exported
     * as the image it came from.
     */
    @Test
    @ExtendWith(RealRegistryCondition.class)
    void aSquashedImagePushesAndSkopeoCopiesIt() throws Exception {
        try (DistributionRegistry registry = DistributionRegistry.open(work.resolve("registry"))) {
            Cli cli = cli();
            String name = registry.hostPort() + "/flat/app:1";
            String id = cli.ok("squash", APP, name).lastLine();
            cli.ok("push", name);

            Path copied = work.resolve("copied");
            Skopeo.copy("docker://" + name, "oci:" + copied + ":app");
            OciLayout layout = OciLayout.open(copied);
            ManifestBlob manifest = layout.readManifest(layout.lookup("app").orElseThrow());
            ImageManifest image = (ImageManifest) manifest.manifest();
            assertEquals(1, image.layers().size(), manifest::toString);
            assertEquals(MediaType.OCI_LAYER_GZIP, image.layers().get(0).mediaType());
            assertEquals(id, image.config().digest().toString(), "skopeo keeps the config as pushed");

            JsonNode inspect = Json.parse(cli.ok("inspect", "--format", "json", name).out());
            JsonNode layers = inspect.path("image").path("layers");
            JsonNode history = inspect.path("image").path("history");
            assertEquals(1, layers.size(), inspect::toString);
            assertEquals(1, history.size(), inspect::toString);
            assertEquals("jreg squash", history.get(0).path("createdBy").asText());
            assertTrue(history.get(0).path("comment").asText().startsWith("3 layers of sha256:"), history::toString);
            assertEquals(layers.get(0).path("digest"), history.get(0).path("layer"));
            String table = cli.ok("inspect", name).out();
            assertTrue(table.contains("jreg squash"), table);

            Path fromRegistry = work.resolve("from-registry.tar");
            Path original = work.resolve("original.tar");
            cli.ok("export", "-o", fromRegistry.toString(), "oci:" + copied + ":app");
            cli.ok("export", "-o", original.toString(), APP);
            assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(fromRegistry));
        }
    }

    @Test
    void aTimestampOrSourceDateEpochGivesTheSameImageEveryRun() throws Exception {
        String first = ok("squash", "--timestamp", "1700000000", APP, "localhost/app:r1").lastLine();
        String second = cli().env("SOURCE_DATE_EPOCH", "1700000000").ok("squash", APP, "localhost/app:r2").lastLine();
        assertEquals(first, second);
        Instant clamp = Instant.ofEpochSecond(1_700_000_000);
        for (TarArchiveEntry entry : entries(export("localhost/app:r1"))) {
            assertFalse(entry.getLastModifiedTime().toInstant().isAfter(clamp), entry.getName());
        }
        String unclamped = ok("squash", APP, "localhost/app:now").lastLine();
        assertNotEquals(first, unclamped, "the history step is dated now");
    }

    @Test
    void anIndexGivesThePlatformAskedForElseThisMachines() throws Exception {
        TestImages.writeAmd64AndArm64(OciLayout.open(store), Reference.parse("localhost/multi:1"), 100);
        assertEquals(List.of("data/", "data/file-2"), entryNames(ok("export", "--platform", "linux/arm64",
                "localhost/multi:1").bytes()));
        Assumptions.assumeTrue(Platform.host().architecture().equals("amd64"), "this machine is not amd64");
        assertEquals(List.of("data/", "data/file-1"), entryNames(ok("export", "localhost/multi:1").bytes()));
    }

    @Test
    void aNameTheStoreLacksIsNotFound() throws Exception {
        Cli.Result export = cli().run("export", "-o", work.resolve("x.tar").toString(), "nothere:1");
        assertEquals(3, export.exitCode(), export::toString);
        assertEquals("jreg: no such image in the local store: nothere:1\n", export.err());
        Cli.Result squash = cli().run("squash", "nothere:1", "other:1");
        assertEquals(3, squash.exitCode(), squash::toString);
        assertEquals(List.of(), listing(work));
        assertFalse(LocalStore.open(store).lookup(Reference.parse("other:1")).isPresent());
    }

    @Test
    void aTerminalIsRefusedAsDockerRefusesIt() {
        Cli.Result result = cli().stdoutTerminal().run("export", APP);
        assertEquals(2, result.exitCode(), result::toString);
        assertEquals("jreg: refusing to write an archive to a terminal; use -o FILE or redirect stdout\n",
                result.err());
        assertTrue(result.err().length() <= 81, "one line of at most 80 columns");
        assertEquals("", result.out());
        assertEquals(0, cli().stdoutTerminal().run("export", "-o", work.resolve("t.tar").toString(), APP).exitCode());
    }

    /** export and save take -o alike: a missing directory, a directory or "" is bad input, exit 2. */
    @Test
    void aMissingDirectoryOrADirectoryForTheOutputIsOneLine() throws Exception {
        for (String command : List.of("export", "save")) {
            Path missing = work.resolve("no/such/dir/x.tar");
            Cli.Result result = cli().run(command, "-o", missing.toString(), APP);
            assertEquals(2, result.exitCode(), result::toString);
            assertEquals("jreg: cannot write " + missing + ": no such directory " + missing.getParent() + "\n",
                    result.err());
            assertEquals(List.of(), listing(work));
            Cli.Result directory = cli().run(command, "-o", work.toString(), APP);
            assertEquals(2, directory.exitCode(), directory::toString);
            assertEquals("jreg: cannot write " + work + ": it is a directory\n", directory.err());
            Cli.Result empty = cli().run(command, "-o", "", APP);
            assertEquals(2, empty.exitCode(), empty::toString);
            assertEquals("jreg: -o is \"\": name the file to write (- for stdout)\n", empty.err());
            assertEquals(List.of(), listing(work));
        }
    }

    /**
     * Where only a name in the store is taken (a new image's name, or save's images), a layout's
     * {@code oci:} is one line saying so, never a reference's "invalid registry host", and nothing
     * is written; {@code local:NAME} is that name.
     */
    @Test
    void aLayoutWhereOnlyAStoreNameIsTakenIsOneLine() throws Exception {
        String layout = "oci:" + work + ":sq";
        for (String[] args : List.of(new String[] {"squash", APP, layout},
                new String[] {"commit", "--base", APP, "-c", "ENV A=1", layout})) {
            Cli.Result result = cli().run(args);
            assertEquals(2, result.exitCode(), result::toString);
            assertEquals("jreg: NEWNAME is a name in the local store, not " + layout + "; jreg copy writes to a layout"
                    + " or registry\n", result.err());
        }
        Cli.Result save = cli().run("save", "-o", work.resolve("x.tar").toString(), layout);
        assertEquals(2, save.exitCode(), save::toString);
        assertEquals("jreg: IMAGE is a name in the local store, not " + layout + "; jreg copy writes to a layout or"
                + " registry\n", save.err());
        assertEquals(List.of(), listing(work));

        ok("squash", APP, "local:sq:1");
        assertTrue(LocalStore.open(store).lookup(Reference.parse("sq:1")).isPresent());
        ok("save", "-o", work.resolve("sq.tar").toString(), "local:sq:1");
    }

    /**
     * A directory jreg may not write in is said of the file asked for, not of the hidden temp file
     * written beside it (sysfs refuses a new file even to root).
     */
    @Test
    void aRefusedFileIsNamedAsGiven() {
        assumeTrue(Files.isDirectory(Path.of("/sys/fs")), "no /sys");
        for (String command : List.of("export", "save")) {
            Cli.Result result = cli().run(command, "-o", "/sys/fs/x.tar", APP);
            assertEquals(1, result.exitCode(), result::toString);
            assertEquals("jreg: permission denied: /sys/fs/x.tar\n", result.err());
        }
    }

    @Test
    void aRefusedLayerLeavesTheOldFileAndNoName() throws Exception {
        TestImages.Layer hostile = TestImages.layerOf(tarOf("../escape"), true);
        TestImages.writeImage(OciLayout.open(store), Reference.parse("localhost/bad:1"), AMD64,
                List.of(ChangesetLayers.image().get(0), hostile));
        Path file = work.resolve("out.tar");
        Files.writeString(file, "old");
        Cli.Result export = cli().run("export", "-o", file.toString(), "localhost/bad:1");
        assertEquals(7, export.exitCode(), export::toString);
        assertEquals("jreg: layer " + hostile.descriptor().digest() + ": entry \"../escape\" leaves the target directory\n",
                export.err());
        assertEquals("old", Files.readString(file));
        assertEquals(List.of("out.tar"), listing(work), "no temp file is left");

        Cli.Result squash = cli().run("squash", "localhost/bad:1", "localhost/bad:flat");
        assertEquals(7, squash.exitCode(), squash::toString);
        assertFalse(LocalStore.open(store).lookup(Reference.parse("localhost/bad:flat")).isPresent());
        assertEquals(List.of(), listing(store.resolve("ingest")), "no temp file is left in the store");
    }

    /**
     * Names in the store an image of one gzip layer: a file {@code first}, then {@code zeros} of
     * that many MiB of zeros, gzip'd as they are written (a thousandth of it in memory).
     *
     * @return the layer's digest
     */
    static Digest storeZeros(Path store, String name, int mebibytes) throws IOException {
        var gzip = new java.io.ByteArrayOutputStream();
        var tarHash = Digest.sha256(new byte[0]).newHasher();
        try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(new java.security.DigestOutputStream(
                new java.util.zip.GZIPOutputStream(gzip), tarHash))) {
            TarArchiveEntry first = new TarArchiveEntry("first");
            first.setSize(5);
            out.putArchiveEntry(first);
            out.write("first".getBytes(StandardCharsets.UTF_8));
            out.closeArchiveEntry();
            TarArchiveEntry entry = new TarArchiveEntry("zeros");
            entry.setSize((long) mebibytes << 20);
            out.putArchiveEntry(entry);
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < mebibytes; i++) {
                out.write(zeros);
            }
            out.closeArchiveEntry();
        }
        byte[] blob = gzip.toByteArray();
        Descriptor layer = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(blob), blob.length);
        TestImages.writeImage(OciLayout.open(store), Reference.parse(name), AMD64, List.of(
                new TestImages.Layer(blob, layer, Digest.sha256(new byte[0]).withHash(tarHash.digest()))));
        return layer.digest();
    }

    /**
     * JREG_MAX_UNPACK_BYTES and JREG_MAX_UNPACK_ENTRIES hold export, squash and unpack alike: a
     * layer past them is refused at the header past the limit, named, the limit in binary units;
     * nothing is left. A value that is no size or number is one line, exit 2.
     */
    @Test
    void unpackLimitsFromTheEnvironmentRefuseABombNamingItsLayer() throws Exception {
        Digest bomb = storeZeros(store, "localhost/zeros:1", 3);
        String tooBig = "jreg: layer " + bomb + ": the layers' files hold more than 1.5MiB, the limit of an unpack\n";
        Path file = work.resolve("out.tar");
        Cli limited = cli().env("JREG_MAX_UNPACK_BYTES", "1.5MiB");
        for (List<String> args : List.of(List.of("export", "-o", file.toString(), "localhost/zeros:1"),
                List.of("squash", "localhost/zeros:1", "localhost/zeros:flat"),
                List.of("unpack", "localhost/zeros:1", work.resolve("rootfs").toString()))) {
            Cli.Result refused = limited.run(args.toArray(String[]::new));
            assertEquals(7, refused.exitCode(), refused::toString);
            assertEquals(tooBig, refused.err());
        }
        assertEquals(List.of(), listing(work), "no file, no temp file, no directory");
        assertFalse(LocalStore.open(store).lookup(Reference.parse("localhost/zeros:flat")).isPresent());
        cli().env("JREG_MAX_UNPACK_BYTES", "4MiB").ok("export", "-o", file.toString(), "localhost/zeros:1");

        Cli.Result entries = cli().env("JREG_MAX_UNPACK_ENTRIES", "1").run("export", "-o", file.toString(),
                "localhost/zeros:1");
        assertEquals(7, entries.exitCode(), entries::toString);
        assertEquals("jreg: layer " + bomb + ": the layers hold more than 1 entries, the limit of an unpack\n",
                entries.err());
        Cli.Result bad = cli().env("JREG_MAX_UNPACK_BYTES", "lots").run("export", "-o", file.toString(), APP);
        assertEquals(2, bad.exitCode(), bad::toString);
        assertEquals("jreg: JREG_MAX_UNPACK_BYTES takes a size (10GiB, 512MB, 1048576), not \"lots\"\n", bad.err());
        Cli.Result none = cli().env("JREG_MAX_UNPACK_ENTRIES", "0").run("unpack", APP, work.resolve("r").toString());
        assertEquals(2, none.exitCode(), none::toString);
        assertEquals("jreg: JREG_MAX_UNPACK_ENTRIES takes a number of entries of at least 1, not \"0\"\n", none.err());
    }

    /** Ctrl-C while the archive is being made: exit 130 and no temp file beside where it was going. */
    @Test
    void anExportStoppedLeavesNoTempFile() throws Exception {
        storeZeros(store, "localhost/zeros:1", 512);
        Path out = Files.createDirectories(work.resolve("out"));
        Process export = dev.jreg.testing.JregProcess.start(Map.of("JREG_HOME", store.toString(), "HOME", home.toString()),
                work.resolve("export.log"), "export", "-o", out.resolve("zeros.tar").toString(), "localhost/zeros:1");
        StoppedPullTest.await("the temp file", () -> !listing(out).isEmpty() || !export.isAlive(),
                () -> export.waitFor(10, java.util.concurrent.TimeUnit.MILLISECONDS));
        assertTrue(export.isAlive(), () -> "the export is under way: " + read(work.resolve("export.log")));
        assertTrue(listing(out).get(0).startsWith(".zeros.tar."), listing(out)::toString);

        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(export.pid())).start().waitFor());
        assertTrue(export.waitFor(1, java.util.concurrent.TimeUnit.MINUTES));
        assertEquals(130, export.exitValue(), read(work.resolve("export.log")));
        assertEquals(List.of(), listing(out));
    }

    @Test
    void otherBadInputIsOneLineAndExit2() {
        assertRefused("jreg: localhost:1/x:latest is an image of a registry; pull it into the local store first\n",
                "export", "docker://localhost:1/x");
        assertRefused("jreg: a squashed image is named by a tag, not a digest: localhost/app@sha256:" + "0".repeat(64)
                + "\n", "squash", APP, "localhost/app@sha256:" + "0".repeat(64));
        assertRefused("jreg: --compression must be gzip or zstd, not \"xz\"\n", "squash", "--compression", "xz", APP,
                "x:1");
        Cli.Result epoch = cli().env("SOURCE_DATE_EPOCH", "yesterday").run("squash", APP, "x:1");
        assertEquals("jreg: SOURCE_DATE_EPOCH takes seconds since the epoch or an RFC 3339 time (2024-01-02T03:04:05Z),"
                + " not \"yesterday\"\n", epoch.err());
    }

    private void assertRefused(String message, String... args) {
        Cli.Result result = cli().run(args);
        assertEquals(2, result.exitCode(), result::toString);
        assertEquals(message, result.err());
    }

    /** A Docker schema 2 image of these layers and this config, named in the store. */
    private ManifestBlob storeDocker(Reference name, ObjectNode config, List<TestImages.Layer> layers) throws IOException {
        OciLayout layout = OciLayout.open(store);
        byte[] configBytes = Json.bytes(config);
        Descriptor configDescriptor = Descriptor.of(MediaType.DOCKER_CONFIG, Digest.sha256(configBytes), configBytes.length);
        layout.putBlob(configDescriptor, () -> new ByteArrayInputStream(configBytes));
        List<Descriptor> descriptors = new ArrayList<>();
        for (TestImages.Layer layer : layers) {
            Descriptor docker = Descriptor.of(layer.descriptor().mediaType().equals(MediaType.OCI_LAYER_GZIP)
                    ? MediaType.DOCKER_LAYER_GZIP : MediaType.of("application/vnd.docker.image.rootfs.diff.tar"),
                    layer.descriptor().digest(), layer.descriptor().size());
            layout.putBlob(docker, () -> new ByteArrayInputStream(layer.bytes()));
            descriptors.add(docker);
        }
        ManifestBlob manifest = ManifestBlob.create(new ImageManifest(2, MediaType.DOCKER_MANIFEST, null, configDescriptor,
                descriptors, null, null));
        layout.putBytes(manifest.digest(), manifest.bytes());
        layout.setName(name.toString(), manifest.descriptor());
        return manifest;
    }

    /** Fills a config's {@code rootfs.diff_ids} with the layers'. */
    private static void diffIds(ObjectNode config, List<TestImages.Layer> layers) {
        var ids = ((ObjectNode) config.path("rootfs")).putArray("diff_ids");
        layers.forEach(layer -> ids.add(layer.diffId().toString()));
    }

    private ImageManifest manifest(String name) throws IOException {
        LocalStore local = LocalStore.open(store);
        return (ImageManifest) local.readManifest(local.lookup(Reference.parse(name)).orElseThrow()).manifest();
    }

    private String squashedSize(String name) throws IOException {
        return Sizes.human(manifest(name).layers().get(0).size());
    }

    private static byte[] tarOf(String name) throws IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
            TarArchiveEntry entry = new TarArchiveEntry(name, true);
            entry.setSize(1);
            tar.putArchiveEntry(entry);
            tar.write('x');
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    static List<TarArchiveEntry> entries(byte[] tar) throws IOException {
        List<TarArchiveEntry> entries = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar),
                StandardCharsets.UTF_8.name())) {
            for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries.add(entry);
            }
        }
        return entries;
    }

    static List<String> entryNames(byte[] tar) throws IOException {
        return entries(tar).stream().map(TarArchiveEntry::getName).toList();
    }

    private int pathOrder(String a, String b) {
        return dev.jreg.internal.layer.LayerEntry.PATH_ORDER.compare(strip(a), strip(b));
    }

    private static String strip(String name) {
        return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    }

    /** The names in a directory, sorted; none for a directory that does not exist. */
    private static List<String> listing(Path dir) {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException missing) {
            return List.of();
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
