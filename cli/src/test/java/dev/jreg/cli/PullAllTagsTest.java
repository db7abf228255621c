package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code pull -a} is docker's {@code --all-tags}; every platform only by {@code --all-platforms}. */
@ExtendWith(RealRegistryCondition.class)
class PullAllTagsTest {
    static final Platform AMD64 = Platform.of("linux", "amd64", null);
    static final Platform ARM64 = Platform.of("linux", "arm64", "v8");

    @TempDir
    static Path dir;
    static DistributionRegistry registry;
    static String r;
    static ManifestBlob one;
    static ManifestBlob two;
    static ManifestBlob index;
    /** An index of one platform, linux/arm64. */
    static ManifestBlob armOnly;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        registry = DistributionRegistry.open(dir);
        r = registry.hostPort();
        OciLayout fixtures = OciLayout.open(dir.resolve("fixtures"));
        one = TestImages.writeImage(fixtures, Reference.parse("localhost/f:one"), AMD64, List.of(TestImages.layer(81, 20_000)));
        two = TestImages.writeImage(fixtures, Reference.parse("localhost/f:two"), AMD64, List.of(TestImages.layer(82, 20_000)));
        Map<Platform, List<TestImages.Layer>> platforms = new LinkedHashMap<>();
        platforms.put(AMD64, List.of(TestImages.layer(83, 10_000)));
        platforms.put(ARM64, List.of(TestImages.layer(84, 10_000)));
        index = TestImages.writeIndex(fixtures, Reference.parse("localhost/f:multi"), platforms);
        armOnly = TestImages.writeIndex(fixtures, Reference.parse("localhost/f:arm"), Map.of(ARM64,
                List.of(TestImages.layer(85, 10_000))));
        String layout = "oci:" + fixtures.root() + ":";
        Skopeo.copy(layout + "localhost/f:one", "docker://" + r + "/team/app:1");
        Skopeo.copy(layout + "localhost/f:two", "docker://" + r + "/team/app:2");
        Skopeo.copy("--all", layout + "localhost/f:multi", "docker://" + r + "/mixed/app:multi");
        Skopeo.copy("--all", layout + "localhost/f:arm", "docker://" + r + "/mixed/app:armonly");
    }

    @AfterAll
    static void stop() throws Exception {
        registry.close();
    }

    Cli.Result run(String... args) {
        return new Cli(home, store).run(args);
    }

    /** The references of a repository's tags, in the order the registry lists them. */
    List<String> everyTag(String repository) {
        return run("tags", repository).out().lines().map(tag -> repository + ":" + tag).toList();
    }

    LocalStore local() throws Exception {
        return LocalStore.open(store);
    }

    @Test
    void pullDashAPullsEveryTagOfTheRepository() throws Exception {
        Cli.Result result = run("pull", "-a", r + "/team/app");

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(everyTag(r + "/team/app"), result.out().lines().toList());
        assertEquals(List.of(r + "/team/app:1", r + "/team/app:2"), result.out().lines().sorted().toList());
        assertTrue(result.err().contains("1: Pulling from team/app\n") && result.err().contains("2: Pulling from team/app\n"),
                result::toString);
        assertEquals(one.digest(), local().lookup(Reference.parse(r + "/team/app:1")).orElseThrow().digest());
        assertEquals(two.digest(), local().lookup(Reference.parse(r + "/team/app:2")).orElseThrow().digest());
    }

    @Test
    void eachTagGivesTheImageForThePlatformAndATagWithoutOneIsSkipped() throws Exception {
        Cli.Result result = run("pull", "--all-tags", "--platform", "linux/amd64", r + "/mixed/app");

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(r + "/mixed/app:multi\n", result.out());
        assertTrue(result.err().contains("armonly: skipped: no image for platform linux/amd64"), result::toString);
        ManifestBlob amd64 = ManifestBlob.of(local().readBlob(
                local().lookup(Reference.parse(r + "/mixed/app:multi")).orElseThrow().digest(), ManifestBlob.MAX_SIZE), null);
        assertEquals(((ImageIndex) index.manifest()).manifests().get(0).digest(), amd64.digest(),
                "the amd64 image out of the index, not the index");
    }

    @Test
    void noTagWithAnImageForThePlatformIsNotFound() {
        Cli.Result result = run("pull", "-a", "--platform", "linux/s390x", r + "/mixed/app");

        assertEquals(3, result.exitCode(), result::toString);
        assertTrue(result.err().endsWith("jreg: none of the 2 tags of " + r + "/mixed/app has an image for linux/s390x\n"),
                result::toString);
    }

    @Test
    void allPlatformsIsTheLongOptionOnlyAndCombinesWithAllTags() throws Exception {
        Cli.Result result = run("pull", "-q", "-a", "--all-platforms", r + "/mixed/app");

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(everyTag(r + "/mixed/app"), result.out().lines().toList());
        assertEquals(index.digest(), local().lookup(Reference.parse(r + "/mixed/app:multi")).orElseThrow().digest(),
                "the whole index, digest unchanged");
        assertEquals(armOnly.digest(), local().lookup(Reference.parse(r + "/mixed/app:armonly")).orElseThrow().digest());
        Cli.Result withTag = run("pull", "-a", r + "/mixed/app:multi");
        assertEquals(2, withTag.exitCode(), withTag::toString);
        assertEquals("jreg: --all-tags takes a repository without a tag: " + r + "/mixed/app:multi\n", withTag.err());
    }
}
