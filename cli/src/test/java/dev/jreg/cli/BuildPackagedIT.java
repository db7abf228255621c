package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.jreg.internal.sandbox.BusyboxRootfs;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jreg build} through the shipped launcher, as users run it: the beginner's Dockerfile in
 * the working directory ({@code jreg build -t myapp .}), then again with every step cached and the
 * same image ID; a {@code RUN} Dockerfile; a here-document script with its own interpreter, run
 * as {@code /dev/pipes/EOF}, its line under its step with the seconds since the step began; a
 * context's lower-case {@code dockerfile} built with {@code BUILDKIT_PROGRESS=plain}, its titles whole.
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
    void aLowerCaseDockerfileAndBuildkitProgressPlainGiveWholeTitlesThroughTheLauncher() throws Exception {
        BuildTest.storeBase(store, Map.of());
        Path app = Files.createDirectories(work.resolve("lower"));
        String workdir = "WORKDIR /" + "long-directory-name/".repeat(5);
        Files.writeString(app.resolve("dockerfile"), "FROM base:1\n" + workdir + "\n");
        Cli.Result built = new Cli(home, store).env("BUILDKIT_PROGRESS", "plain").env("COLUMNS", "40")
                .launchIn(app, "build", ".");
        assertEquals(0, built.exitCode(), built::toString);
        assertTrue(built.err().contains("#2 [2/2] " + workdir + "\n"), "whole, however narrow: " + built.err());
    }

    @Test
    void anImageBuiltWithoutANameUnpacksByTheIdBuildPrinted() throws Exception {
        BuildTest.storeBase(store, Map.of());
        Path app = Files.createDirectories(work.resolve("app"));
        Files.writeString(app.resolve("hello.txt"), "hello\n");
        Files.writeString(app.resolve("Dockerfile"), "FROM base:1 AS base\nCOPY hello.txt /hello.txt\n");
        Cli cli = new Cli(home, store);
        Cli.Result built = cli.launchIn(app, "build", "-q", "--target", "base", ".");
        assertEquals(0, built.exitCode(), built::toString);
        String id = built.out().strip();
        for (String form : List.of(id, id.substring(7), id.substring(7, 19))) {
            Path rootfs = work.resolve("rootfs-" + form.length());
            Cli.Result unpacked = cli.launch("unpack", form, rootfs.toString());
            assertEquals(0, unpacked.exitCode(), unpacked::toString);
            assertEquals("hello\n", Files.readString(rootfs.resolve("hello.txt")));
        }
        Cli.Result missing = cli.launch("unpack", "0123456789ab", work.resolve("x").toString());
        assertEquals(3, missing.exitCode(), missing::toString);
        assertEquals("jreg: no such image in the local store: 0123456789ab\n", missing.err());
    }

    @Test
    void aRunDockerfileBuildsThroughTheLauncher() throws Exception {
        Cli.Result built = buildOnBusybox(Map.of("show_date.sh", BuildRunTest.SHOW_DATE, "Dockerfile",
                BuildRunTest.DOCKERFILE), "-t", "myapp");
        assertEquals(List.of("[1/4] FROM docker.io/library/busybox:1 CACHED", "[2/4] COPY . /app DONE",
                "[3/4] WORKDIR /app DONE", "[4/4] RUN chmod +x show_date.sh DONE"), BuildTest.steps(built.err()));
    }

    @Test
    void aHereDocumentScriptRunsByItsPathAndItsLinesTellTheirTimes() throws Exception {
        Cli.Result built = buildOnBusybox(Map.of("Dockerfile", "FROM busybox:1\nRUN <<EOF\n#!/bin/sh\n"
                + "echo \"ran as $0\"\nEOF\n"), "--progress", "plain", "-t", "piped");
        assertTrue(built.err().lines().anyMatch(line -> line.matches("#2 \\d\\.\\d{3} ran as /dev/pipes/EOF")),
                built.err());
    }

    /** {@code jreg build OPTIONS .} in a context of those files, on the busybox base; skipped without bubblewrap or busybox. */
    private Cli.Result buildOnBusybox(Map<String, String> files, String... options) throws Exception {
        String unavailable = BusyboxRootfs.unavailable();
        Assumptions.assumeTrue(unavailable == null, unavailable);
        BuildRunTest.storeBusybox(store);
        Path app = Files.createDirectories(work.resolve("app"));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(app.resolve(file.getKey()), file.getValue());
        }
        List<String> args = new ArrayList<>(List.of("build"));
        args.addAll(List.of(options));
        args.add(".");
        Cli.Result built = new Cli(home, store).launchIn(app, args.toArray(String[]::new));
        assertEquals(0, built.exitCode(), built::toString);
        return built;
    }
}
