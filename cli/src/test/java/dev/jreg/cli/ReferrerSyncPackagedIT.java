package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jreg sync} with a source's {@code include-referrers: true}, and {@code jreg referrers} on
 * both sides, through the shipped launcher.
 */
@ExtendWith(RealRegistryCondition.class)
class ReferrerSyncPackagedIT {
    @TempDir
    Path dir;

    @Test
    void theFilesKeyTakesTheSignatureAndTheSbomAlong() throws Exception {
        Assumptions.assumeTrue(Skopeo.available(), "skopeo is not installed");
        try (DistributionRegistry source = DistributionRegistry.open(dir);
                DistributionRegistry destination = DistributionRegistry.open(dir)) {
            Cli cli = new Cli(dir.resolve("home"), dir.resolve("store"));
            ReferrerSyncTest.Fixture fixture = ReferrerSyncTest.Fixture.prepare(dir, source, destination, cli);
            Path file = ReferrerSyncTest.Fixture.syncFile(dir, source, destination, "  include-referrers: true\n");
            Cli.Result sync = cli.launch("sync", "--config", file.toString());
            assertEquals(0, sync.exitCode(), sync::toString);
            assertTrue(sync.out().endsWith("2 copied, 0 up to date, 0 failed, 0 skipped\n"), sync::toString);
            assertTrue(sync.err().contains("Copied " + source.hostPort() + "/team/app:1 to " + destination.hostPort()
                    + "/m/app:1 ("), sync::toString);
            assertTrue(sync.err().contains(", 2 referrers)\n"), sync::toString);

            for (String image : List.of(source.hostPort() + "/team/app:1", destination.hostPort() + "/m/app:1")) {
                Cli.Result listed = cli.launch("referrers", image);
                assertEquals(0, listed.exitCode(), listed::toString);
                List<String> rows = listed.out().lines().toList();
                assertEquals(3, rows.size(), listed::toString);
                assertTrue(rows.get(1).startsWith("sha256:" + fixture.sbom().digest().shortHex())
                        && rows.get(1).endsWith("referrers tag"), listed::toString);
                assertTrue(rows.get(2).endsWith("tag sha256-….sig"), listed::toString);
            }
        }
    }
}
