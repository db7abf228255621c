package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jreg build} through the shipped launcher, as users run it: the beginner's Dockerfile in
 * the working directory ({@code jreg build -t myapp .}), then again with every step cached and the
 * same image ID.
 */
class BuildPackagedIT {
    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path work;

    @Test
    void theBeginnersDockerfileBuildsAndRebuildsFromTheCache() throws Exception {
        BuildTest.storeBase(store, Map.of());
        Path app = Files.createDirectories(work.resolve("app"));
        Files.writeString(app.resolve("app.py"), "print('hello')\n");
        Files.writeString(app.resolve("Dockerfile"), BuildTest.BEGINNER);
        Cli cli = new Cli(home, store);
        Cli.Result first = cli.launchIn(app, "build", "-t", "myapp", ".");
        assertEquals(0, first.exitCode(), first::toString);
        assertTrue(first.out().matches("sha256:[0-9a-f]{64}\n"), first.out());
        assertEquals(List.of("[1/3] FROM docker.io/library/base:1 CACHED", "[2/3] WORKDIR /app DONE",
                "[3/3] COPY . /app/ DONE"), BuildTest.steps(first.err()));
        Cli.Result again = cli.launchIn(app, "build", "-t", "myapp", ".");
        assertEquals(0, again.exitCode(), again::toString);
        assertEquals(first.out(), again.out());
        assertEquals(List.of("[1/3] FROM docker.io/library/base:1 CACHED", "[2/3] WORKDIR /app CACHED",
                "[3/3] COPY . /app/ CACHED"), BuildTest.steps(again.err()));
    }
}
