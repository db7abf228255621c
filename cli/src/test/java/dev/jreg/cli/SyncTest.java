package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.ImageLocation;
import dev.jreg.Jreg;
import dev.jreg.JregOptions;
import dev.jreg.RegistryOptions;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.Processes;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code jreg sync} from a skopeo sync YAML file between real registries, against skopeo sync itself. */
@ExtendWith(RealRegistryCondition.class)
class SyncTest {
    @TempDir
    static Path dir;
    static DistributionRegistry source;
    static DistributionRegistry destination;
    static Path fixtures;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        source = DistributionRegistry.open(dir);
        destination = DistributionRegistry.open(dir);
        fixtures = dir.resolve("fixtures");
        OciLayout layout = OciLayout.open(fixtures);
        Platform amd64 = Platform.of("linux", "amd64", null);
        TestImages.writeImage(layout, Reference.parse("localhost/f:a"), amd64, List.of(TestImages.layer(71, 30_000)));
        TestImages.writeImage(layout, Reference.parse("localhost/f:b"), amd64, List.of(TestImages.layer(72, 30_000)));
        TestImages.writeImage(layout, Reference.parse("localhost/f:c"), amd64, List.of(TestImages.layer(73, 30_000)));
        for (String[] push : new String[][] {{"a", "demo/app:1"}, {"b", "demo/app:2"}, {"a", "demo/app:3"},
                {"a", "tools/base:v1.0"}, {"b", "tools/base:v1.1"}, {"b", "tools/base:v2-rc"}}) {
            put(push[0], push[1]);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        source.close();
        destination.close();
    }

    static void put(String fixture, String target) throws Exception {
        Skopeo.copy("oci:" + fixtures + ":localhost/f:" + fixture, "docker://" + source.hostPort() + "/" + target);
    }

    /** A skopeo sync file: a tag list, a tag pattern, and whatever more the test adds. */
    Path config(String more) throws Exception {
        Path file = home.resolve("sync-" + System.nanoTime() + ".yaml");
        Files.writeString(file, source.hostPort() + ":\n"
                + "  tls-verify: false\n"
                + "  images:\n"
                + "    demo/app: [\"1\", \"2\"]\n"
                + more
                + "  images-by-tag-regex:\n"
                + "    tools/base: ^v1\\.[0-9]+$\n");
        return file;
    }

    Cli cli() {
        return new Cli(home, store);
    }

    /** Every tag of the repositories under a destination and the digest its HEAD gives. */
    Map<String, Digest> contents(String prefix, String... repositories) throws Exception {
        Jreg jreg = Jreg.open(new JregOptions(store, RegistryOptions.defaults(), 2));
        Map<String, Digest> found = new TreeMap<>();
        for (String repository : repositories) {
            ImageLocation location = new ImageLocation.Registry(Reference.parse(prefix + "/" + repository + ":x"));
            for (String tag : jreg.tags(location)) {
                Descriptor head = jreg.resolveDestination(location.withTag(tag)).orElseThrow();
                found.put(repository + ":" + tag, head.digest());
            }
        }
        return found;
    }

    long blobWrites() throws Exception {
        return destination.countRequests("POST", "/v2/.*/blobs/uploads/\\S*")
                + destination.countRequests("PATCH", "/v2/.*/blobs/uploads/\\S*")
                + destination.countRequests("PUT", "/v2/.*/blobs/uploads/\\S*");
    }

    @Test
    void syncsAsSkopeoSyncDoesThenMovesNothingThenOnlyTheMovedTag() throws Exception {
        Assumptions.assumeTrue(Skopeo.available(), "skopeo is not installed");
        Path file = config("");
        String prefix = destination.hostPort() + "/mirror";
        Cli.Result first = cli().run("sync", "--config", file.toString(), "--dest", prefix);
        assertEquals(0, first.exitCode(), first::toString);
        assertTrue(first.out().endsWith("4 copied, 0 up to date, 0 failed, 1 skipped\n"), first::toString);
        assertTrue(first.out().lines().allMatch(l -> l.length() <= 80), first::toString);

        try (DistributionRegistry peer = DistributionRegistry.open(dir)) {
            List<String> command = List.of("skopeo", "--insecure-policy", "sync", "--src", "yaml", "--dest", "docker",
                    "--dest-tls-verify=false", file.toString(), peer.hostPort() + "/mirror");
            Processes.run(command, Duration.ofMinutes(2)).assertOk(command);
            Map<String, Digest> skopeos = contentsOf(peer.hostPort() + "/mirror");
            assertEquals(skopeos, contents(prefix, "app", "base"));
            assertEquals(List.of("app:1", "app:2", "base:v1.0", "base:v1.1"), List.copyOf(skopeos.keySet()));
        }

        long before = blobWrites();
        Cli.Result second = cli().run("sync", "--config", file.toString(), "--dest", prefix);
        assertEquals(0, second.exitCode(), second::toString);
        assertTrue(second.out().endsWith("0 copied, 4 up to date, 0 failed, 1 skipped\n"), second::toString);
        assertEquals(before, blobWrites(), "a second run moved blobs");

        put("c", "demo/app:2");
        try {
            long manifests = destination.countRequests("PUT", "/v2/.*/manifests/\\S*");
            Cli.Result third = cli().run("sync", "--config", file.toString(), "--dest", prefix, "--format", "json");
            assertEquals(0, third.exitCode(), third::toString);
            JsonNode json = Json.parse(third.out());
            assertEquals(1, json.path("totals").path("copied").asInt(), third::toString);
            assertEquals(3, json.path("totals").path("up-to-date").asInt(), third::toString);
            JsonNode copied = json.path("images").get(1);
            assertEquals(source.hostPort() + "/demo/app:2", copied.path("source").asText());
            assertEquals("copied", copied.path("status").asText());
            assertEquals(2, copied.path("blobsCopied").asInt(), "the new layer and config alone: " + third);
            assertEquals(manifests + 1, destination.countRequests("PUT", "/v2/.*/manifests/\\S*"));
            assertEquals(contents(source.hostPort() + "/demo", "app").get("app:2"), contents(prefix, "app").get("app:2"));
        } finally {
            put("b", "demo/app:2");
        }
    }

    Map<String, Digest> contentsOf(String prefix) throws Exception {
        return contents(prefix, "app", "base");
    }

    @Test
    void oneMissingRepositoryFailsAloneWithThePartialFailureCode() throws Exception {
        Path file = config("    missing/nothing: [\"1\"]\n");
        String prefix = destination.hostPort() + "/partial";
        Cli.Result result = cli().run("sync", "--config", file.toString(), "--dest", prefix);
        assertEquals(ExitCodes.PARTIAL_FAILURE, result.exitCode(), result::toString);
        assertTrue(result.out().contains(source.hostPort() + "/missing/nothing:1   failed"), result::toString);
        assertTrue(result.out().contains(source.hostPort() + "/missing/nothing:1: "), result::toString);
        assertTrue(result.out().endsWith("4 copied, 0 up to date, 1 failed, 1 skipped\n"), result::toString);
        assertEquals(List.of("app:1", "app:2", "base:v1.0", "base:v1.1"),
                List.copyOf(contents(prefix, "app", "base").keySet()));
    }

    @Test
    void imagesSharingABlobWriteItOnceAndMountItIntoTheNextRepository() throws Exception {
        OciLayout layout = OciLayout.open(fixtures);
        Platform amd64 = Platform.of("linux", "amd64", null);
        TestImages.Layer base = TestImages.layer(80, 200_000);
        StringBuilder images = new StringBuilder();
        for (String repository : List.of("one", "two")) {
            for (int tag = 1; tag <= 3; tag++) {
                String fixture = repository + tag;
                TestImages.writeImage(layout, Reference.parse("localhost/f:" + fixture), amd64,
                        List.of(base, TestImages.layer(fixture.hashCode(), 20_000)));
                put(fixture, "shared/" + repository + ":" + tag);
            }
            images.append("    shared/").append(repository).append(": [\"1\", \"2\", \"3\"]\n");
        }
        Path file = home.resolve("shared.yaml");
        Files.writeString(file, source.hostPort() + ":\n  tls-verify: false\n  images:\n" + images);
        String prefix = destination.hostPort() + "/fanout";

        // Six images at once, all needing the same blob: registries refuse a manifest while the
        // repository's link to a blob is being rewritten by a second upload of it.
        Cli.Result result = cli().run("sync", "--config", file.toString(), "--dest", prefix, "-j", "6");

        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.out().endsWith("6 copied, 0 up to date, 0 failed, 0 skipped\n"), result::toString);
        String hex = base.descriptor().digest().hex();
        assertEquals(1, destination.countRequests("PUT", "/v2/fanout/\\S*digest=sha256(:|%3A)" + hex + "\\S*"));
        assertEquals(1, destination.countRequests("POST", "/v2/fanout/\\S*mount=sha256(:|%3A)" + hex + "\\S*"));
        assertEquals(6, contents(prefix, "one", "two").size());
        assertEquals(1, result.err().lines().filter(l -> l.endsWith(", 1 mounted)")).count(), result::toString);
    }

    @Test
    void onATerminalEachImagesLineIsCutToTheWidthAndTheSummaryKeepsItWhole() throws Exception {
        Path file = config("");
        String prefix = destination.hostPort() + "/a-destination-prefix-long-enough-to-pass-eighty-columns";
        Cli.Result result = cli().stderrTerminal().env("COLUMNS", "80")
                .run("sync", "--config", file.toString(), "--dest", prefix, "--dry-run");
        assertEquals(0, result.exitCode(), result::toString);
        List<String> lines = result.err().lines().toList();
        assertEquals(4, lines.size(), result::toString);
        for (String line : lines) {
            assertEquals(80, line.length(), line);
            assertTrue(line.startsWith("Would copy " + source.hostPort() + "/") && line.endsWith("…"), line);
        }
        assertTrue(result.out().contains(source.hostPort() + "/demo/app:1 "), result::toString);

        Cli.Result piped = cli().env("COLUMNS", "80")
                .run("sync", "--config", file.toString(), "--dest", prefix, "--dry-run");
        assertTrue(piped.err().contains("Would copy " + source.hostPort() + "/demo/app:1 to " + prefix + "/app:1\n"),
                piped::toString);
    }

    @Test
    void aDryRunListsWhatWouldBeCopiedAndWritesNothing() throws Exception {
        Path file = config("");
        String prefix = destination.hostPort() + "/dry";
        long before = blobWrites();
        Cli.Result result = cli().run("sync", "--config", file.toString(), "--dest", prefix, "--dry-run");
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.out().endsWith("0 copied, 0 up to date, 4 would copy, 0 failed, 1 skipped\n"),
                result::toString);
        assertTrue(result.err().contains("Would copy " + source.hostPort() + "/demo/app:1 to " + prefix + "/app:1"),
                result::toString);
        assertEquals(before, blobWrites());
        assertEquals(0, destination.countRequests("PUT", "/v2/dry/.*/manifests/\\S*"));
    }

    @Test
    void aFileJregCannotReadIsOneLineAndExitTwo() throws Exception {
        Path file = home.resolve("bad.yaml");
        Files.writeString(file, "quay.io:\n  images-by-semver:\n    x: '>=1 <<2'\n");
        Cli.Result result = cli().run("sync", "--config", file.toString(), "--dest", "localhost:5000");
        assertEquals(2, result.exitCode(), result::toString);
        assertEquals("jreg: " + file + ": quay.io: images-by-semver: x: not a semver constraint: \">=1 <<2\"\n",
                result.err());
        assertFalse(Files.exists(store.resolve("index.json")));
        Cli.Result noDest = cli().run("sync", "--config", config("").toString());
        assertEquals(2, noDest.exitCode(), noDest::toString);
        assertTrue(noDest.err().contains("no destination: give --dest or a destination key"), noDest::toString);
    }
}
