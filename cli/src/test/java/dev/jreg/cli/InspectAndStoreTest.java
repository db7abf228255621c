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
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages.Layer;
import dev.jreg.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** inspect, tags, digest, blob, catalog, rm, prune and delete against the real registry. */
@ExtendWith(RealRegistryCondition.class)
class InspectAndStoreTest {
    @TempDir
    static Path dir;
    static DistributionRegistry registry;
    static String r;
    static Layer base;
    static Layer onlyA;
    static Layer onlyB;
    static ManifestBlob index;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        registry = DistributionRegistry.open(dir);
        r = registry.hostPort();
        Path fixtures = dir.resolve("fixtures");
        OciLayout layout = OciLayout.open(fixtures);
        Platform amd64 = Platform.of("linux", "amd64", null);
        base = TestImages.layer(41, 150_000);
        onlyA = TestImages.layer(42, 50_000);
        onlyB = TestImages.layer(43, 70_000);
        TestImages.writeImage(layout, Reference.parse("localhost/f:a"), amd64, List.of(base, onlyA));
        TestImages.writeImage(layout, Reference.parse("localhost/f:b"), amd64, List.of(base, onlyB));
        Map<Platform, List<Layer>> platforms = new LinkedHashMap<>();
        platforms.put(amd64, List.of(TestImages.layer(44, 20_000)));
        platforms.put(Platform.of("linux", "arm64", "v8"), List.of(TestImages.layer(45, 25_000)));
        index = TestImages.writeIndex(layout, Reference.parse("localhost/f:multi"), platforms);
        Skopeo.copy("oci:" + fixtures + ":localhost/f:a", "docker://" + r + "/shared/a:1");
        Skopeo.copy("oci:" + fixtures + ":localhost/f:b", "docker://" + r + "/shared/b:1");
        Skopeo.copy("--all", "oci:" + fixtures + ":localhost/f:multi", "docker://" + r + "/multi/app:1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    Cli.Result run(String... args) {
        Cli.Result result = new Cli(home, store).run(args);
        assertEquals(0, result.exitCode(), result::toString);
        return result;
    }

    @Test
    void inspectShowsTheManifestsLayersExactly() throws Exception {
        String ref = r + "/shared/a:1";
        ImageManifest manifest = (ImageManifest) ManifestBlob.of(Skopeo.inspectRaw("docker://" + ref), null).manifest();
        JsonNode json = Json.parse(run("inspect", "--format", "json", ref).out());

        JsonNode layers = json.path("image").path("layers");
        assertEquals(manifest.layers().size(), layers.size());
        for (int i = 0; i < layers.size(); i++) {
            assertEquals(manifest.layers().get(i).digest().toString(), layers.get(i).path("digest").asText());
            assertEquals(manifest.layers().get(i).size(), layers.get(i).path("size").asLong());
            assertEquals(manifest.layers().get(i).mediaType().value(), layers.get(i).path("mediaType").asText());
        }
        assertEquals(manifest.layersSize(), json.path("image").path("layersSize").asLong());
        assertEquals("linux/amd64", json.path("image").path("platform").asText());
        assertEquals("2024-01-02T03:04:05Z", json.path("image").path("created").asText());
        assertEquals("/bin/sh", json.path("image").path("cmd").get(0).asText());
        assertEquals(2, json.path("image").path("history").size());

        String table = run("inspect", "--no-trunc", ref).out();
        assertTrue(table.contains(base.descriptor().digest().toString()), table);
        String narrow = run("inspect", ref).out();
        assertTrue(narrow.contains("  sha256:" + base.descriptor().digest().shortHex() + "   "), narrow);
        assertTrue(narrow.lines().filter(l -> l.startsWith("  sha256:")).allMatch(l -> l.length() <= 80), narrow);
        assertTrue(table.contains("Total: "), table);
    }

    @Test
    void inspectOfAnIndexListsBothPlatforms() throws Exception {
        JsonNode json = Json.parse(run("inspect", "--format", "json", r + "/multi/app:1").out());
        assertEquals(index.digest().toString(), json.path("digest").asText());
        assertEquals(2, json.path("platforms").size());
        ImageIndex expected = (ImageIndex) index.manifest();
        for (int i = 0; i < 2; i++) {
            assertEquals(expected.manifests().get(i).digest().toString(), json.path("platforms").get(i).path("digest").asText());
            assertEquals(expected.manifests().get(i).platform().normalized().toString(),
                    json.path("platforms").get(i).path("platform").asText());
            assertTrue(json.path("platforms").get(i).path("size").asLong() > 20_000);
        }
        assertTrue(json.path("image").isMissingNode(), "no image section without --platform");
        JsonNode arm = Json.parse(run("inspect", "--format", "json", "--platform", "linux/arm64/v8",
                r + "/multi/app:1").out());
        assertEquals("linux/arm64", arm.path("image").path("platform").asText(), "containerd's name for arm64/v8");
    }

    @Test
    void rawBytesHashToTheDigest() throws Exception {
        String ref = r + "/multi/app:1";
        Cli.Result raw = run("inspect", "--raw", ref);
        String digest = run("digest", ref).out().strip();
        assertEquals(digest, Digest.sha256(raw.bytes()).toString());
        assertArrayEquals(raw.bytes(), run("manifest", ref).bytes());

        ImageManifest a = (ImageManifest) ManifestBlob.of(run("manifest", r + "/shared/a:1").bytes(), null).manifest();
        assertEquals(a.config().digest(), Digest.sha256(run("config", r + "/shared/a:1").bytes()));
        assertEquals(a.config().digest(), Digest.sha256(run("inspect", "--config", r + "/shared/a:1").bytes()));
    }

    @Test
    void blobIsWrittenVerified() throws Exception {
        Path out = home.resolve("layer.tgz");
        run("blob", "-o", out.toString(), r + "/shared/a@" + onlyA.descriptor().digest());
        assertArrayEquals(onlyA.bytes(), Files.readAllBytes(out));
        // Created under the umask, like a file any other command writes.
        Path plain = Files.createFile(home.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(out));
        try (var left = Files.list(home)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
        assertArrayEquals(onlyA.bytes(), run("blob", r + "/shared/a@" + onlyA.descriptor().digest()).bytes());
        Cli.Result missing = new Cli(home, store).run("blob", r + "/shared/a@" + onlyB.descriptor().digest());
        assertEquals(3, missing.exitCode(), missing::toString);
    }

    @Test
    void threeHundredTagsListedAndDetailedInOneRun() throws Exception {
        String repository = r + "/many/app";
        Path setup = home.resolve("setup-store");
        for (int i = 0; i < 300; i++) {
            Cli.Result copy = new Cli(home, setup).run("copy", "-q", r + "/shared/a:1", repository + ":t" + i);
            assertEquals(0, copy.exitCode(), copy::toString);
        }
        assertEquals(300, run("tags", repository).out().lines().count());
        assertEquals(7, run("tags", "--limit", "7", repository).out().lines().count());
        JsonNode json = Json.parse(run("tags", "--format", "json", repository).out());
        assertEquals(300, json.path("tags").size());

        long heads = registry.countRequests("HEAD", "/v2/many/app/manifests/t[0-9]+");
        long gets = registry.countRequests("GET", "/v2/many/app/manifests/sha256:[0-9a-f]+");
        Cli.Result details = run("tags", "--details", repository);
        assertEquals(301, details.out().lines().count(), "a header and 300 rows");
        assertTrue(details.out().lines().skip(1).allMatch(l -> l.contains("linux/amd64")), details::toString);
        assertEquals(heads + 300, registry.countRequests("HEAD", "/v2/many/app/manifests/t[0-9]+"), "one HEAD per tag");
        assertEquals(gets + 1, registry.countRequests("GET", "/v2/many/app/manifests/sha256:[0-9a-f]+"),
                "tags sharing a digest: its manifest fetched once");
    }

    long blobFiles() throws Exception {
        try (Stream<Path> files = Files.list(store.resolve("blobs/sha256"))) {
            return files.count();
        }
    }

    @Test
    void rmKeepsSharedLayersAndDeletesTheRest() throws Exception {
        run("pull", "-q", r + "/shared/a:1");
        long afterA = blobFiles();
        run("pull", "-q", r + "/shared/b:1");
        assertEquals(afterA + 3, blobFiles(), "b adds its manifest, config and own layer");

        Cli.Result rm = run("rm", r + "/shared/a:1");
        assertTrue(rm.out().startsWith("Untagged: " + r + "/shared/a:1\n"), rm::toString);
        assertEquals(3, rm.out().lines().filter(l -> l.startsWith("Deleted: sha256:")).count(), rm::toString);
        OciLayout layout = OciLayout.open(store);
        assertTrue(layout.hasBlob(base.descriptor()), "the shared base layer stays");
        assertTrue(layout.hasBlob(onlyB.descriptor()));
        assertFalse(layout.hasBlob(onlyA.descriptor()), "a's own layer goes");
        assertEquals(afterA, blobFiles());

        Cli.Result again = run("pull", r + "/shared/b:1");
        assertTrue(again.err().contains("Image is up to date"), "b is still complete: " + again);
    }

    @Test
    void rmOfABareNameMeansLatestOnly() throws Exception {
        run("pull", "-q", r + "/shared/a:1");
        run("tag", r + "/shared/a:1", r + "/shared/a:latest");
        Cli.Result rm = run("rm", r + "/shared/a");
        assertEquals("Untagged: " + r + "/shared/a:latest\n", rm.out(), "nothing deleted: :1 still uses every blob");
        assertTrue(LocalStore.open(store).lookup(Reference.parse(r + "/shared/a:1")).isPresent());

        Cli.Result missing = new Cli(home, store).run("rm", r + "/shared/a");
        assertEquals(3, missing.exitCode(), missing::toString);
        assertEquals("jreg: no such image in the local store: " + r + "/shared/a:latest (stored: " + r + "/shared/a:1)\n",
                missing.err());
    }

    @Test
    void aPullByTagAndDigestIsAPullByDigestAsDockersIs() throws Exception {
        String name = r + "/multi/app";
        Cli.Result pull = run("pull", "-q", name + ":nosuchtag@" + index.digest());
        assertEquals(0, pull.exitCode(), pull::toString);

        LocalStore local = LocalStore.open(store);
        assertTrue(local.lookup(Reference.parse(name + "@" + index.digest())).isPresent(), "named by its digest");
        assertEquals(List.of(name + "@" + index.digest()),
                local.names().stream().map(d -> d.annotations().get(Descriptor.REF_NAME)).toList(), "and by no tag");
        String row = run("images", name).out().lines().skip(1).findFirst().orElseThrow();
        assertTrue(row.contains(" <none> "), row);
        assertEquals(0, run("rm", name + "@" + index.digest()).exitCode());
    }

    @Test
    void onePlatformOfAnIndexKeepsTheDigestPullPrinted() throws Exception {
        String name = r + "/multi/app";
        Cli.Result pull = run("pull", "--platform", "linux/arm64", name + ":1");
        assertTrue(pull.err().contains("Digest: " + index.digest() + "\n"), pull::toString);

        Cli.Result digests = run("images", "--digests");
        assertTrue(digests.out().contains(" " + index.digest() + " "), digests::toString);
        JsonNode json = Json.parse(run("images", "--format", "json").out().getBytes());
        assertEquals(index.digest().toString(), json.path("Digest").asText());

        run("tag", name + "@" + index.digest(), name + ":copy");
        run("tag", name + "@" + index.digest(), r + "/elsewhere:1");
        String elsewhere = run("images", "--digests").out().lines().filter(l -> l.contains("/elsewhere ")).findFirst()
                .orElseThrow();
        assertFalse(elsewhere.contains(index.digest().toString()), "another repository has no such index: " + elsewhere);

        Cli.Result rm = run("rm", name + "@" + index.digest());
        assertEquals("Untagged: " + name + ":1\nUntagged: " + name + ":copy\n",
                rm.out().lines().filter(l -> l.startsWith("Untagged")).map(l -> l + "\n").reduce("", String::concat));
    }

    @Test
    void aWholeIndexHasTheIndexDigestForImageId() throws Exception {
        run("pull", "-q", "--all-platforms", r + "/multi/app:1");
        assertEquals(index.digest().shortHex() + "\n", run("images", "-q").out());
        run("tag", index.digest().shortHex(), "localhost/whole:1");
        Cli.Result rm = run("rm", "-f", index.digest().toString());
        assertTrue(rm.out().contains("Untagged: localhost/whole:1\n"), rm::toString);
        assertTrue(OciLayout.open(store).names().isEmpty());
    }

    @Test
    void pruneRemovesWhatAKilledPullLeftBehind() throws Exception {
        run("pull", "-q", r + "/shared/a:1");
        Path partial = store.resolve("ingest").resolve(onlyB.descriptor().digest().hex() + ".123.tmp");
        Files.write(partial, new byte[4096]);
        Path orphan = store.resolve("blobs/sha256").resolve(onlyB.descriptor().digest().hex());
        Files.write(orphan, onlyB.bytes());

        Cli.Result prune = run("prune");

        assertFalse(Files.exists(partial));
        assertFalse(Files.exists(orphan), "a blob no name reaches goes");
        assertTrue(prune.out().contains("Deleted: " + onlyB.descriptor().digest()), prune::toString);
        assertTrue(prune.out().contains("(1 partial downloads)"), prune::toString);
        assertTrue(OciLayout.open(store).hasBlob(onlyA.descriptor()), "named images keep everything");
    }

    @Test
    void imagesTotalCountsSharedLayersOnce() throws Exception {
        run("pull", "-q", r + "/shared/a:1");
        run("pull", "-q", r + "/shared/b:1");
        Cli.Result images = run("images");
        long onDisk;
        try (Stream<Path> files = Files.list(store.resolve("blobs/sha256"))) {
            onDisk = files.mapToLong(f -> f.toFile().length()).sum();
        }
        assertTrue(onDisk < 2 * base.descriptor().size() + onlyA.descriptor().size(), "the base layer is stored once");
        assertEquals("Total: 2 images, " + Sizes.human(onDisk) + " on disk (shared layers counted once)\n", images.err());
        String withoutTotal = run("images", "--no-total").out();
        assertTrue(withoutTotal.contains("shared/b") && !withoutTotal.contains("Total"), withoutTotal);
        assertTrue(images.out().contains("shared/b") && !images.out().contains("Total"), "rows only on stdout");
    }

    @Test
    void deleteByTagKeepsOtherTagsOnTheSameDigest() throws Exception {
        String a1 = r + "/deleting/app:one";
        String a2 = r + "/deleting/app:two";
        run("copy", "-q", r + "/shared/a:1", a1);
        run("copy", "-q", r + "/shared/a:1", a2);

        Cli.Result delete = run("delete", a1);

        assertTrue(delete.out().startsWith("Untagged: " + a1), delete::toString);
        assertEquals(List.of("two"), run("tags", r + "/deleting/app").out().lines().toList());
        assertEquals(run("digest", r + "/shared/a:1").out(), run("digest", a2).out(), "the other tag still resolves");
        Cli.Result gone = new Cli(home, store).run("digest", a1);
        assertEquals(3, gone.exitCode(), gone::toString);
    }

    @Test
    void deleteOnARegistryThatRefusesDeletesSaysSoAndChangesNothing() throws Exception {
        try (DistributionRegistry locked = DistributionRegistry.openWithoutDeletes(dir)) {
            String ref = locked.hostPort() + "/kept/app:1";
            String digest = run("copy", "-q", r + "/shared/a:1", ref).out().strip();
            Cli.Result delete = new Cli(home, store).run("delete", ref);
            assertEquals(1, delete.exitCode(), delete::toString);
            assertEquals("jreg: " + locked.hostPort() + " does not allow deleting manifests (deletion is disabled on this"
                    + " registry)\n", delete.err());
            assertEquals(digest.substring(digest.indexOf('@') + 1), run("digest", ref).out().strip(), "the tag is untouched");
        }
    }

    @Test
    void deleteByDigestOnARegistryThatRefusesDeletesSaysSoAsByTag() throws Exception {
        try (DistributionRegistry locked = DistributionRegistry.openWithoutDeletes(dir)) {
            String ref = locked.hostPort() + "/kept/app:1";
            String copied = run("copy", "-q", r + "/shared/a:1", ref).out().strip();
            String digest = copied.substring(copied.indexOf('@') + 1);
            Cli.Result delete = new Cli(home, store).run("delete", locked.hostPort() + "/kept/app@" + digest);
            assertEquals(1, delete.exitCode(), delete::toString);
            assertEquals("jreg: " + locked.hostPort() + " does not allow deleting manifests (deletion is disabled on this"
                    + " registry)\n", delete.err());
            assertEquals(digest, run("digest", ref).out().strip(), "the manifest is still there");
        }
    }

    @Test
    void deleteByDigestRemovesTheManifest() throws Exception {
        String tagged = r + "/deleting-digest/app:x";
        String digest = run("copy", "-q", r + "/shared/b:1", tagged).out().strip();
        digest = digest.substring(digest.indexOf('@') + 1);
        run("delete", r + "/deleting-digest/app@" + digest);
        assertEquals(3, new Cli(home, store).run("digest", tagged).exitCode());
    }

    @Test
    void catalogListsRepositories() {
        List<String> repositories = run("catalog", r).out().lines().toList();
        assertTrue(repositories.containsAll(List.of("multi/app", "shared/a", "shared/b")), repositories.toString());
    }
}
