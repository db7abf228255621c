package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code jreg sync} through the shipped launcher: YAML read from lib/, a copy, a re-run, a partial failure. */
@ExtendWith(RealRegistryCondition.class)
class SyncPackagedIT {
    @TempDir
    Path dir;

    @Test
    void syncsThenFindsEverythingUpToDateThenReportsAMissingRepository() throws Exception {
        try (DistributionRegistry source = DistributionRegistry.open(dir);
                DistributionRegistry target = DistributionRegistry.open(dir)) {
            pushApp(source);
            Path file = dir.resolve("sync.yaml");
            Files.writeString(file, source.hostPort() + ":\n  images:\n    team/app: []\n  destination: "
                    + target.hostPort() + "/m\n");
            Cli cli = new Cli(dir.resolve("home"), dir.resolve("store"));
            Cli.Result first = cli.launch("sync", "--config", file.toString());
            assertEquals(0, first.exitCode(), first::toString);
            assertTrue(first.out().endsWith("1 copied, 0 up to date, 0 failed, 0 skipped\n"), first::toString);
            Cli.Result again = cli.launch("sync", "--config", file.toString(), "-q");
            assertEquals(0, again.exitCode(), again::toString);
            assertTrue(again.out().endsWith("0 copied, 1 up to date, 0 failed, 0 skipped\n"), again::toString);

            Files.writeString(file, source.hostPort() + ":\n  images:\n    team/app: []\n    team/gone: []\n"
                    + "  destination: " + target.hostPort() + "/m\n");
            Cli.Result partial = cli.launch("sync", "--config", file.toString());
            assertEquals(10, partial.exitCode(), partial::toString);
            assertTrue(partial.out().lines().anyMatch(l -> l.matches(source.hostPort() + "/team/gone +failed +-")),
                    partial::toString);
            assertTrue(partial.out().contains(source.hostPort() + "/team/gone: "), partial::toString);
            assertTrue(!partial.out().contains("/team/gone: " + source.hostPort() + "/team/gone"),
                    () -> "the reason repeats the name: " + partial);
        }
    }

    /**
     * {@code --interval 1s}: the second run finds the image up to date and prints its own summary;
     * a run with a failed image does not end the loop; SIGTERM ends it with 143.
     */
    @Test
    void intervalRunsAgainUntilStoppedEvenAfterAFailedRun() throws Exception {
        try (DistributionRegistry source = DistributionRegistry.open(dir);
                DistributionRegistry target = DistributionRegistry.open(dir)) {
            pushApp(source);
            Path file = dir.resolve("sync.yaml");
            Files.writeString(file, source.hostPort() + ":\n  images:\n    team/app: []\n    team/gone: [\"1\"]\n"
                    + "  destination: " + target.hostPort() + "/m\n");
            Path log = dir.resolve("interval.log");
            Process sync = new Cli(dir.resolve("home"), dir.resolve("store")).launchInBackground(log, "sync",
                    "--config", file.toString(), "--interval", "1s", "-q");
            try {
                Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
                while (!read(log).contains("0 copied, 1 up to date, 1 failed, 0 skipped\n")) {
                    assertTrue(sync.isAlive(), () -> "the loop ended: " + read(log));
                    assertTrue(Instant.now().isBefore(deadline), () -> "no second run in 2 minutes: " + read(log));
                    sync.waitFor(50, TimeUnit.MILLISECONDS);
                }
                String output = read(log);
                assertTrue(output.indexOf("1 copied, 0 up to date, 1 failed, 0 skipped\n")
                        < output.indexOf("0 copied, 1 up to date, 1 failed, 0 skipped\n"), output);
                assertTrue(output.contains("Next run in 1s\n"), output);
            } finally {
                Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(sync.pid())).start();
                assertEquals(0, kill.waitFor());
                assertTrue(sync.waitFor(1, TimeUnit.MINUTES), () -> "still running after SIGTERM: " + read(log));
            }
            assertEquals(143, sync.exitValue(), read(log));
            assertTrue(read(log).endsWith("jreg: interrupted\n"), read(log));
        }
    }

    /**
     * A sync killed with SIGKILL after its first image: the next run copies the rest and exits 0,
     * and a third finds every image up to date, its digest the source's.
     */
    @Test
    void aRunKilledPartWayIsFinishedByTheNext() throws Exception {
        try (DistributionRegistry source = DistributionRegistry.open(dir);
                DistributionRegistry target = DistributionRegistry.open(dir)) {
            Path fixtures = dir.resolve("fixtures");
            int images = 12;
            for (int i = 1; i <= images; i++) {
                TestImages.writeImage(OciLayout.open(fixtures), Reference.parse("localhost/f:" + i),
                        Platform.of("linux", "amd64", null), List.of(TestImages.layer(900 + i, 1_000_000)));
                Skopeo.copy("oci:" + fixtures + ":localhost/f:" + i, "docker://" + source.hostPort() + "/team/app:" + i);
            }
            Path file = dir.resolve("sync.yaml");
            Files.writeString(file, source.hostPort() + ":\n  images:\n    team/app: []\n  destination: "
                    + target.hostPort() + "/m\n");
            Cli cli = new Cli(dir.resolve("home"), dir.resolve("store"));
            Path log = dir.resolve("killed.log");
            Process sync = cli.launchInBackground(log, "sync", "--config", file.toString(), "-j", "1");
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            while (!read(log).contains("Copied ")) {
                assertTrue(sync.isAlive(), () -> "the sync ended before its first image: " + read(log));
                assertTrue(Instant.now().isBefore(deadline), () -> "no image copied in 2 minutes: " + read(log));
                sync.waitFor(10, TimeUnit.MILLISECONDS);
            }
            sync.destroyForcibly();
            assertTrue(sync.waitFor(1, TimeUnit.MINUTES));
            assertTrue(!read(log).contains(" up to date, "), () -> "the sync finished before it was killed: "
                    + read(log));

            Cli.Result next = cli.launch("sync", "--config", file.toString(), "-q");
            assertEquals(0, next.exitCode(), next::toString);
            String totals = next.out().lines().reduce((a, b) -> b).orElseThrow();
            int copied = Integer.parseInt(totals.substring(0, totals.indexOf(" copied")));
            int upToDate = Integer.parseInt(totals.substring(totals.indexOf(", ") + 2, totals.indexOf(" up to date")));
            assertEquals(images, copied + upToDate, totals);
            assertTrue(copied < images && upToDate >= 1, totals);
            Cli.Result last = cli.launch("sync", "--config", file.toString(), "-q");
            assertTrue(last.out().endsWith("0 copied, " + images + " up to date, 0 failed, 0 skipped\n"),
                    last::toString);
        }
    }

    /** A one-layer image at {@code team/app:1} of the registry. */
    void pushApp(DistributionRegistry source) throws Exception {
        Path fixtures = dir.resolve("fixtures");
        TestImages.writeImage(OciLayout.open(fixtures), Reference.parse("localhost/f:1"),
                Platform.of("linux", "amd64", null), List.of(TestImages.layer(81, 20_000)));
        Skopeo.copy("oci:" + fixtures + ":localhost/f:1", "docker://" + source.hostPort() + "/team/app:1");
    }

    static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
