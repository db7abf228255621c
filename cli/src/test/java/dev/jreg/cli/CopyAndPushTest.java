package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** push, tag and copy against two real registries, with skopeo checking the results. */
@ExtendWith(RealRegistryCondition.class)
class CopyAndPushTest {
    @TempDir
    static Path dir;
    static DistributionRegistry a;
    static DistributionRegistry b;
    static ManifestBlob image;
    static ManifestBlob index;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        a = DistributionRegistry.open(dir);
        b = DistributionRegistry.open(dir);
        Path fixtures = dir.resolve("fixtures");
        OciLayout layout = OciLayout.open(fixtures);
        Platform amd64 = Platform.of("linux", "amd64", null);
        image = TestImages.writeImage(layout, Reference.parse("localhost/f:app"), amd64,
                List.of(TestImages.layer(21, 120_000), TestImages.layer(22, 60_000), TestImages.layer(23, 30_000)));
        Map<Platform, List<Layer>> platforms = new LinkedHashMap<>();
        platforms.put(amd64, List.of(TestImages.layer(24, 40_000), TestImages.layer(25, 10_000)));
        platforms.put(Platform.of("linux", "arm64", "v8"), List.of(TestImages.layer(26, 45_000), TestImages.layer(25, 10_000)));
        index = TestImages.writeIndex(layout, Reference.parse("localhost/f:multi"), platforms);
        Skopeo.copy("oci:" + fixtures + ":localhost/f:app", "docker://" + a.hostPort() + "/src/app:1");
        Skopeo.copy("--all", "oci:" + fixtures + ":localhost/f:multi", "docker://" + a.hostPort() + "/src/multi:1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    Cli cli() {
        return new Cli(home, store);
    }

    static Cli.Result ok(Cli.Result result) {
        assertEquals(0, result.exitCode(), result::toString);
        return result;
    }

    static Digest remoteDigest(String ref) throws Exception {
        return Digest.sha256(Skopeo.inspectRaw("docker://" + ref));
    }

    static long uploads(DistributionRegistry registry, String repository) throws Exception {
        return registry.countRequests("PUT", "/v2/" + repository + "/blobs/uploads/[^ ]*digest=[^ ]*");
    }

    @Test
    void copyKeepsTheDigestToAnotherRepositoryAndAnotherRegistry() throws Exception {
        for (String name : List.of("multi:1", "app:1")) {
            String source = a.hostPort() + "/src/" + name;
            ok(cli().run("copy", source, a.hostPort() + "/copy/" + name));
            ok(cli().run("mirror", source, b.hostPort() + "/mirror/" + name));
            Digest expected = name.startsWith("multi") ? index.digest() : image.digest();
            assertEquals(expected, remoteDigest(source));
            assertEquals(expected, remoteDigest(a.hostPort() + "/copy/" + name), "same registry, other repository");
            assertEquals(expected, remoteDigest(b.hostPort() + "/mirror/" + name), "other registry");
        }
        Path out = dir.resolve("skopeo-out-" + System.nanoTime());
        Skopeo.copy("--all", "docker://" + b.hostPort() + "/mirror/multi:1", "oci:" + out + ":x");

        Cli.Result byDigest = cli().run("copy", "-q", a.hostPort() + "/src/app:1", b.hostPort() + "/bydigest@" + image.digest());
        assertEquals(b.hostPort() + "/bydigest@" + image.digest() + "\n", byDigest.out(), "a target by digest, printed once");
    }

    @Test
    void copyAgainUploadsNothingAndANewRepositoryMountsInsteadOfUploading() throws Exception {
        String source = a.hostPort() + "/src/app:1";
        ok(cli().run("copy", source, b.hostPort() + "/again/app:1"));
        long before = uploads(b, "again/app");
        Cli.Result second = ok(cli().run("copy", source, b.hostPort() + "/again/app:1"));
        assertEquals(before, uploads(b, "again/app"), "a repeated copy uploads no blob");
        assertTrue(second.err().contains("Layer already exists"), second::toString);

        Cli.Result mounted = ok(cli().run("copy", source, a.hostPort() + "/mounted/app:1"));
        assertEquals(0, uploads(a, "mounted/app"), "no upload inside one registry");
        assertEquals(4, a.countRequests("POST", "/v2/mounted/app/blobs/uploads/\\?mount=sha256%3A[0-9a-f]+&from=src%2Fapp"),
                "config and three layers mounted");
        assertTrue(mounted.err().contains("Mounted from src/app"), mounted::toString);
    }

    @Test
    void retagInsideARegistryMovesNoBlobBytes() throws Exception {
        long getsBefore = a.countRequests("GET", "/v2/src/app/blobs/[^ ]+");
        long uploadsBefore = uploads(a, "src/app");
        ok(cli().run("copy", a.hostPort() + "/src/app:1", a.hostPort() + "/src/app:stable"));
        assertEquals(getsBefore, a.countRequests("GET", "/v2/src/app/blobs/[^ ]+"));
        assertEquals(uploadsBefore, uploads(a, "src/app"));
        assertEquals(image.digest(), remoteDigest(a.hostPort() + "/src/app:stable"));
    }

    @Test
    void pulledImagePushedBackIsByteIdenticalAndSkopeoReadsIt() throws Exception {
        String source = a.hostPort() + "/src/app:1";
        String target = a.hostPort() + "/back/app:1";
        ok(cli().run("pull", "-q", source));
        ok(cli().run("tag", source, target));
        Cli.Result push = ok(cli().run("push", target));

        assertEquals("1: digest: " + image.digest() + " size: " + image.size() + "\n", push.out());
        assertTrue(push.err().startsWith("The push refers to repository [" + a.hostPort() + "/back/app]"), push::toString);
        assertTrue(push.err().contains("Mounted from src/app"), "the store remembers where layers came from: " + push);
        assertArrayEquals(Skopeo.inspectRaw("docker://" + source), Skopeo.inspectRaw("docker://" + target));
        Path out = dir.resolve("skopeo-back-" + System.nanoTime());
        Skopeo.copy("docker://" + target, "oci:" + out + ":x");

        Cli.Result again = ok(cli().run("push", target));
        assertTrue(again.err().contains("Layer already exists"), again::toString);
    }

    @Test
    void pushAllTagsPushesEveryTagOfTheRepositoryInTheStore() throws Exception {
        ok(cli().run("pull", "-q", a.hostPort() + "/src/app:1"));
        ok(cli().run("pull", "-q", "--all-platforms", a.hostPort() + "/src/multi:1"));
        String repository = b.hostPort() + "/pushed-all/app";
        ok(cli().run("tag", a.hostPort() + "/src/app:1", repository + ":one"));
        ok(cli().run("tag", a.hostPort() + "/src/multi:1", repository + ":two"));

        Cli.Result push = ok(cli().run("push", "--all-tags", repository));

        assertEquals(2, push.out().lines().count(), push::toString);
        assertEquals(image.digest(), remoteDigest(repository + ":one"));
        assertEquals(index.digest(), remoteDigest(repository + ":two"), "an index in the store is pushed whole");
        assertEquals(2, cli().run("push", "--all-tags", repository + ":one").exitCode(), "a tag with --all-tags is a usage error");
    }

    @Test
    void onePlatformFromAnIndexIsAPlainImageSkopeoCanCopy() throws Exception {
        String target = b.hostPort() + "/arm/multi:1";
        ok(cli().run("copy", "--platform", "linux/arm64/v8", a.hostPort() + "/src/multi:1", target));
        ManifestBlob copied = ManifestBlob.of(Skopeo.inspectRaw("docker://" + target), null);
        ImageManifest manifest = (ImageManifest) copied.manifest();
        assertEquals(((ImageIndex) index.manifest()).select(Platform.parse("linux/arm64/v8")).orElseThrow().digest(),
                copied.digest());
        assertEquals(2, manifest.layers().size());
        Skopeo.copy("docker://" + target, "oci:" + dir.resolve("arm-" + System.nanoTime()) + ":x");
    }

    @Test
    void severalPlatformsMakeANewIndexThatSkopeoCopiesWhole() throws Exception {
        String target = b.hostPort() + "/both/multi:1";
        ok(cli().run("copy", "--platform", "linux/arm64/v8", "--platform", "linux/amd64", a.hostPort() + "/src/multi:1",
                target));
        ImageIndex copied = (ImageIndex) ManifestBlob.of(Skopeo.inspectRaw("docker://" + target), null).manifest();
        assertEquals(List.of("linux/arm64/v8", "linux/amd64"),
                copied.manifests().stream().map(d -> d.platform().toString()).toList());
        Skopeo.copy("--all", "docker://" + target, "oci:" + dir.resolve("both-" + System.nanoTime()) + ":x");
    }

    @Test
    void chunkedPushOfA50MegabyteLayer() throws Exception {
        Layer big = TestImages.layer(31, 50_000_000);
        Reference target = Reference.parse(a.hostPort() + "/chunked/app:1");
        ManifestBlob manifest = TestImages.writeImage(OciLayout.open(store), target, Platform.of("linux", "amd64", null),
                List.of(big));

        Cli.Result push = ok(cli().run("push", "--chunk-size", "5MiB", target.toString()));

        assertTrue(push.out().contains("digest: " + manifest.digest()), push::toString);
        long patches = a.countRequests("PATCH", "/v2/chunked/app/blobs/uploads/[^ ]+");
        assertTrue(patches >= 10, "50 MB in 5 MiB chunks takes at least 10 PATCHes, saw " + patches);
        Path out = dir.resolve("chunked-" + System.nanoTime());
        Skopeo.copy("docker://" + target, "oci:" + out + ":x");
        assertEquals(big.descriptor().size(), Files.size(out.resolve("blobs/sha256/" + big.descriptor().digest().hex())));
    }

    @Test
    void allTagsCopiesEveryTagAndNoClobberSkipsThemAfterwards() throws Exception {
        String repository = a.hostPort() + "/many/app";
        for (int i = 0; i < 30; i++) {
            ok(cli().run("copy", "-q", a.hostPort() + "/src/app:1", repository + ":t" + i));
        }
        Cli.Result first = ok(cli().run("copy", "--all-tags", repository, b.hostPort() + "/many/app"));
        assertEquals(30, first.out().lines().count(), first::toString);
        assertTrue(first.err().contains("Copied 30 of 30 tags, skipped 0"), first::toString);

        long manifestPuts = b.countRequests("PUT", "/v2/many/app/manifests/[^ ]+");
        Cli.Result second = ok(cli().run("copy", "--all-tags", "--no-clobber", repository, b.hostPort() + "/many/app"));
        assertTrue(second.err().contains("Copied 0 of 30 tags, skipped 30"), second::toString);
        assertEquals(manifestPuts, b.countRequests("PUT", "/v2/many/app/manifests/[^ ]+"), "nothing written");
    }

    @Test
    void copyIntoTheStoreAndOutToALayout() throws Exception {
        String source = a.hostPort() + "/src/multi:1";
        ok(cli().run("copy", source, "local:" + source));
        assertEquals(index.digest(), LocalStore.open(store).lookup(Reference.parse(source)).orElseThrow().digest(),
                "copy keeps every platform by default");
        Path layout = dir.resolve("layout-" + System.nanoTime());
        ok(cli().run("copy", "local:" + source, "oci:" + layout + ":multi"));
        assertArrayEquals(Skopeo.inspectRaw("docker://" + source), Skopeo.inspectRaw("oci:" + layout + ":multi"));
    }

    @Test
    void tagNamesByNameAndByDigestWithoutCopying() throws Exception {
        String source = a.hostPort() + "/src/app:1";
        ok(cli().run("pull", "-q", source));
        ok(cli().run("tag", source, "example.com/by-name:v1"));
        ok(cli().run("tag", image.digest().toString(), "example.com/by-digest:v1"));
        LocalStore layout = LocalStore.open(store);
        assertEquals(image.digest(), layout.lookup(Reference.parse("example.com/by-name:v1")).orElseThrow().digest());
        assertEquals(image.digest(), layout.lookup(Reference.parse("example.com/by-digest:v1")).orElseThrow().digest());

        Cli.Result missing = cli().run("tag", "nothing:here", "x:y");
        assertEquals(3, missing.exitCode(), missing::toString);
        assertEquals("jreg: no such image in the local store: nothing:here\n", missing.err());
    }
}
