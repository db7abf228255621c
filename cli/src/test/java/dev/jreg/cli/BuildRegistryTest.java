package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.LocalStore;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jreg build} against a real registry: a base the store lacks is pulled as {@code jreg pull}
 * pulls it (and pulled again with {@code --pull}), and {@code --push} sends the image once it is
 * written and named, as BuildKit's exporter does, printing the digest the registry then gives
 * whole.
 */
@ExtendWith(RealRegistryCondition.class)
class BuildRegistryTest {
    @TempDir
    static Path dir;
    static DistributionRegistry registry;

    @TempDir
    Path home;
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

    @Test
    void aMissingBaseIsPulledAndTheImagePushed() throws Exception {
        String base = registry.hostPort() + "/build/base:1";
        Cli publisher = new Cli(home, work.resolve("publisher"));
        BuildTest.storeBase(work.resolve("publisher"), Map.of());
        publisher.ok("tag", "base:1", base);
        publisher.ok("push", base);

        Path app = Files.createDirectories(work.resolve("app"));
        Files.writeString(app.resolve("app.py"), "print('hello')\n");
        Files.writeString(app.resolve("Dockerfile"), "FROM " + base + "\nWORKDIR /app\nCOPY . /app/\n");
        Path store = work.resolve("store");
        Cli cli = new Cli(home, store);
        String name = registry.hostPort() + "/build/app:1";
        Cli.Result built = cli.ok("build", "--progress", "plain", "-t", name, "--push", app.toString());
        assertTrue(built.err().contains("1: Pulling from build/base\n"), built.err());
        assertEquals(List.of("[1/3] FROM " + base + " DONE", "[2/3] WORKDIR /app DONE", "[3/3] COPY . /app/ DONE"),
                BuildTest.steps(built.err()));
        Descriptor local = LocalStore.open(store).lookup(Reference.parse(name)).orElseThrow();
        assertEquals(local.digest().toString(), cli.ok("digest", name).lastLine(), "the registry has the image");
        String imageId = built.lastLine();
        // As BuildKit: the image written and named, then pushed; the pushed digest whole, as push prints it.
        List<String> expected = List.of("#4 exporting to image", "#4 writing image " + imageId + " done",
                "#4 naming to " + name + " done", "#4 pushing layers",
                "#4 pushing manifest for " + name + "@" + local.digest() + " done",
                "1: digest: " + local.digest() + " size: " + local.size());
        List<String> lines = built.err().lines().toList();
        assertEquals(expected, lines.stream().filter(expected::contains).toList(), built.err());
        assertTrue(local.digest().toString().matches("sha256:[0-9a-f]{64}"), local::toString);

        Cli.Result pulledAgain = cli.ok("build", "--pull", "-t", name, app.toString());
        assertTrue(pulledAgain.err().contains("Status: Image is up to date for " + base + "\n"), pulledAgain.err());
        assertEquals(List.of("[1/3] FROM " + base + " DONE", "[2/3] WORKDIR /app CACHED", "[3/3] COPY . /app/ CACHED"),
                BuildTest.steps(pulledAgain.err()));
    }
}
