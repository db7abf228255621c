package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages.Layer;
import dev.jreg.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A stored blob with one byte flipped: push refuses it, verify --repair removes it and keeps the names, pull restores it. */
@ExtendWith(RealRegistryCondition.class)
class CorruptBlobTest {
    @TempDir
    static Path dir;
    static DistributionRegistry registry;
    /** Another registry, which has none of the blobs, so a push uploads them. */
    static DistributionRegistry other;
    static String r;
    static Layer base;
    static Layer top;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        registry = DistributionRegistry.open(Files.createDirectories(dir.resolve("source")));
        other = DistributionRegistry.open(Files.createDirectories(dir.resolve("other")));
        r = registry.hostPort();
        OciLayout fixtures = OciLayout.open(dir.resolve("fixtures"));
        base = TestImages.layer(61, 120_000);
        top = TestImages.layer(62, 40_000);
        TestImages.writeImage(fixtures, Reference.parse("localhost/f:a"), Platform.of("linux", "amd64", null),
                List.of(base, top));
        Skopeo.copy("oci:" + dir.resolve("fixtures") + ":localhost/f:a", "docker://" + r + "/corrupt/app:1");
        Skopeo.copy("oci:" + dir.resolve("fixtures") + ":localhost/f:a", "docker://" + r + "/corrupt/app:latest");
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (other != null) {
            other.close();
        }
    }

    private Cli.Result run(String... args) {
        return new Cli(home, store).run(args);
    }

    private Cli.Result ok(String... args) {
        return new Cli(home, store).ok(args);
    }


    private static String damaged(Digest blob, String image) {
        return "jreg: blob " + blob + " from local:" + image + " is damaged: its bytes hash to ";
    }

    @Test
    void pushOfAFlippedByteStopsWithExit6AndTheRepairHint() throws Exception {
        ok("pull", "-q", r + "/corrupt/app:1");
        TestImages.flipByte(store, top.descriptor().digest());

        Cli.Result warm = ok("pull", r + "/corrupt/app:1");
        assertTrue(warm.err().contains("Image is up to date"), "a warm pull checks presence and size, as docker: " + warm);

        String target = other.hostPort() + "/pushed/app";
        ok("tag", r + "/corrupt/app:1", target + ":1");
        Cli.Result push = run("push", target + ":1");
        assertEquals(6, push.exitCode(), push::toString);
        String line = push.err().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(line.startsWith(damaged(top.descriptor().digest(), target + ":1")), push::toString);
        assertTrue(line.endsWith("; run `jreg verify --repair` to remove it, then pull the image again"), push::toString);
        assertEquals(3, run("digest", target + ":1").exitCode(), "no manifest was pushed");

        Cli.Result chunked = run("push", "--chunk-size", "16KiB", target + ":1");
        assertEquals(6, chunked.exitCode(), chunked::toString);
        assertTrue(chunked.err().contains(damaged(top.descriptor().digest(), target + ":1")), chunked::toString);
        assertEquals(3, run("digest", target + ":1").exitCode(), "no manifest was pushed");
    }

    @Test
    void repairKeepsEveryNameAndThePullOfOneRestoresThemAll() throws Exception {
        ok("pull", "-q", r + "/corrupt/app:1");
        ok("tag", r + "/corrupt/app:1", "localhost/mine:1");
        ok("tag", r + "/corrupt/app:1", r + "/corrupt/app:latest");
        TestImages.flipByte(store, top.descriptor().digest());

        Cli.Result repair = ok("verify", "--repair");
        assertTrue(repair.out().contains("Deleted corrupt blob: " + top.descriptor().digest() + "\n"), repair::toString);
        for (String name : List.of(r + "/corrupt/app:1", "localhost/mine:1", r + "/corrupt/app:latest")) {
            assertTrue(repair.out().contains("Incomplete image: " + name + " (kept: pull it to fetch what is missing)\n"),
                    repair::toString);
        }
        assertEquals(3, OciLayout.open(store).names().size(), "names made by tag are kept too");

        Cli.Result images = ok("images");
        assertEquals(3, images.out().lines().filter(l -> l.endsWith(" (incomplete)")).count(), images::toString);
        JsonNode json = Json.parse(ok("images", "--format", "json", "localhost/mine").out());
        assertFalse(json.path("Complete").asBoolean(true), json::toString);

        Cli.Result pull = ok("pull", r + "/corrupt/app:latest");
        assertFalse(pull.err().contains("up to date"), pull::toString);
        assertTrue(pull.err().contains("Downloaded newer image"), pull::toString);
        assertTrue(ok("verify").out().contains("store is clean"));
        assertFalse(ok("images").out().contains("(incomplete)"), "every name shares the restored blob");
    }

    @Test
    void aDeletedConfigLeavesTheNameListedAndAPullRestoresIt() throws Exception {
        ok("pull", "-q", r + "/corrupt/app:1");
        Descriptor named = LocalStore.open(store).lookup(Reference.parse(r + "/corrupt/app:1")).orElseThrow();
        Digest config = ((ImageManifest) OciLayout.open(store).readManifest(named).manifest()).config().digest();
        TestImages.flipByte(store, config);

        Cli.Result verify = run("verify");
        assertEquals(6, verify.exitCode(), verify::toString);
        ok("verify", "--repair");

        Cli.Result images = ok("images", "--format", "{{.Repository}}:{{.Tag}} {{.Complete}} {{.CreatedAt}}");
        assertEquals(r + "/corrupt/app:1 false \n", images.out());

        Cli.Result pull = ok("pull", r + "/corrupt/app:1");
        assertTrue(pull.err().contains("Downloaded newer image"), pull::toString);
        assertEquals(r + "/corrupt/app:1 true 2024-01-02T03:04:05Z\n",
                ok("images", "--format", "{{.Repository}}:{{.Tag}} {{.Complete}} {{.CreatedAt}}").out());
    }

    private static String incomplete(Digest blob) {
        return " is incomplete: blob " + blob + " is missing from the local store; pull it again to fetch what is missing\n";
    }

    @Test
    void pushAndCopyOfAnIncompleteImageSayWhatIsMissingWithExit3() throws Exception {
        ok("pull", "-q", r + "/corrupt/app:1");
        String target = other.hostPort() + "/pushed/app";
        ok("tag", r + "/corrupt/app:1", target + ":1");
        TestImages.flipByte(store, top.descriptor().digest());
        ok("verify", "--repair");

        Cli.Result push = run("push", target + ":1");
        assertEquals(3, push.exitCode(), push::toString);
        String line = push.err().lines().reduce((a, b) -> b).orElseThrow() + "\n";
        assertEquals("jreg: local:" + target + ":1" + incomplete(top.descriptor().digest()), line);
        assertFalse(push.err().contains(store.toString()), "no path: " + push);

        Cli.Result copy = run("copy", "local:" + target + ":1", "oci:" + dir.resolve("copied") + ":app");
        assertEquals(3, copy.exitCode(), copy::toString);
        assertTrue(copy.err().endsWith(incomplete(top.descriptor().digest())), copy::toString);
        assertFalse(copy.err().contains(store.toString()), "no path: " + copy);
    }

    @Test
    void pushOfAnImageWhoseConfigIsMissingSaysSoWithExit3() throws Exception {
        ok("pull", "-q", r + "/corrupt/app:1");
        Descriptor named = LocalStore.open(store).lookup(Reference.parse(r + "/corrupt/app:1")).orElseThrow();
        Digest config = ((ImageManifest) OciLayout.open(store).readManifest(named).manifest()).config().digest();
        String target = other.hostPort() + "/config/app";
        ok("tag", r + "/corrupt/app:1", target + ":1");
        TestImages.flipByte(store, config);
        ok("verify", "--repair");

        Cli.Result push = run("push", target + ":1");
        assertEquals(3, push.exitCode(), push::toString);
        assertTrue(push.err().endsWith(incomplete(config)), push::toString);
    }
}
