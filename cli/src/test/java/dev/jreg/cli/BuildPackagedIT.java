package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import dev.jreg.internal.sandbox.BusyboxRootfs;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
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

    @Test
    void aRunDockerfileBuildsThroughTheLauncher() throws Exception {
        String unavailable = BusyboxRootfs.unavailable();
        Assumptions.assumeTrue(unavailable == null, unavailable);
        BuildRunTest.storeBusybox(store);
        Path app = Files.createDirectories(work.resolve("run"));
        Files.writeString(app.resolve("show_date.sh"), BuildRunTest.SHOW_DATE);
        Files.writeString(app.resolve("Dockerfile"), BuildRunTest.DOCKERFILE);
        Cli.Result built = new Cli(home, store).launchIn(app, "build", "-t", "myapp", ".");
        assertEquals(0, built.exitCode(), built::toString);
        assertEquals(List.of("[1/4] FROM docker.io/library/busybox:1 CACHED", "[2/4] COPY . /app DONE",
                "[3/4] WORKDIR /app DONE", "[4/4] RUN chmod +x show_date.sh DONE"), BuildTest.steps(built.err()));
    }
}
