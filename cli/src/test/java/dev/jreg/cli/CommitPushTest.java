package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.Processes;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.TreeSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A committed image against a real registry: pushed, then read by skopeo; and unpacked into an
 * empty store, which pulls it first as {@code docker create} would, unless {@code --pull never}.
 */
@ExtendWith(RealRegistryCondition.class)
class CommitPushTest {
    @TempDir
    static Path dir;
    static DistributionRegistry registry;

    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        registry = DistributionRegistry.open(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    /**
     * history reads the registry by default: of a committed image not pushed, the registry's
     * not-found line says that the store has it, and how to read it there; exit 3 still.
     */
    @Test
    void historyOfAnImageOnlyInTheStorePointsToLocal() throws Exception {
        UnpackCommitTest.storeBase(store);
        Cli cli = new Cli(home, store);
        String name = registry.hostPort() + "/only/here:1";
        cli.ok("commit", "--base", "base:1", "-c", "LABEL made=here", name);
        Cli.Result history = cli.run("history", name);
        assertEquals(3, history.exitCode(), history::toString);
        assertEquals(1, history.err().lines().count(), history::toString);
        assertTrue(history.err().startsWith("jreg: " + registry.hostPort() + "/only/here:1"), history::toString);
        assertTrue(history.err().endsWith("; the store has " + name + ": jreg history --local " + name + "\n"),
                history::toString);
        assertEquals("", history.out());
        assertTrue(cli.ok("history", "--local", "--no-trunc", name).out().contains("LABEL made=here"));
    }

    /**
     * As docker create --platform: the store's image of another platform than the one asked is
     * no image of it, so unpack pulls that platform (but not with --pull never).
     */
    @Test
    void unpackPullsThePlatformAskedWhenTheStoreHoldsAnother() throws Exception {
        java.util.Map<dev.jreg.model.Platform, List<dev.jreg.testing.TestImages.Layer>> platforms =
                new java.util.LinkedHashMap<>();
        for (String arch : List.of("amd64", "arm64")) {
            platforms.put(dev.jreg.model.Platform.of("linux", arch, null), List.of(dev.jreg.testing.TestImages.gzipLayer(
                    new dev.jreg.testing.TarBuilder().file("arch", arch).tar())));
        }
        String name = registry.hostPort() + "/multi:1";
        dev.jreg.testing.TestImages.writeIndex(dev.jreg.internal.layout.OciLayout.open(work.resolve("source")),
                Reference.parse(name), platforms);
        new Cli(home, work.resolve("source")).ok("push", name);
        Cli cli = new Cli(home, store);
        cli.ok("pull", "--platform", "linux/amd64", name);

        Cli.Result never = cli.run("unpack", "--pull", "never", "--platform", "linux/arm64", name,
                work.resolve("never").toString());
        assertEquals(3, never.exitCode(), never::toString);
        assertEquals("jreg: no image for platform linux/arm64 in local:" + name + " (it has linux/amd64)\n", never.err());
        Path arm = work.resolve("arm");
        Cli.Result pulled = cli.ok("unpack", "--platform", "linux/arm64", name, arm.toString());
        assertTrue(pulled.err().startsWith("Unable to find image '" + name + "' locally\n"), pulled.err());
        assertEquals("arm64", Files.readString(arm.resolve("arch")));
    }

    @Test
    void aCommittedImagePushesAndUnpacksElsewhereAfterAPull() throws Exception {
        UnpackCommitTest.storeBase(store);
        Cli cli = new Cli(home, store);
        Path rootfs = work.resolve("rootfs");
        cli.ok("unpack", "base:1", rootfs.toString());
        UnpackCommitTest.edit(rootfs);
        String name = registry.hostPort() + "/committed/app:1";
        String id = cli.ok("commit", "-c", "CMD [\"./run.sh\"]", rootfs.toString(), name).lastLine();
        Descriptor committed = LocalStore.open(store).lookup(Reference.parse(name)).orElseThrow();
        assertEquals("1: digest: " + committed.digest() + " size: " + committed.size(), cli.ok("push", name).lastLine());

        List<String> inspect = List.of("skopeo", "inspect", "--tls-verify=false", "docker://" + name);
        JsonNode seen = Json.parse(Processes.run(inspect, Duration.ofMinutes(1)).assertOk(inspect).stdout());
        assertEquals(committed.digest().toString(), seen.path("Digest").asText());
        assertEquals(3, seen.path("Layers").size());
        List<String> raw = List.of("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + name);
        assertArrayEquals(LocalStore.open(store).readManifest(committed).bytes(),
                Processes.run(raw, Duration.ofMinutes(1)).assertOk(raw).stdout());
        List<String> config = List.of("skopeo", "inspect", "--config", "--tls-verify=false", "docker://" + name);
        JsonNode pushedConfig = Json.parse(Processes.run(config, Duration.ofMinutes(1)).assertOk(config).stdout());
        assertEquals("./run.sh", pushedConfig.path("config").path("Cmd").path(0).asText());

        Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
        Cli fresh = new Cli(home, elsewhere.resolve("store"));
        Cli.Result never = fresh.run("unpack", "--pull", "never", name, work.resolve("never").toString());
        assertEquals(3, never.exitCode(), never::toString);
        Path again = work.resolve("again");
        Cli.Result pulled = fresh.ok("unpack", name, again.toString());
        assertTrue(pulled.err().startsWith("Unable to find image '" + name + "' locally\n"), pulled.err());
        assertTrue(pulled.err().contains("Status: Downloaded newer image for " + name + "\n"), pulled.err());
        assertTrue(pulled.err().endsWith("Unpacked " + name + " (3 layers; " + UnpackCommitTest.unpackedFiles(again)
                + ") into " + again.toRealPath() + "\n"), pulled.err());
        assertEquals("", pulled.out());
        assertEquals("", TreeSnapshot.of(rootfs).files().toTheSecond().differences(
                TreeSnapshot.of(again).files().toTheSecond()));
        assertEquals(id, fresh.ok("images", "-q", "--no-trunc", name).lastLine());
    }
}
