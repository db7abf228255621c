package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A blob an earlier run wrote into one repository of a registry is mounted, not uploaded, into
 * another by a later run, from the store's record of where blobs went ({@code cache/registry-blobs/}).
 */
@ExtendWith(RealRegistryCondition.class)
class MountsAcrossRunsTest {
    @TempDir
    static Path dir;
    static DistributionRegistry destination;
    static String fixtures;
    static String sharedHex;

    @TempDir
    Path home;
    @TempDir
    Path store;

    @BeforeAll
    static void start() throws Exception {
        destination = DistributionRegistry.open(dir);
        Path layoutDir = dir.resolve("fixtures");
        OciLayout layout = OciLayout.open(layoutDir);
        Platform amd64 = Platform.of("linux", "amd64", null);
        TestImages.Layer shared = TestImages.layer(91, 100_000);
        TestImages.writeImage(layout, Reference.parse("localhost/f:a"), amd64,
                List.of(shared, TestImages.layer(92, 10_000)));
        TestImages.writeImage(layout, Reference.parse("localhost/f:b"), amd64,
                List.of(shared, TestImages.layer(93, 10_000)));
        fixtures = "oci:" + layoutDir + ":localhost/f:";
        sharedHex = shared.descriptor().digest().hex();
    }

    @AfterAll
    static void stop() throws Exception {
        if (destination != null) {
            destination.close();
        }
    }

    /** A run of its own: a new façade, nothing of an earlier run in memory. */
    Cli.Result copy(String fixture, String repository) {
        Cli.Result result = new Cli(home, store).run("copy", fixtures + fixture, destination.hostPort() + "/" + repository + ":1");
        assertEquals(0, result.exitCode(), result::toString);
        return result;
    }

    String digest(String image) {
        Cli.Result result = new Cli(home, store).run("digest", image);
        assertEquals(0, result.exitCode(), result::toString);
        return result.out();
    }

    long mounts(String repository, String from) throws Exception {
        return destination.countRequests("POST", "/v2/" + repository + "/blobs/uploads/\\?mount=sha256%3A" + sharedHex
                + "&from=" + from.replace("/", "%2F"));
    }

    long uploads(String repository) throws Exception {
        return destination.countRequests("PUT", "/v2/" + repository + "/blobs/uploads/\\S*digest=sha256%3A" + sharedHex);
    }

    Path record() throws Exception {
        try (Stream<Path> files = Files.list(store.resolve("cache/registry-blobs"))) {
            return files.findFirst().orElseThrow();
        }
    }

    @Test
    void aLaterRunMountsTheSharedLayerAndPruneCacheForgetsWhereItWas() throws Exception {
        copy("a", "runs/one");
        assertEquals(1, uploads("runs/one"));

        Cli.Result second = copy("b", "runs/two");
        assertEquals(1, mounts("runs/two", "runs/one"), "mounted from the first run's repository");
        assertEquals(0, uploads("runs/two"), "not uploaded again");
        assertTrue(second.err().contains("Mounted from runs/one"), second::toString);

        Cli.Result pruned = new Cli(home, store).run("prune", "--cache");
        assertEquals(0, pruned.exitCode(), pruned::toString);
        assertTrue(pruned.out().contains("Deleted 1 build cache entry\n"), pruned::toString);
        assertFalse(Files.exists(store.resolve("cache/registry-blobs")));

        copy("b", "runs/three");
        assertEquals(0, mounts("runs/three", "runs/one") + mounts("runs/three", "runs/two"), "nothing left to mount from");
        assertEquals(1, uploads("runs/three"));
    }

    @Test
    void aRepositoryThatNoLongerHoldsTheBlobCostsOnlyTheRefusedMount() throws Exception {
        copy("a", "stale/one");
        Path record = record();
        Files.writeString(record, Files.readString(record).replace(" stale/one\n", " stale/gone\n"));

        copy("b", "stale/two");
        assertEquals(1, mounts("stale/two", "stale/gone"), "the mount is tried, and refused (202)");
        assertEquals(1, uploads("stale/two"), "the upload goes on in the session the refusal opened");
        assertEquals(digest(fixtures + "b"), digest(destination.hostPort() + "/stale/two:1"));
        assertTrue(Files.readString(record).contains("sha256:" + sharedHex + " stale/two\n"),
                "the record now names where it is");

        copy("b", "stale/three");
        assertEquals(1, mounts("stale/three", "stale/two"));
        assertEquals(0, uploads("stale/three"));
    }
}
