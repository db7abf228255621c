package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.TestImages;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that does not exist yet is not made by commands that only read: reading it finds it
 * empty, and the commands that read registries and layouts never touch it, so they run without a
 * writable home. Tests run as root, whom permission bits do not stop, so each asserts that nothing
 * was made rather than waiting for a refusal.
 */
class UnwrittenStoreTest {
    private static final Platform AMD64 = Platform.of("linux", "amd64", null);

    @TempDir
    Path dir;
    Path layout;
    ManifestBlob image;

    @BeforeEach
    void layout() throws Exception {
        layout = dir.resolve("layout");
        image = TestImages.writeImage(OciLayout.open(layout), Reference.parse("localhost/app:1"), AMD64,
                List.of(TestImages.layer(71, 3_000)));
    }

    /** A store under a folder that does not exist, as {@code JREG_HOME} may name one. */
    private Path missingStore() {
        return dir.resolve("no-such-folder/store");
    }

    private Cli cli(Path store) {
        return new Cli(dir.resolve("home"), store);
    }

    private static Cli.Result ok(Cli.Result result) {
        assertEquals(0, result.exitCode(), result::toString);
        return result;
    }

    /**
     * {@code images}, {@code inspect --local}, {@code rm}, {@code tag}, {@code push} and {@code copy}
     * out of it, {@code verify} and {@code prune} read an empty store.
     */
    @Test
    void readingAStoreThatDoesNotExistFindsItEmptyAndMakesNothing() throws Exception {
        Path store = missingStore();
        Cli jreg = cli(store);

        assertEquals("", ok(jreg.run("images", "-q")).out());
        assertEquals("REPOSITORY   TAG   IMAGE ID   CREATED   SIZE\n", ok(jreg.run("images", "--no-total")).out());
        Cli.Result inspect = jreg.run("inspect", "--local", "app:1");
        assertEquals(3, inspect.exitCode(), inspect::toString);
        assertEquals("jreg: no such image in the local store: app:1\n", inspect.err());
        Cli.Result rm = jreg.run("rm", "app:1");
        assertEquals(3, rm.exitCode(), rm::toString);
        assertEquals("jreg: no such image in the local store: app:1\n", rm.err());
        for (String[] command : List.of(new String[] {"tag", "app:1", "app:2"},
                new String[] {"push", "127.0.0.1:1/app:1"}, new String[] {"copy", "local:app:1", "oci:" + dir.resolve("out")})) {
            Cli.Result result = jreg.run(command);
            assertEquals(3, result.exitCode(), result::toString);
            assertTrue(result.err().startsWith("jreg: no such image in the local store: "), result::toString);
        }
        assertEquals("Checked 0 blobs: store is clean\n", ok(jreg.run("verify")).out());
        assertEquals("Checked 0 blobs: store is clean\n", ok(jreg.run("verify", "--repair")).out());
        assertEquals("Total reclaimed space: 0B\n", ok(jreg.run("prune")).out());

        assertFalse(Files.exists(dir.resolve("no-such-folder")), "nothing was made on the way to the store");
    }

    /** A folder that exists but holds nothing yet (a read-only one, say) stays empty: no lock file, no {@code ingest/}. */
    @Test
    void anEmptyStoreFolderStaysEmpty() throws Exception {
        Path store = Files.createDirectories(dir.resolve("empty"));
        Cli jreg = cli(store);

        ok(jreg.run("images"));
        assertEquals("Checked 0 blobs: store is clean\n", ok(jreg.run("verify")).out());
        ok(jreg.run("prune"));
        assertEquals(3, jreg.run("rm", "app:1").exitCode());
        ok(jreg.run("inspect", "oci:" + layout + ":localhost/app:1"));

        try (var entries = Files.list(store)) {
            assertEquals(List.of(), entries.toList());
        }
    }

    /** Layouts are read and written without the store: under a missing {@code JREG_HOME}, or a home that does not exist. */
    @Test
    void layoutCommandsNeverTouchTheStore() throws Exception {
        String source = "oci:" + layout + ":localhost/app:1";
        Path copied = dir.resolve("copied");
        for (Cli jreg : List.of(cli(missingStore()), new Cli(dir.resolve("no-such-home"), missingStore()).env("JREG_HOME", ""))) {
            assertTrue(ok(jreg.run("inspect", source)).out().contains(image.digest().toString()));
            assertEquals(image.digest() + "\n", ok(jreg.run("digest", source)).out());
            assertEquals("localhost/app:1\n", ok(jreg.run("tags", "oci:" + layout)).out());
            ok(jreg.run("manifest", source));
            ok(jreg.run("config", source));
            ok(jreg.run("copy", "-q", source, "oci:" + copied + ":app"));
            assertEquals(image.digest() + "\n", ok(jreg.run("digest", "oci:" + copied + ":app")).out());
        }
        assertFalse(Files.exists(dir.resolve("no-such-folder")), "no store");
        assertFalse(Files.exists(dir.resolve("no-such-home")), "no home: the default store is under it");
    }

    /**
     * Registries are read and written without the store: inspect, digest, tags, copy to and from a
     * layout. A copy into a registry only records where it wrote blobs ({@code cache/registry-blobs/}),
     * and runs as well where no store can be made.
     */
    @Test
    @ExtendWith(RealRegistryCondition.class)
    void registryCommandsNeverTouchTheStoreButForTheRecordOfBlobsInRegistries() throws Exception {
        Path store = missingStore();
        String hostPort;
        try (DistributionRegistry registry = DistributionRegistry.open(Files.createDirectories(dir.resolve("registry")))) {
            Cli jreg = cli(store);
            hostPort = registry.hostPort();
            String remote = hostPort + "/team/app";
            ok(jreg.run("copy", "-q", "oci:" + layout + ":localhost/app:1", remote + ":1"));

            assertTrue(ok(jreg.run("inspect", remote + ":1")).out().contains(image.digest().toString()));
            assertEquals(image.digest() + "\n", ok(jreg.run("digest", remote + ":1")).out());
            assertEquals("1\n", ok(jreg.run("tags", remote)).out());
            assertTrue(ok(jreg.run("tags", "--details", remote)).out().contains("linux/amd64"));
            ok(jreg.run("copy", "-q", remote + ":1", remote + ":2"));
            ok(jreg.run("copy", "-q", remote + ":2", "oci:" + dir.resolve("pulled") + ":app"));
            assertEquals(image.digest() + "\n", ok(jreg.run("digest", "oci:" + dir.resolve("pulled") + ":app")).out());

            Path notAFolder = Files.writeString(dir.resolve("not-a-folder"), "");
            ok(cli(notAFolder.resolve("store")).run("copy", "-q", remote + ":1", remote + ":3"));
        }
        List<String> files;
        try (Stream<Path> walk = Files.walk(store)) {
            files = walk.filter(Files::isRegularFile).map(file -> store.relativize(file).toString()).sorted().toList();
        }
        assertEquals(List.of(".jreg.activity", "cache/registry-blobs/" + URLEncoder.encode(hostPort, StandardCharsets.UTF_8)),
                files, "no blob, no name");
    }
}
