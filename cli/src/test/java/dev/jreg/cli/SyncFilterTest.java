package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.ImageLocation;
import dev.jreg.Jreg;
import dev.jreg.JregOptions;
import dev.jreg.RegistryOptions;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jreg sync}'s choice of tags and platforms between real registries: skopeo's
 * images-by-semver, jreg's tags filter and all-tags, and platform subsets kept up to date.
 */
@ExtendWith(RealRegistryCondition.class)
class SyncFilterTest {
    static final List<String> TAGS = List.of("1.0.0", "1.2.0", "1.2.5", "2.0.0", "2.0.0-rc1", "latest", "v1.3.0");
    static final Platform AMD64 = Platform.of("linux", "amd64", null);
    static final Platform ARM64 = Platform.of("linux", "arm64", null);
    static final Platform ARMV7 = Platform.of("linux", "arm", "v7");

    @TempDir
    static Path dir;
    static DistributionRegistry source;
    static DistributionRegistry destination;
    static ManifestBlob index;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        source = DistributionRegistry.open(dir);
        destination = DistributionRegistry.open(dir);
        Path fixtures = dir.resolve("fixtures");
        OciLayout layout = OciLayout.open(fixtures);
        TestImages.writeImage(layout, Reference.parse("localhost/f:a"), AMD64, List.of(TestImages.layer(91, 10_000)));
        for (String tag : TAGS) {
            Skopeo.copy("oci:" + fixtures + ":localhost/f:a", "docker://" + source.hostPort() + "/semver/app:" + tag);
        }
        Map<Platform, List<TestImages.Layer>> platforms = new LinkedHashMap<>();
        platforms.put(AMD64, List.of(TestImages.layer(92, 20_000)));
        platforms.put(ARM64, List.of(TestImages.layer(93, 20_000)));
        platforms.put(ARMV7, List.of(TestImages.layer(94, 20_000)));
        index = TestImages.writeIndex(layout, Reference.parse("localhost/f:multi"), platforms);
        Skopeo.copy("--all", "oci:" + fixtures + ":localhost/f:multi",
                "docker://" + source.hostPort() + "/multi/app:1");
    }

    @AfterAll
    static void stop() throws Exception {
        source.close();
        destination.close();
    }

    /** Runs a sync of one source with these keys into a destination prefix of its own. */
    Cli.Result sync(String prefix, String keys, String... more) throws Exception {
        Path file = home.resolve("sync-" + System.nanoTime() + ".yaml");
        Files.writeString(file, source.hostPort() + ":\n  tls-verify: false\n" + keys);
        List<String> args = new ArrayList<>(List.of("sync", "--config", file.toString(), "--dest",
                destination.hostPort() + "/" + prefix));
        args.addAll(List.of(more));
        return new Cli(home, store).run(args.toArray(String[]::new));
    }

    /** The tags of a destination repository. */
    List<String> tags(String repository) throws Exception {
        Jreg jreg = Jreg.open(new JregOptions(store, RegistryOptions.defaults(), 2));
        return jreg.tags(new ImageLocation.Registry(Reference.parse(destination.hostPort() + "/" + repository + ":x")))
                .stream().sorted().toList();
    }

    long blobWrites() throws Exception {
        return destination.countRequests("POST", "/v2/.*/blobs/uploads/\\S*")
                + destination.countRequests("PUT", "/v2/.*/blobs/uploads/\\S*");
    }

    @Test
    void imagesBySemverTakesTheVersionTagsTheConstraintMeets() throws Exception {
        Cli.Result result = sync("semver", "  images-by-semver:\n    semver/app: \">= 1.2, < 2\"\n");
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.out().endsWith("3 copied, 0 up to date, 0 failed, 4 skipped\n"), result::toString);
        assertEquals(List.of("1.2.0", "1.2.5", "v1.3.0"), tags("semver/app"));

        Cli.Result pre = sync("semver-pre", "  images-by-semver:\n    semver/app: \"~2.0.0-0 || <1.1\"\n");
        assertEquals(0, pre.exitCode(), pre::toString);
        assertEquals(List.of("1.0.0", "2.0.0", "2.0.0-rc1"), tags("semver-pre/app"), "pre-releases when named");
    }

    @Test
    void theTagsFilterKeepsAllowedUndeniedVersionsThenTheNewest() throws Exception {
        Cli.Result result = sync("newest", "  images:\n    semver/app: []\n  tags:\n    deny: [\"-rc\"]\n"
                + "    newest: 2\n");
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.out().endsWith("2 copied, 0 up to date, 0 failed, 5 skipped\n"), result::toString);
        assertEquals(List.of("2.0.0", "v1.3.0"), tags("newest/app"));

        Cli.Result filtered = sync("allow",
                "  images:\n    semver/app: [\"1.0.0\", \"1.2.0\", \"latest\", \"v1.3.0\"]\n"
                + "  tags:\n    allow: [\"^v?1\\\\.\"]\n    semver: \">1.0\"\n", "--format", "json");
        assertEquals(0, filtered.exitCode(), filtered::toString);
        JsonNode json = Json.parse(filtered.out());
        assertEquals(2, json.path("totals").path("copied").asInt(), filtered::toString);
        assertEquals(2, json.path("totals").path("skipped").asInt(), filtered::toString);
        assertEquals(List.of("1.2.0", "v1.3.0"), tags("allow/app"));
    }

    @Test
    void allTagsTakesEveryTagOfTheListedRepositories() throws Exception {
        Cli.Result result = sync("all", "  images:\n    semver/app: [\"1.0.0\"]\n  all-tags: true\n");
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.out().endsWith("7 copied, 0 up to date, 0 failed, 0 skipped\n"), result::toString);
        assertEquals(TAGS.stream().sorted().toList(), tags("all/app"));
    }

    @Test
    void platformsCopyANewIndexOfThemAndASecondRunMovesNothing() throws Exception {
        String keys = "  images:\n    multi/app: [\"1\"]\n  platforms: [linux/amd64, linux/arm64]\n";
        Cli.Result first = sync("platforms", keys);
        assertEquals(0, first.exitCode(), first::toString);
        assertTrue(first.out().endsWith("1 copied, 0 up to date, 0 failed, 0 skipped\n"), first::toString);

        String target = "docker://" + destination.hostPort() + "/platforms/app:1";
        byte[] raw = Skopeo.inspectRaw(target);
        JsonNode written = Json.parse(new String(raw, java.nio.charset.StandardCharsets.UTF_8));
        JsonNode original = Json.parse(new String(index.bytes(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(2, written.path("manifests").size(), written::toString);
        for (int i = 0; i < 2; i++) {
            assertEquals(original.path("manifests").get(i), written.path("manifests").get(i),
                    "the chosen children, digests unchanged");
        }
        Digest subset = Digest.sha256(raw);
        assertTrue(first.out().contains(subset.hex().substring(0, 12)), "the row shows the new index: " + first);

        long writes = blobWrites();
        long manifests = destination.countRequests("PUT", "/v2/.*/manifests/\\S*");
        Cli.Result second = sync("platforms", keys);
        assertEquals(0, second.exitCode(), second::toString);
        assertTrue(second.out().endsWith("0 copied, 1 up to date, 0 failed, 0 skipped\n"), second::toString);
        assertEquals(writes, blobWrites(), "a second run moved blobs");
        assertEquals(manifests, destination.countRequests("PUT", "/v2/.*/manifests/\\S*"));

        Cli.Result one = sync("one-platform", "  images:\n    multi/app: [\"1\"]\n  platforms: [linux/arm/v7]\n");
        assertEquals(0, one.exitCode(), one::toString);
        Cli.Result again = sync("one-platform", "  images:\n    multi/app: [\"1\"]\n  platforms: [linux/arm/v7]\n");
        assertTrue(again.out().endsWith("0 copied, 1 up to date, 0 failed, 0 skipped\n"), again::toString);
        assertEquals(original.path("manifests").get(2).path("digest").asText(),
                Digest.sha256(Skopeo.inspectRaw("docker://" + destination.hostPort() + "/one-platform/app:1"))
                        .toString(), "one platform is that image itself");
    }

    @Test
    void platformsWithReferrersCopyAndThenFindTheNewIndexUpToDate() throws Exception {
        // The new index exists only at the destination: its children's referrers are looked up
        // at the source, the index itself read where it was written.
        String keys = "  images:\n    multi/app: [\"1\"]\n  platforms: [linux/amd64, linux/arm64]\n";
        Cli.Result first = sync("platforms-referrers", keys, "--include-referrers");
        assertEquals(0, first.exitCode(), first::toString);
        assertTrue(first.out().endsWith("1 copied, 0 up to date, 0 failed, 0 skipped\n"), first::toString);
        Cli.Result second = sync("platforms-referrers", keys, "--include-referrers");
        assertEquals(0, second.exitCode(), second::toString);
        assertTrue(second.out().endsWith("0 copied, 1 up to date, 0 failed, 0 skipped\n"), second::toString);
    }

    @Test
    void anIntervalThatIsNoDurationOfASecondOrMoreIsAUsageError() throws Exception {
        for (String interval : List.of("soon", "500ms", "1d")) {
            Cli.Result result = sync("never", "  images:\n    semver/app: []\n", "--interval", interval);
            assertEquals(2, result.exitCode(), result::toString);
            assertEquals(1, result.err().lines().count(), result::toString);
            assertTrue(result.err().startsWith("jreg: ") && result.err().contains("--interval"), result::toString);
        }
        assertEquals(0, destination.countRequests("PUT", "/v2/never/.*"), "nothing was copied");
    }
}
