package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.testing.TestImages;
import dev.jreg.testing.TestJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code oci:DIR:NAME}, {@code oci:DIR:@N} and {@code oci:DIR} on layouts as other tools write them; no registry. */
class LayoutAddressingTest {
    static final Platform AMD64 = Platform.of("linux", "amd64", null);

    @TempDir
    Path dir;
    @TempDir
    Path home;
    @TempDir
    Path store;
    ManifestBlob one;
    ManifestBlob two;

    @BeforeEach
    void images() throws Exception {
        OciLayout images = OciLayout.open(dir.resolve("images"));
        one = TestImages.storeImage(images, AMD64, List.of(TestImages.layer(61, 2_000)));
        two = TestImages.storeImage(images, AMD64, List.of(TestImages.layer(62, 2_000)));
    }

    Cli.Result run(String... args) {
        return new Cli(home, store).run(args);
    }

    Cli.Result ok(String... args) {
        return new Cli(home, store).ok(args);
    }

    /** A layout holding the test images under these names (null: an entry without a name), index.json written as given. */
    Path layout(String folder, String... names) throws Exception {
        Path root = dir.resolve(folder);
        Files.createDirectories(root);
        copyTree(dir.resolve("images/blobs"), root.resolve("blobs"));
        Files.writeString(root.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        List<Object> entries = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            Descriptor image = (i % 2 == 0 ? one : two).descriptor();
            entries.add(names[i] == null ? image.toJson()
                    : image.withAnnotations(Map.of(Descriptor.REF_NAME, names[i])).toJson());
        }
        Files.write(root.resolve("index.json"), TestJson.bytes(Map.of("schemaVersion", 2, "mediaType",
                MediaType.OCI_INDEX.value(), "manifests", entries)));
        return root;
    }

    static void copyTree(Path from, Path to) throws Exception {
        try (var paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    static void assertOneLine(Cli.Result result, int exit, String line) {
        assertEquals(exit, result.exitCode(), result::toString);
        assertEquals("jreg: " + line + "\n", result.err(), result::toString);
    }

    @Test
    void namesWithColonsAsPodmanAndSkopeoWriteThemAreRead() throws Exception {
        Path podman = layout("podman", "localhost/app:latest", "reg.example/a:1");

        assertTrue(ok("inspect", "oci:" + podman + ":reg.example/a:1").out().contains(two.digest().toString()));
        assertEquals(one.digest() + "\n", ok("digest", "oci:" + podman + ":localhost/app:latest").out());
        Cli.Result copy = ok("copy", "-q", "oci:" + podman + ":reg.example/a:1", "oci:" + dir.resolve("out") + ":b");
        assertEquals("oci:" + dir.resolve("out") + ":b@" + two.digest() + "\n", copy.out());
    }

    @Test
    void aLayoutJregJustWroteUnderANameWithColonsSlashesAndAnAtReadsBack() throws Exception {
        Path source = layout("source", "a");
        Path written = dir.resolve("written");
        for (String name : List.of("reg.example/a:1", "x@sha256:" + "0".repeat(64), "localhost:5000/team/app:v1.2")) {
            ok("copy", "oci:" + source + ":a", "oci:" + written + ":" + name);
            assertEquals(one.digest() + "\n", ok("digest", "oci:" + written + ":" + name).out(), name);
            ok("copy", "-q", "oci:" + written + ":" + name, "oci:" + dir.resolve("again") + ":" + name);
        }
        assertEquals("{\"name\":\"oci:" + written + "\",\"tags\":[\"reg.example/a:1\",\"x@sha256:" + "0".repeat(64)
                + "\",\"localhost:5000/team/app:v1.2\"]}\n", ok("tags", "--format", "json", "oci:" + written).out());
    }

    @Test
    void aNameOutsideTheLayoutsGrammarIsNotWritten() throws Exception {
        Path source = layout("source", "a");
        for (String name : List.of("a b", "-x", "Ab$", "a//b", "a:", "1.0+")) {
            Path target = dir.resolve("bad-" + System.nanoTime());
            assertOneLine(run("copy", "-q", "oci:" + source + ":a", "oci:" + target + ":" + name), 2, "\"" + name
                    + "\" is not a name for an image in an OCI layout: letters and digits, with - . _ : @ + or -- between"
                    + " them and / between components (OCI image layout, org.opencontainers.image.ref.name)");
            assertFalse(Files.exists(target), name);
        }
        ok("copy", "-q", "oci:" + source + ":a", "oci:" + dir.resolve("good") + ":A-b_c.d+e@f--g/h:1");
    }

    @Test
    void aCraneLayoutWithOneEntryWithoutANameIsItsOnlyImage() throws Exception {
        Path crane = layout("crane", (String) null);

        assertTrue(ok("inspect", "oci:" + crane).out().contains(one.digest().toString()));
        assertEquals(one.digest() + "\n", ok("digest", "oci:" + crane + ":@0").out());
        Cli.Result copy = ok("copy", "oci:" + crane, "local:copied:1");
        assertEquals("local:docker.io/library/copied:1@" + one.digest(), copy.lastLine());
        Path named = layout("named-only", "just:one");
        assertEquals(one.digest() + "\n", ok("digest", "oci:" + named).out(), "the only entry, named or not");
    }

    @Test
    void anAbsentNameListsTheNamesTheLayoutHas() throws Exception {
        Path layout = layout("l", "a:1", "b:2");
        assertOneLine(run("inspect", "oci:" + layout + ":x"), 3,
                "no image named \"x\" in layout " + layout + "; it has: a:1, b:2");
        assertOneLine(run("copy", "-q", "oci:" + layout + ":reg.example/a:1", "oci:" + dir.resolve("o")), 3,
                "no image named \"reg.example/a:1\" in layout " + layout + "; it has: a:1, b:2");
    }

    @Test
    void severalImagesWithoutANameMustBeChosen() throws Exception {
        Path layout = layout("several", null, null, "c:3");
        assertOneLine(run("inspect", "oci:" + layout), 2, "layout " + layout + " has 3 images; name one as oci:" + layout
                + ":NAME or oci:" + layout + ":@N: @0, @1, c:3");
        assertEquals(two.digest() + "\n", ok("digest", "oci:" + layout + ":@1").out());
        assertEquals(one.digest() + "\n", ok("digest", "oci:" + layout + ":@2").out());
    }

    @Test
    void aPositionOutOfRangeAnEmptyLayoutAndNoLayoutAreNotFound() throws Exception {
        Path layout = layout("two", "a:1", null);
        assertOneLine(run("inspect", "oci:" + layout + ":@2"), 3, "no image @2 in layout " + layout
                + "; it has 2 (@0 to @1): a:1, @1");
        Path empty = layout("empty");
        assertOneLine(run("copy", "-q", "oci:" + empty, "oci:" + dir.resolve("o")), 3, "layout " + empty + " has no image");
        assertOneLine(run("inspect", "oci:" + empty + ":@0"), 3, "no image @0 in layout " + empty + "; it has none");
        Path missing = dir.resolve("typo");
        assertOneLine(run("inspect", "oci:" + missing + ":a"), 3, "no OCI layout at " + missing + " (it has no index.json)");
        assertFalse(Files.exists(missing), "reading creates nothing");
    }

    /**
     * A layout's {@code index.json} that cannot be read is called that layout's index, not the
     * store's (exit 7): not JSON, not an object, an entry that is no descriptor. The store's own
     * index keeps its name.
     */
    @Test
    void anUnreadableIndexIsTheLayoutsNotTheStores() throws Exception {
        Path layout = layout("broken", "a:1");
        Path index = layout.resolve("index.json");
        String named = "index " + index + " of layout " + layout;
        Files.writeString(index, "{\"schemaVersion\":2,\"manifests\":[");
        assertOneLine(run("inspect", "oci:" + layout + ":a:1"), 7, named + " is not valid JSON");
        Files.writeString(index, "[]");
        assertOneLine(run("tags", "oci:" + layout), 7, named + " is not a JSON object");
        Files.writeString(index, "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha256:0\"}]}");
        Cli.Result entry = run("copy", "-q", "oci:" + layout, "oci:" + dir.resolve("out"));
        assertEquals(7, entry.exitCode(), entry::toString);
        assertTrue(entry.err().startsWith("jreg: " + named + " has an invalid entry: "), entry::toString);

        Files.writeString(store.resolve("index.json"), "{");
        assertOneLine(run("images"), 7, "store index " + store.resolve("index.json") + " is not valid JSON");
    }

    /**
     * An entry whose manifest the layout does not hold makes a damaged layout, said with the
     * entry, by name or by position, and a manifest its index names (exit 3, what a layout lost).
     */
    @Test
    void aManifestAnEntryNamesButTheLayoutLacksIsADamagedLayout() throws Exception {
        Path named = layout("named", "reg.example/a:1", "b:2");
        Files.delete(named.resolve("blobs/sha256/" + one.digest().hex()));
        String damaged = "layout " + named + " is damaged: its entry reg.example/a:1 names manifest " + one.digest()
                + " which it does not hold";
        assertOneLine(run("inspect", "oci:" + named + ":reg.example/a:1"), 3, damaged);
        assertOneLine(run("copy", "-q", "oci:" + named + ":reg.example/a:1", "oci:" + dir.resolve("out") + ":a"), 3, damaged);
        assertOneLine(run("config", "oci:" + named + ":@0"), 3, damaged);

        Path crane = layout("crane", (String) null);
        Files.delete(crane.resolve("blobs/sha256/" + one.digest().hex()));
        assertOneLine(run("inspect", "oci:" + crane), 3, "layout " + crane + " is damaged: its entry @0 names manifest "
                + one.digest() + " which it does not hold");

        Path multi = dir.resolve("multi");
        Map<Platform, List<TestImages.Layer>> platforms = new java.util.LinkedHashMap<>();
        platforms.put(AMD64, List.of(TestImages.layer(64, 1_000)));
        platforms.put(Platform.of("linux", "arm64", null), List.of(TestImages.layer(65, 1_000)));
        ManifestBlob index = TestImages.writeIndex(OciLayout.open(multi), dev.jreg.model.Reference.parse("localhost/m:1"),
                platforms);
        Descriptor arm64 = ((dev.jreg.model.ImageIndex) index.manifest()).manifests().get(1);
        Files.delete(multi.resolve("blobs/sha256/" + arm64.digest().hex()));
        assertOneLine(run("inspect", "oci:" + multi + ":localhost/m:1"), 3, "layout " + multi + " is damaged: the index of"
                + " its entry localhost/m:1 names manifest " + arm64.digest() + " which it does not hold");
    }

    @Test
    void aTargetWithoutANameGetsOneEntryWithoutAName() throws Exception {
        Path source = layout("source", "a:1", "b:2");
        Path target = dir.resolve("unnamed");

        ok("copy", "oci:" + source + ":a:1", "oci:" + target);
        ok("copy", "oci:" + source + ":a:1", "oci:" + target);

        List<Descriptor> entries = OciLayout.open(target).names();
        assertEquals(1, entries.size(), "the same image again replaces its entry, as skopeo does");
        assertEquals(Map.of(), entries.get(0).annotations());
        assertEquals(one.digest() + "\n", ok("digest", "oci:" + target).out());
        ok("copy", "oci:" + source + ":b:2", "oci:" + target);
        assertEquals(2, OciLayout.open(target).names().size(), "another image is another entry");
    }

    @Test
    void malformedLayoutLocationsAreUsageErrors() throws Exception {
        Path source = layout("source", "a:1");
        assertOneLine(run("copy", "-q", "oci:" + source + ":a:1", "oci:" + dir.resolve("t") + ":@0"), 2,
                "a destination cannot be an entry's position: write to oci:" + dir.resolve("t") + ":NAME, or to oci:"
                        + dir.resolve("t") + " for an entry without a name");
        String digest = "sha256:" + "a".repeat(64);
        assertOneLine(run("inspect", "oci:" + source + "@" + digest), 2, "invalid location \"oci:" + source + "@" + digest
                + "\": an oci: location names an image as oci:DIRECTORY:NAME or oci:DIRECTORY:@INDEX, not by digest");
        assertEquals(2, run("inspect", "oci:" + source + ":@first").exitCode());
    }

    @Test
    void formatConvertsBetweenLayoutsAndRefusesWhatItDoesNotKnow() throws Exception {
        Path source = layout("source", "a:1");

        Cli.Result docker = ok("copy", "--format", "docker", "oci:" + source + ":a:1", "oci:" + dir.resolve("d") + ":a:1");

        String converted = docker.lastLine().substring(docker.lastLine().lastIndexOf('@') + 1);
        assertTrue(docker.err().contains("Converted to Docker schema 2 (was " + Table.digest(one.digest(), false) + ")\n"),
                docker::toString);
        ManifestBlob written = ManifestBlob.of(Files.readAllBytes(dir.resolve("d/blobs/sha256")
                .resolve(converted.substring(7))), null);
        assertEquals(MediaType.DOCKER_MANIFEST, written.mediaType());
        Cli.Result back = ok("copy", "-q", "--format", "oci", "oci:" + dir.resolve("d") + ":a:1", "oci:" + dir.resolve("o"));
        assertEquals("", back.err(), "-q leaves the conversion line out");
        assertTrue(back.out().endsWith("@" + one.digest() + "\n"), "media types only: back to the same bytes, " + back);
        Cli.Result same = ok("copy", "--format", "oci", "oci:" + source + ":a:1", "oci:" + dir.resolve("s") + ":a");
        assertFalse(same.err().contains("Converted"), same::toString);

        Cli.Result bad = run("copy", "--format", "v2s2", "oci:" + source + ":a:1", "oci:" + dir.resolve("x"));
        assertEquals(2, bad.exitCode(), bad::toString);
        assertTrue(bad.err().contains("'v2s2' is not a manifest format; expected oci or docker"), bad::toString);
    }

    @Test
    void aZstdLayerIsRefusedForDockerInOneLineWithExitOne() throws Exception {
        OciLayout layout = OciLayout.open(dir.resolve("zstd"));
        TestImages.Layer gzip = TestImages.layer(63, 1_000);
        TestImages.Layer zstd = new TestImages.Layer(gzip.bytes(), Descriptor.of(MediaType.OCI_LAYER_ZSTD,
                gzip.descriptor().digest(), gzip.descriptor().size()), gzip.diffId());
        ManifestBlob image = TestImages.storeImage(layout, AMD64, List.of(zstd));
        layout.setName("z", image.descriptor());

        assertOneLine(run("copy", "-q", "--format", "docker", "oci:" + layout.root() + ":z", "oci:" + dir.resolve("d")), 1,
                "cannot convert " + image.digest() + " to Docker schema 2: it has a zstd-compressed layer "
                        + zstd.descriptor().digest() + ", which Docker's image format cannot hold");
        assertFalse(Files.exists(dir.resolve("d")), "refused before anything is written, the layout's folder included");
    }
}
