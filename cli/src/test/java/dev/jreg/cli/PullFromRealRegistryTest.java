package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code jreg pull} against the real distribution registry, on images skopeo pushed. */
@ExtendWith(RealRegistryCondition.class)
class PullFromRealRegistryTest {
    @TempDir
    static Path dir;
    static DistributionRegistry registry;
    static Layer base1;
    static Layer base2;
    static Layer onlyA;
    static Layer onlyB;
    static Layer amd64;
    static Layer arm64;
    static ManifestBlob index;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void pushFixtures() throws Exception {
        registry = DistributionRegistry.open(dir);
        base1 = TestImages.layer(1, 200_000);
        base2 = TestImages.layer(2, 300_000);
        onlyA = TestImages.layer(3, 100_000);
        onlyB = TestImages.layer(4, 150_000);
        amd64 = TestImages.layer(5, 50_000);
        arm64 = TestImages.layer(6, 60_000);
        Path fixtures = dir.resolve("fixtures");
        OciLayout layout = OciLayout.open(fixtures);
        Platform linuxAmd64 = Platform.of("linux", "amd64", null);
        TestImages.writeImage(layout, Reference.parse("localhost/fixture:a"), linuxAmd64, List.of(base1, base2, onlyA));
        TestImages.writeImage(layout, Reference.parse("localhost/fixture:b"), linuxAmd64, List.of(base1, base2, onlyB));
        Map<Platform, List<Layer>> platforms = new LinkedHashMap<>();
        platforms.put(linuxAmd64, List.of(amd64));
        platforms.put(Platform.of("linux", "arm64", "v8"), List.of(arm64));
        index = TestImages.writeIndex(layout, Reference.parse("localhost/fixture:multi"), platforms);
        String r = registry.hostPort();
        Skopeo.copy("oci:" + fixtures + ":localhost/fixture:a", "docker://" + r + "/shared/app:a");
        Skopeo.copy("oci:" + fixtures + ":localhost/fixture:b", "docker://" + r + "/shared/app:b");
        Skopeo.copy("--format", "v2s2", "oci:" + fixtures + ":localhost/fixture:a", "docker://" + r + "/docker/app:v2");
        Skopeo.copy("--all", "oci:" + fixtures + ":localhost/fixture:multi", "docker://" + r + "/multi/app:1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    private Cli cli() {
        return new Cli(home, store);
    }

    private long blobGets(String repository) throws Exception {
        return registry.countRequests("GET", "/v2/" + repository + "/blobs/sha256:[0-9a-f]+");
    }

    @Test
    void pullStoresEveryBlobUnderItsDigestAndNamesTheImage() throws Exception {
        String ref = registry.hostPort() + "/shared/app:a";
        Cli.Result result = cli().run("pull", ref);

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(ref, result.lastLine());
        assertTrue(result.err().startsWith("a: Pulling from shared/app\n"), result::toString);
        assertTrue(result.err().contains(onlyA.descriptor().digest().shortHex() + ": Pull complete"), result::toString);
        assertTrue(result.err().contains("Status: Downloaded newer image for " + ref), result::toString);

        LocalStore layout = LocalStore.open(store);
        Descriptor named = layout.lookup(Reference.parse(ref)).orElseThrow();
        ManifestBlob manifest = layout.readManifest(named);
        assertTrue(result.err().contains("Digest: " + manifest.digest()), result::toString);
        List<Descriptor> blobs = ((ImageManifest) manifest.manifest()).blobs();
        assertEquals(4, blobs.size());
        for (Descriptor blob : blobs) {
            byte[] bytes = Files.readAllBytes(layout.blobPath(blob.digest()));
            assertEquals(blob.digest(), Digest.sha256(bytes), "blob stored under its own digest");
            assertEquals(blob.size(), bytes.length);
        }
        try (var ingest = Files.list(store.resolve("ingest"))) {
            assertEquals(0, ingest.filter(f -> !f.toString().endsWith(".lock")).count(), "no partial files left behind");
        }
    }

    @Test
    void secondImageFetchesOnlyTheLayersItLacksAndARepeatFetchesNothing() throws Exception {
        String refA = registry.hostPort() + "/shared/app:a";
        String refB = registry.hostPort() + "/shared/app:b";
        assertEquals(0, cli().run("pull", refA).exitCode());

        long before = blobGets("shared/app");
        Cli.Result second = cli().run("pull", refB);
        long afterSecond = blobGets("shared/app");

        assertEquals(0, second.exitCode(), second::toString);
        assertEquals(2, afterSecond - before, "only image b's config and its own layer are fetched");
        assertTrue(second.err().contains(base1.descriptor().digest().shortHex() + ": Already exists"), second::toString);
        assertTrue(second.err().contains(onlyB.descriptor().digest().shortHex() + ": Pull complete"), second::toString);

        Cli.Result again = cli().run("pull", refB);
        assertEquals(0, again.exitCode(), again::toString);
        assertEquals(afterSecond, blobGets("shared/app"), "a repeated pull downloads no blob");
        assertTrue(again.err().contains("Status: Image is up to date for " + refB), again::toString);
    }

    @Test
    void platformFlagPicksThatPlatformsManifestAndLayersOnly() throws Exception {
        String ref = registry.hostPort() + "/multi/app:1";
        Cli.Result result = cli().run("pull", "--platform", "linux/arm64/v8", ref);

        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.err().contains("Digest: " + index.digest()), "docker prints the index digest");
        Descriptor armChild = ((ImageIndex) index.manifest()).select(Platform.parse("linux/arm64/v8")).orElseThrow();
        LocalStore layout = LocalStore.open(store);
        Descriptor named = layout.lookup(Reference.parse(ref)).orElseThrow();
        assertEquals(armChild.digest(), named.digest());
        assertTrue(layout.hasBlob(arm64.descriptor()));
        assertFalse(layout.hasBlob(amd64.descriptor()), "the other platform's layer is not fetched");
    }

    @Test
    void allPlatformsKeepsTheIndexBytes() throws Exception {
        String ref = registry.hostPort() + "/multi/app:1";
        Cli.Result result = cli().run("pull", "--all-platforms", ref);

        assertEquals(0, result.exitCode(), result::toString);
        LocalStore layout = LocalStore.open(store);
        assertEquals(index.digest(), layout.lookup(Reference.parse(ref)).orElseThrow().digest());
        assertTrue(layout.hasBlob(arm64.descriptor()));
        assertTrue(layout.hasBlob(amd64.descriptor()));
    }

    @Test
    void skopeoReadsTheStoreWithByteIdenticalManifests() throws Exception {
        String ref = registry.hostPort() + "/shared/app:a";
        Cli.Result result = cli().run("pull", ref);
        assertEquals(0, result.exitCode(), result::toString);

        byte[] fromRegistry = Skopeo.inspectRaw("docker://" + ref);
        byte[] fromStore = Skopeo.inspectRaw("oci:" + store + ":" + ref);
        assertArrayEquals(fromRegistry, fromStore);

        Path copy = dir.resolve("skopeo-copy-" + System.nanoTime());
        Skopeo.copy("oci:" + store + ":" + ref, "oci:" + copy + ":copied");
        assertArrayEquals(fromStore, Skopeo.inspectRaw("oci:" + copy + ":copied"));
    }

    @Test
    void dockerSchema2ManifestIsStoredByteForByte() throws Exception {
        String ref = registry.hostPort() + "/docker/app:v2";
        Cli.Result result = cli().run("pull", ref);
        assertEquals(0, result.exitCode(), result::toString);

        byte[] fromRegistry = Skopeo.inspectRaw("docker://" + ref);
        LocalStore layout = LocalStore.open(store);
        Descriptor named = layout.lookup(Reference.parse(ref)).orElseThrow();
        assertEquals(MediaType.DOCKER_MANIFEST, named.mediaType(), "index.json keeps the manifest's real media type");
        assertArrayEquals(fromRegistry, Files.readAllBytes(layout.blobPath(named.digest())));
    }

    @Test
    void imagesListsWhatWasPulled() throws Exception {
        String ref = registry.hostPort() + "/shared/app:a";
        assertEquals(0, cli().run("pull", "-q", ref).exitCode());

        Cli.Result table = cli().run("images");
        assertEquals(0, table.exitCode(), table::toString);
        String[] lines = table.out().split("\n");
        assertTrue(lines[0].matches("REPOSITORY\\s+TAG\\s+IMAGE ID\\s+CREATED\\s+SIZE"), lines[0]);
        assertTrue(lines[1].startsWith(registry.hostPort() + "/shared/app   a "), lines[1]);

        Cli.Result json = cli().run("images", "--format", "json");
        assertTrue(json.out().contains("\"Reference\":\"" + ref + "\""), json::toString);
    }

    @Test
    void quietPullPrintsOnlyTheReference() throws Exception {
        String ref = registry.hostPort() + "/shared/app:b";
        Cli.Result result = cli().run("pull", "-q", ref);
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(ref + "\n", result.out());
        assertEquals("", result.err());
    }

    @Test
    void missingTagIsNotFound() {
        Cli.Result result = cli().run("pull", registry.hostPort() + "/shared/app:nope");
        assertEquals(3, result.exitCode(), result::toString);
        assertTrue(result.err().contains("jreg: " + registry.hostPort() + "/shared/app:nope: manifest unknown"),
                result::toString);
    }

    @Test
    void missingPlatformIsNotFoundAndNamesWhatExists() {
        Cli.Result result = cli().run("pull", "--platform", "linux/s390x", registry.hostPort() + "/multi/app:1");
        assertEquals(3, result.exitCode(), result::toString);
        assertTrue(result.err().contains("linux/amd64, linux/arm64)"), result::toString);
    }
}
