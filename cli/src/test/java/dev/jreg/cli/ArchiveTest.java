package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageConfig;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.TestImages;
import dev.jreg.testing.TestImages.Layer;
import dev.jreg.testing.TestJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code save} and {@code load} without peers: docker's archive shape, byte for byte the same for
 * the same images; a round trip that keeps names, digests and image IDs; docker 24's archives, and
 * compressed ones; an index, whole or one platform; images without a name; and every bad input one
 * line, its exit code, nothing named.
 */
class ArchiveTest {
    static final Platform AMD64 = Platform.of("linux", "amd64", null);

    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path dir;
    Layer base;

    @BeforeEach
    void layers() throws Exception {
        base = TestImages.layer(1, 40_000);
    }

    Cli jreg() {
        return new Cli(home, store);
    }

    Cli.Result ok(String... args) {
        return jreg().ok(args);
    }

    /** A store of its own, for the receiving side. */
    Cli other(String name) {
        return new Cli(home, dir.resolve(name));
    }

    ManifestBlob image(String name, Layer... layers) throws Exception {
        return TestImages.writeImage(OciLayout.open(store), Reference.parse(name), AMD64, List.of(layers));
    }

    static Digest configOf(ManifestBlob manifest) {
        return ((ImageManifest) manifest.manifest()).config().digest();
    }

    /** What {@code images} says of each image: name, ID and digest. */
    static String listing(Cli cli) {
        return cli.ok("images", "--no-trunc", "--format", "{{.Repository}}:{{.Tag}} {{.ID}} {{.Digest}}").out();
    }

    static List<String> names(List<TarFiles.Entry> entries) {
        return entries.stream().map(TarFiles.Entry::name).toList();
    }

    @Test
    void aRoundTripKeepsNamesDigestsAndImageIdsAndHoldsASharedLayerOnce() throws Exception {
        ManifestBlob a = image("nginx:1.24.0", base, TestImages.layer(2, 20_000));
        ManifestBlob b = image("localhost:5000/app/b:2", base, TestImages.layer(3, 30_000));
        String before = listing(jreg());
        Path archive = dir.resolve("two.tar");
        assertEquals("", ok("save", "-o", archive.toString(), "nginx:1.24.0", "localhost:5000/app/b:2").out());
        List<TarFiles.Entry> entries = TarFiles.read(archive);
        assertEquals(1, names(entries).stream().filter(("blobs/sha256/" + base.descriptor().digest().hex())::equals)
                .count(), "the shared layer once: " + names(entries));
        // Two folders, two manifests, two configs, three layers, four JSON files.
        assertEquals(2 + 2 + 2 + 3 + 4, entries.size(), names(entries)::toString);

        ok("rm", "nginx:1.24.0", "localhost:5000/app/b:2");
        ok("prune");
        try (Stream<Path> left = Files.list(store.resolve("blobs/sha256"))) {
            assertEquals(0, left.count(), "the store is empty before the load");
        }
        Cli.Result loaded = ok("load", "-i", archive.toString());
        assertEquals("Loaded image: nginx:1.24.0\nLoaded image: localhost:5000/app/b:2\n", loaded.out());
        assertEquals("Stored 7 blobs (" + Sizes.human(sizeOfBlobs(entries)) + "); 0 already in the local store\n",
                loaded.err());
        assertEquals(before, listing(jreg()), "same names, image IDs and digests");
        assertTrue(listing(jreg()).contains(configOf(a) + " " + a.digest()), listing(jreg()));
        assertTrue(listing(jreg()).contains(configOf(b) + " " + b.digest()), listing(jreg()));
        assertEquals("Checked 7 blobs: store is clean\n", ok("verify").out());

        Cli.Result again = ok("load", "-q", "-i", archive.toString());
        assertEquals("", again.err(), "-q leaves the summary out");
        assertEquals(loaded.out(), again.out());
    }

    static long sizeOfBlobs(List<TarFiles.Entry> entries) {
        return entries.stream().filter(e -> e.name().startsWith("blobs/sha256/") && !e.name().endsWith("/"))
                .mapToLong(e -> e.content().length).sum();
    }

    @Test
    void theArchiveHasDockersShapeAndTheSameImagesGiveTheSameBytes() throws Exception {
        Layer top = TestImages.layer(2, 20_000);
        ManifestBlob a = image("nginx:1.24.0", base, top);
        Cli.Result first = ok("save", "nginx:1.24.0");
        Cli.Result second = ok("save", "-o", "-", "nginx:1.24.0");
        assertArrayEquals(first.bytes(), second.bytes(), "the same images, the same bytes");
        List<TarFiles.Entry> entries = TarFiles.read(first.bytes());
        String config = "blobs/sha256/" + configOf(a).hex();
        List<String> layers = List.of("blobs/sha256/" + base.descriptor().digest().hex(),
                "blobs/sha256/" + top.descriptor().digest().hex());
        List<String> expected = new ArrayList<>(List.of("blobs/", "blobs/sha256/", config, "blobs/sha256/"
                + a.digest().hex(), "index.json", "manifest.json", "oci-layout", "repositories"));
        expected.addAll(layers);
        assertEquals(expected.stream().sorted().toList(), names(entries), "every file once, in the order of their names");
        for (TarFiles.Entry entry : entries) {
            assertEquals(0, entry.header().getModTime().getTime(), entry.name());
            assertEquals(0, entry.header().getLongUserId(), entry.name());
            assertEquals(0, entry.header().getLongGroupId(), entry.name());
            assertEquals("", entry.header().getUserName(), entry.name());
            assertEquals("", entry.header().getGroupName(), entry.name());
            int mode = entry.name().endsWith("/") ? 0755 : entry.name().startsWith("blobs/")
                    || entry.name().equals("oci-layout") ? 0444 : 0644;
            assertEquals(mode, entry.header().getMode() & 07777, entry.name());
        }
        assertArrayEquals(a.bytes(), TarFiles.get(entries, "blobs/sha256/" + a.digest().hex()).content());
        assertArrayEquals(base.bytes(), TarFiles.get(entries, layers.get(0)).content(), "layers as they are stored");

        assertEquals("[{\"Config\":\"" + config + "\",\"RepoTags\":[\"nginx:1.24.0\"],\"Layers\":[\"" + layers.get(0)
                + "\",\"" + layers.get(1) + "\"]}]\n", TarFiles.get(entries, "manifest.json").text(),
                "moby's manifest.json: its fields in its order, the name in docker's short form");
        assertEquals("{\"nginx\":{\"1.24.0\":\"" + top.diffId().hex() + "\"}}\n",
                TarFiles.get(entries, "repositories").text(), "the top layer's diff ID, as moby writes it");
        assertEquals("{\"imageLayoutVersion\":\"1.0.0\"}", TarFiles.get(entries, "oci-layout").text());
        ImageIndex index = ImageIndex.fromJson(Json.parse(TarFiles.get(entries, "index.json").content()));
        assertEquals(MediaType.OCI_INDEX, index.mediaType());
        assertEquals(1, index.manifests().size());
        Descriptor entry = index.manifests().get(0);
        assertEquals(a.descriptor().digest(), entry.digest());
        assertEquals(Map.of("io.containerd.image.name", "docker.io/library/nginx:1.24.0",
                "org.opencontainers.image.ref.name", "1.24.0"), entry.annotations());

        List<TarFiles.Entry> oci = TarFiles.read(ok("save", "--format", "oci", "nginx:1.24.0").bytes());
        List<String> ociNames = new ArrayList<>(names(entries));
        ociNames.removeAll(List.of("manifest.json", "repositories"));
        assertEquals(ociNames, names(oci), "an OCI archive: the layout alone");
        assertArrayEquals(TarFiles.get(entries, "index.json").content(), TarFiles.get(oci, "index.json").content());
    }

    @Test
    void aRepositoryAloneSavesEveryTagAndADigestOrImageIdSavesTheImageWithoutAName() throws Exception {
        ManifestBlob one = image("example.com/app:1", base);
        image("example.com/app:2", base, TestImages.layer(2, 1000));
        image("example.com/other:1", TestImages.layer(3, 1000));
        List<TarFiles.Entry> repository = TarFiles.read(ok("save", "example.com/app").bytes());
        JsonNode items = Json.parse(TarFiles.get(repository, "manifest.json").content());
        assertEquals("[[\"example.com/app:1\"],[\"example.com/app:2\"]]", Json.write(Json.array()
                .add(items.get(0).get("RepoTags")).add(items.get(1).get("RepoTags"))));

        String id = configOf(one).shortHex();
        List<TarFiles.Entry> byId = TarFiles.read(ok("save", id).bytes());
        JsonNode item = Json.parse(TarFiles.get(byId, "manifest.json").content()).get(0);
        assertTrue(item.get("RepoTags").isNull(), "docker writes null RepoTags: " + item);
        assertFalse(TarFiles.get(byId, "index.json").text().contains("annotations"), "no name in index.json");
        assertFalse(names(byId).contains("repositories"), "no name, no repositories");

        Cli elsewhere = other("unnamed");
        Path archive = Files.write(dir.resolve("id.tar"), ok("save", id).bytes());
        assertEquals("Loaded image ID: " + configOf(one) + "\n", elsewhere.ok("load", "-i", archive.toString()).out());
        assertEquals("<none>:<none> " + configOf(one) + " " + one.digest() + "\n", listing(elsewhere));
        assertEquals("", elsewhere.ok("images", "--filter", "dangling=false", "-q").out());
        elsewhere.ok("tag", id, "example.com/named:1");
        assertEquals("example.com/named:1 " + configOf(one) + " " + one.digest() + "\n", listing(elsewhere),
                "named, it is no longer an image without a name");
        elsewhere.ok("load", "-i", archive.toString());
        assertEquals(1, LocalStore.open(dir.resolve("unnamed")).names().size(), "a name holds it: no entry without one");
        elsewhere.ok("rm", "example.com/named:1");
        elsewhere.ok("load", "-i", archive.toString());
        Cli.Result removed = elsewhere.ok("rm", id);
        assertTrue(removed.out().startsWith("Deleted: "), removed::toString);
        assertEquals("", listing(elsewhere));
        assertEquals(List.of(), LocalStore.open(dir.resolve("unnamed")).names());
    }

    @Test
    void anIndexIsSavedWholeWithThisMachinesImageInManifestJsonOrOnePlatformAlone() throws Exception {
        Platform host = Platform.host();
        Platform foreign = Platform.of("linux", host.architecture().equals("riscv64") ? "s390x" : "riscv64", null);
        Map<Platform, List<Layer>> platforms = new LinkedHashMap<>();
        platforms.put(foreign, List.of(TestImages.layer(5, 1000)));
        platforms.put(host, List.of(TestImages.layer(6, 1000)));
        ManifestBlob index = TestImages.writeIndex(OciLayout.open(store), Reference.parse("example.com/multi:1"), platforms);
        List<Descriptor> children = ((ImageIndex) index.manifest()).manifests();
        LocalStore local = LocalStore.open(store);
        ImageManifest hostImage = (ImageManifest) local.readManifest(children.get(1)).manifest();
        ImageManifest foreignImage = (ImageManifest) local.readManifest(children.get(0)).manifest();

        Path whole = Files.write(dir.resolve("whole.tar"), ok("save", "example.com/multi:1").bytes());
        List<TarFiles.Entry> entries = TarFiles.read(whole);
        assertTrue(names(entries).contains("blobs/sha256/" + children.get(0).digest().hex()), "every platform");
        assertEquals(index.digest(), ImageIndex.fromJson(Json.parse(TarFiles.get(entries, "index.json").content()))
                .manifests().get(0).digest(), "index.json names the index");
        assertEquals("blobs/sha256/" + hostImage.config().digest().hex(),
                Json.parse(TarFiles.get(entries, "manifest.json").content()).get(0).get("Config").asText(),
                "manifest.json names this machine's image, as docker's does");
        Cli wholeStore = other("whole");
        wholeStore.ok("load", "-i", whole.toString());
        assertEquals("example.com/multi:1 " + index.digest() + " " + index.digest() + "\n", listing(wholeStore),
                "the index whole, its digest unchanged");

        Path one = Files.write(dir.resolve("one.tar"), ok("save", "--platform", foreign.toString(),
                "example.com/multi:1").bytes());
        List<TarFiles.Entry> oneEntries = TarFiles.read(one);
        assertFalse(names(oneEntries).contains("blobs/sha256/" + index.digest().hex()), "no index");
        assertFalse(names(oneEntries).contains("blobs/sha256/" + children.get(1).digest().hex()), "no other platform");
        Cli oneStore = other("one");
        oneStore.ok("load", "-i", one.toString());
        assertEquals("example.com/multi:1 " + foreignImage.config().digest() + " " + index.digest() + "\n",
                listing(oneStore), "one platform, named as pulled from the index: its digest is the index's");
        assertEquals(children.get(0).digest(), LocalStore.open(dir.resolve("one"))
                .lookup(Reference.parse("example.com/multi:1")).orElseThrow().digest());

        Cli.Result none = jreg().run("save", "--platform", "linux/mips64", "example.com/multi:1");
        assertEquals(3, none.exitCode(), none::toString);
        assertEquals(1, none.err().lines().count(), none::toString);
    }

    /**
     * What docker's containerd store saves of an index it holds one platform of: the index, and
     * only that platform's content. The name goes to the image the archive holds, as a pull of
     * one platform names it.
     */
    @Test
    void anIndexTheArchiveHoldsOnlySomeImagesOfIsNamedByThisMachinesImage() throws Exception {
        Platform foreign = Platform.of("linux", Platform.host().architecture().equals("riscv64") ? "s390x" : "riscv64",
                null);
        Map<Platform, List<Layer>> platforms = new LinkedHashMap<>();
        platforms.put(foreign, List.of(TestImages.layer(5, 1000)));
        platforms.put(Platform.host(), List.of(TestImages.layer(6, 1000)));
        ManifestBlob index = TestImages.writeIndex(OciLayout.open(store), Reference.parse("example.com/multi:1"), platforms);
        Descriptor absent = ((ImageIndex) index.manifest()).manifests().get(0);
        Descriptor present = ((ImageIndex) index.manifest()).manifests().get(1);
        List<String> dropped = new ArrayList<>(List.of(absent.digest().hex()));
        ((ImageManifest) LocalStore.open(store).readManifest(absent).manifest()).blobs()
                .forEach(blob -> dropped.add(blob.digest().hex()));
        List<TarFiles.Entry> entries = TarFiles.edit(TarFiles.read(ok("save", "example.com/multi:1").bytes()),
                e -> dropped.contains(e.name().substring(e.name().lastIndexOf('/') + 1)) ? null : e);
        Path archive = Files.write(dir.resolve("partial.tar"), TarFiles.write(entries));
        Cli partial = other("partial");
        assertEquals("Loaded image: example.com/multi:1\n", partial.ok("load", "-i", archive.toString()).out());
        ImageManifest image = (ImageManifest) LocalStore.open(dir.resolve("partial")).readManifest(present).manifest();
        assertEquals("example.com/multi:1 " + image.config().digest() + " " + index.digest() + "\n", listing(partial));
        assertEquals("Checked 4 blobs: store is clean\n", partial.ok("verify").out());
    }

    /** docker save up to docker 24: a folder per layer (layer.tar, json, VERSION), configs by digest, manifest.json. */
    static byte[] legacyArchive(Layer first, Layer second, byte[] configOne, byte[] configTwo) throws Exception {
        String one = "1".repeat(64);
        String two = "2".repeat(64);
        String three = "3".repeat(64);
        String hexOne = Digest.sha256(configOne).hex();
        String hexTwo = Digest.sha256(configTwo).hex();
        List<TarFiles.Entry> entries = new ArrayList<>(List.of(
                TarFiles.file(one + "/VERSION", "1.0"),
                TarFiles.file(one + "/json", "{\"id\":\"" + one + "\"}"),
                TarFiles.file(one + "/layer.tar", TarFiles.gunzip(first.bytes())),
                TarFiles.file(two + "/VERSION", "1.0"),
                TarFiles.file(two + "/json", "{\"id\":\"" + two + "\",\"parent\":\"" + one + "\"}"),
                TarFiles.file(two + "/layer.tar", TarFiles.gunzip(second.bytes())),
                // The second image's layer is the first's: docker links it to the folder that holds it.
                TarFiles.symlink(three + "/layer.tar", "../" + one + "/layer.tar"),
                TarFiles.file(hexOne + ".json", configOne),
                TarFiles.file(hexTwo + ".json", configTwo),
                TarFiles.file("manifest.json", TestJson.write(List.of(
                        Map.of("Config", hexOne + ".json", "RepoTags", List.of("legacy/one:1"),
                                "Layers", List.of(one + "/layer.tar", two + "/layer.tar")),
                        Map.of("Config", hexTwo + ".json", "RepoTags", List.of("example.com/legacy/two:1", "two:latest"),
                                "Layers", List.of(three + "/layer.tar"))))),
                TarFiles.file("repositories", "{\"legacy/one\":{\"1\":\"" + two + "\"}}")));
        return TarFiles.write(entries);
    }

    static byte[] config(Layer... layers) {
        return TestJson.bytes(Map.of("architecture", "amd64", "os", "linux", "created", TestImages.CREATED,
                "rootfs", Map.of("type", "layers", "diff_ids", Stream.of(layers).map(l -> l.diffId().toString()).toList())));
    }

    @Test
    void loadsWhatDocker24SavedUncompressedOrCompressedKeepingImageIds() throws Exception {
        Layer second = TestImages.layer(2, 10_000);
        byte[] configOne = config(base, second);
        byte[] configTwo = config(base);
        byte[] archive = legacyArchive(base, second, configOne, configTwo);
        Path plain = Files.write(dir.resolve("legacy.tar"), archive);
        Cli legacy = other("legacy");
        Cli.Result first = legacy.ok("load", "-i", plain.toString());
        assertEquals("Loaded image: legacy/one:1\nLoaded image: example.com/legacy/two:1\nLoaded image: two:latest\n",
                first.out());
        assertTrue(first.err().startsWith("Stored 4 blobs ("), first.err());
        assertTrue(first.err().endsWith("); 0 already in the local store\n"), first.err());
        assertEquals("Stored 0 blobs (0B); 4 already in the local store\n",
                legacy.ok("load", "-i", plain.toString()).err(), "layer.tar files and configs the store holds");
        LocalStore loaded = LocalStore.open(dir.resolve("legacy"));
        Descriptor named = loaded.lookup(Reference.parse("legacy/one:1")).orElseThrow();
        ImageManifest manifest = (ImageManifest) loaded.readManifest(named).manifest();
        assertEquals(MediaType.DOCKER_MANIFEST, manifest.mediaType());
        assertEquals(Descriptor.of(MediaType.DOCKER_CONFIG, Digest.sha256(configOne), configOne.length), manifest.config(),
                "the config's bytes kept: the image ID survives");
        assertEquals(List.of(base.diffId(), second.diffId()), manifest.layers().stream().map(Descriptor::digest).toList(),
                "each layer.tar as it is: its digest is its diff ID");
        assertTrue(manifest.layers().stream().allMatch(l -> l.mediaType().value().equals(
                "application/vnd.docker.image.rootfs.diff.tar")), manifest.layers()::toString);
        assertEquals("Checked 6 blobs: store is clean\n", legacy.ok("verify").out());
        String listed = listing(legacy);
        assertTrue(listed.contains("legacy/one:1 " + Digest.sha256(configOne)), listed);
        assertTrue(listed.contains("two:latest " + Digest.sha256(configTwo)), listed);

        ByteArrayOutputStream gzip = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
            out.write(archive);
        }
        Cli fromGzip = other("gzip");
        assertEquals(3, fromGzip.stdin(gzip.toByteArray()).ok("load").out().lines().count());
        assertEquals(listed, listing(fromGzip), "the same manifests from the gzip'd archive, read from stdin");
        ByteArrayOutputStream zstd = new ByteArrayOutputStream();
        try (var out = new com.github.luben.zstd.ZstdOutputStream(zstd)) {
            out.write(archive);
        }
        Cli fromZstd = other("zstd");
        fromZstd.stdin(zstd.toByteArray()).ok("load");
        assertEquals(listed, listing(fromZstd), "and from the zstd-compressed one");
        ByteArrayOutputStream xz = new ByteArrayOutputStream();
        try (var out = new org.apache.commons.compress.compressors.xz.XZCompressorOutputStream(xz)) {
            out.write(archive);
        }
        Cli fromXz = other("xz");
        fromXz.ok("load", "-i", Files.write(dir.resolve("legacy.tar.xz"), xz.toByteArray()).toString());
        assertEquals(listed, listing(fromXz), "and from the xz-compressed one, as docker load reads it");
        ByteArrayOutputStream bzip2 = new ByteArrayOutputStream();
        try (var out = new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(bzip2)) {
            out.write(archive);
        }
        Cli fromBzip2 = other("bzip2");
        fromBzip2.stdin(bzip2.toByteArray()).ok("load");
        assertEquals(listed, listing(fromBzip2), "and from the bzip2-compressed one");
    }

    @Test
    void aLegacyLayerThatIsNotItsConfigsDiffIdIsRefused() throws Exception {
        Layer second = TestImages.layer(2, 10_000);
        byte[] archive = legacyArchive(base, second, config(second, base), config(base));
        Path file = Files.write(dir.resolve("swapped.tar"), archive);
        Cli.Result refused = other("swapped").run("load", "-i", file.toString());
        assertEquals(6, refused.exitCode(), refused::toString);
        assertEquals("jreg: " + file + ": layer " + "1".repeat(64) + "/layer.tar is not the config's layer "
                + second.diffId() + ": its tar hashes to " + base.diffId() + "\n", refused.err());
        assertFalse(Files.exists(dir.resolve("swapped/index.json")), "nothing named");
    }

    /** A good archive of one image, to spoil. */
    List<TarFiles.Entry> goodArchive() throws Exception {
        image("example.com/good:1", base, TestImages.layer(2, 20_000));
        return TarFiles.read(ok("save", "example.com/good:1").bytes());
    }

    /** Loads bad input into a fresh store: one line, the exit code, nothing named. */
    void refused(byte[] archive, int exitCode, String expected) throws Exception {
        Path file = Files.write(dir.resolve("bad-" + System.nanoTime() + ".tar"), archive);
        Path fresh = dir.resolve("fresh-" + System.nanoTime());
        Cli.Result result = new Cli(home, fresh).run("load", "-i", file.toString());
        assertEquals(exitCode, result.exitCode(), result::toString);
        assertEquals("", result.out());
        assertEquals(1, result.err().lines().count(), result::toString);
        assertEquals("jreg: " + expected.replace("FILE", file.toString()) + "\n", result.err());
        assertEquals(List.of(), LocalStore.open(fresh).names(), "nothing named");
    }

    @Test
    void badArchivesAreRefusedInOneLineWithNothingNamed() throws Exception {
        List<TarFiles.Entry> good = goodArchive();
        byte[] bytes = TarFiles.write(good);
        ManifestBlob manifest = ManifestBlob.of(TarFiles.get(good, "blobs/sha256/" + Json.parse(
                TarFiles.get(good, "index.json").content()).get("manifests").get(0).get("digest").asText().substring(7))
                .content(), null);
        Descriptor layer = ((ImageManifest) manifest.manifest()).layers().get(1);
        String layerPath = "blobs/sha256/" + layer.digest().hex();

        byte[] noise = new byte[3000];
        new java.util.Random(7).nextBytes(noise);
        refused(noise, 2, "FILE is not a tar archive, nor a gzip-, zstd-, xz- or bzip2-compressed one");
        refused("hello\n".getBytes(), 2, "FILE holds no tar entry: it is empty, or not a tar archive");
        byte[] layerBytes = TarFiles.get(good, layerPath).content();
        int layerAt = indexOf(bytes, java.util.Arrays.copyOf(layerBytes, 64));
        refused(java.util.Arrays.copyOf(bytes, layerAt + layerBytes.length / 2), 2, "FILE is truncated or damaged at "
                + layerPath + ": Truncated TAR archive");
        refused(TarFiles.write(TarFiles.edit(good, e -> e.name().equals(layerPath) ? null : e)), 2,
                "FILE: manifest " + manifest.digest() + " names blob " + layer.digest()
                        + ", which neither the archive nor the local store holds");
        byte[] tampered = TarFiles.get(good, layerPath).content().clone();
        tampered[tampered.length / 2] ^= 1;
        refused(TarFiles.write(TarFiles.edit(good, e -> e.name().equals(layerPath) ? e.withContent(tampered) : e)), 6,
                "FILE: " + layerPath + " is damaged: blob digest mismatch: expected " + layer.digest() + ", got "
                        + Digest.sha256(tampered));
        refused(TarFiles.write(TarFiles.edit(good, e -> e.name().endsWith(".json") ? null : e)), 2,
                "FILE holds neither manifest.json nor index.json: it is no docker save or OCI archive");
        refused(TarFiles.write(TarFiles.edit(good, e -> e.name().equals("index.json") ? e.withContent("[1".getBytes())
                : e)), 7, "FILE: index.json is not valid JSON");
    }

    /** Where {@code part} first starts in {@code whole}. */
    static int indexOf(byte[] whole, byte[] part) {
        for (int i = 0; i + part.length <= whole.length; i++) {
            if (java.util.Arrays.equals(whole, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }


    @Test
    void saveRefusesWhatTheStoreLacksAndATerminalAndLeavesNoFile() throws Exception {
        image("example.com/good:1", base);
        Path file = dir.resolve("out.tar");
        Cli.Result missing = jreg().run("save", "-o", file.toString(), "example.com/good:1", "example.com/nope:1");
        assertEquals(3, missing.exitCode(), missing::toString);
        assertEquals("jreg: no such image in the local store: example.com/nope:1\n", missing.err());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "no file, no temp file");
        }

        Files.delete(store.resolve("blobs/sha256").resolve(base.descriptor().digest().hex()));
        Cli.Result incomplete = jreg().run("save", "-o", file.toString(), "example.com/good:1");
        assertEquals(3, incomplete.exitCode(), incomplete::toString);
        assertEquals(1, incomplete.err().lines().count(), incomplete::toString);
        assertTrue(incomplete.err().contains("is incomplete: blob " + base.descriptor().digest()), incomplete::toString);
        assertFalse(Files.exists(file));

        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CliContext terminal = new CliContext(Map.of("JREG_HOME", store.toString()), home,
                new ByteArrayInputStream(new byte[0]), out, new PrintWriter(out, true), new PrintWriter(err, true), true,
                true, true);
        assertEquals(2, JregCommand.run(terminal, "save", "example.com/good:1"));
        assertEquals(2, JregCommand.run(terminal, "load"));
        assertEquals("jreg: refusing to write an archive to a terminal; use -o FILE or redirect stdout\n"
                + "jreg: refusing to read an archive from a terminal; use -i FILE or redirect stdin\n", err.toString());
        assertEquals(0, out.size());

        Cli.Result noFile = jreg().run("load", "-i", dir.resolve("absent.tar").toString());
        assertEquals(2, noFile.exitCode(), noFile::toString);
        assertEquals("jreg: no such file: " + dir.resolve("absent.tar") + "\n", noFile.err());
    }

    @Test
    void anOciArchiveLoadsWithItsDigestsUnchanged() throws Exception {
        ManifestBlob a = image("example.com/app:1", base);
        Path archive = Files.write(dir.resolve("a.tar"), ok("save", "--format", "oci", "example.com/app:1").bytes());
        Cli loaded = other("oci");
        assertEquals("Loaded image: example.com/app:1\n", loaded.ok("load", "-i", archive.toString()).out());
        ImageConfig config = ImageConfig.fromJson(Json.parse(loaded.ok("config", "--local", "example.com/app:1").bytes()));
        assertEquals(List.of(base.diffId().toString()), config.rootfs().diffIds());
        assertEquals(a.digest(), LocalStore.open(dir.resolve("oci")).lookup(Reference.parse("example.com/app:1"))
                .orElseThrow().digest());
    }
}
