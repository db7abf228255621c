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
 * pulls it (and pulled again with {@code --pull}), and {@code --push} sends the image, whose
 * digest the registry then gives.
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
        Cli.Result built = cli.ok("build", "-t", name, "--push", app.toString());
        assertTrue(built.err().contains("1: Pulling from build/base\n"), built.err());
        assertEquals(List.of("[1/3] FROM " + base + " DONE", "[2/3] WORKDIR /app DONE", "[3/3] COPY . /app/ DONE"),
                BuildTest.steps(built.err()));
        Descriptor local = LocalStore.open(store).lookup(Reference.parse(name)).orElseThrow();
        assertTrue(built.err().contains("The push refers to repository [" + registry.hostPort() + "/build/app]\n"),
                built.err());
        assertEquals(local.digest().toString(), cli.ok("digest", name).lastLine(), "the registry has the image");

        Cli.Result pulledAgain = cli.ok("build", "--pull", "-t", name, app.toString());
        assertTrue(pulledAgain.err().contains("Status: Image is up to date for " + base + "\n"), pulledAgain.err());
        assertEquals(List.of("[1/3] FROM " + base + " DONE", "[2/3] WORKDIR /app CACHED", "[3/3] COPY . /app/ CACHED"),
                BuildTest.steps(pulledAgain.err()));
    }
}
