package dev.jreg.cli;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.jreg.model.ManifestBlob;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code jreg sync} through the shipped launcher from a source whose pull budget runs out: it waits, then finishes. */
@ExtendWith(RealRegistryCondition.class)
class SyncPullLimitPackagedIT {
    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path dir;

    @Test
    void waitsForTheResetWhenNoPullIsLeftThenCopiesTheRest() throws Exception {
        try (DistributionRegistry target = DistributionRegistry.open(dir)) {
            FakeSource source = new FakeSource(server);
            ManifestBlob spent = source.image("spent", "1", 21, get -> get.withHeader("RateLimit-Limit", "100;w=600")
                    .withHeader("RateLimit-Remaining", "0;w=600").withHeader("RateLimit-Reset", "1"));
            ManifestBlob next = source.image("next", "1", 22, get -> get);
            String prefix = target.hostPort() + "/m";
            Path file = source.syncFile(dir, prefix, "  concurrency: 1\n", "spent: [\"1\"]", "next: [\"1\"]");

            Cli.Result result = new Cli(dir.resolve("home"), dir.resolve("store")).launch("sync", "--config",
                    file.toString());

            assertEquals(0, result.exitCode(), result::toString);
            assertTrue(result.out().endsWith("2 copied, 0 up to date, 0 failed, 0 skipped\n"), result::toString);
            List<ServeEvent> gets = source.manifestRequests("GET");
            assertEquals(2, gets.size(), gets::toString);
            assertTrue(SyncPullLimitTest.startedAfter(gets.get(1), gets.get(0), 1000), "a GET started before the reset");
            assertEquals(1, result.err().lines().filter(l -> l.matches("jreg: " + source.registry().replace(".", "\\.")
                    + ": pull limit low \\(0 of 100 left\\); waiting until \\d\\d:\\d\\d:\\d\\d")).count(), result::toString);
            assertEquals(spent.digest(), FakeSource.digestAt(dir.resolve("store"), prefix + "/spent:1"));
            assertEquals(next.digest(), FakeSource.digestAt(dir.resolve("store"), prefix + "/next:1"));
        }
    }
}
