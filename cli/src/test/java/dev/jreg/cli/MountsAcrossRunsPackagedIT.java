package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code jreg sync} processes through the shipped launcher: the second mounts the layer its
 * image shares with the first's from the repository the first wrote it to.
 */
@ExtendWith(RealRegistryCondition.class)
class MountsAcrossRunsPackagedIT {
    @TempDir
    Path dir;

    @Test
    void aSecondSyncProcessMountsTheLayerTheFirstUploaded() throws Exception {
        try (DistributionRegistry source = DistributionRegistry.open(dir);
                DistributionRegistry target = DistributionRegistry.open(dir)) {
            OciLayout layout = OciLayout.open(dir.resolve("fixtures"));
            Platform amd64 = Platform.of("linux", "amd64", null);
            TestImages.Layer shared = TestImages.layer(95, 50_000);
            Cli cli = new Cli(dir.resolve("home"), dir.resolve("store"));
            for (String name : List.of("app", "web")) {
                TestImages.writeImage(layout, Reference.parse("localhost/f:" + name), amd64,
                        List.of(shared, TestImages.layer(name.hashCode(), 5_000)));
                Cli.Result put = cli.run("copy", "-q", "oci:" + dir.resolve("fixtures") + ":localhost/f:" + name,
                        source.hostPort() + "/src/" + name + ":1");
                assertEquals(0, put.exitCode(), put::toString);
            }
            String hex = shared.descriptor().digest().hex();
            for (String name : List.of("app", "web")) {
                Path file = dir.resolve(name + ".yaml");
                Files.writeString(file, source.hostPort() + ":\n  images:\n    src/" + name + ": [\"1\"]\n");
                Cli.Result sync = new Cli(dir.resolve("home"), dir.resolve("store-of-sync"))
                        .launch("sync", "--config", file.toString(), "--dest", target.hostPort() + "/mirror");
                assertEquals(0, sync.exitCode(), sync::toString);
            }
            assertEquals(1, target.countRequests("PUT", "/v2/mirror/app/blobs/uploads/\\S*digest=sha256%3A" + hex));
            assertEquals(1, target.countRequests("POST",
                    "/v2/mirror/web/blobs/uploads/\\?mount=sha256%3A" + hex + "&from=mirror%2Fapp"));
            assertEquals(0, target.countRequests("PUT", "/v2/mirror/web/blobs/uploads/\\S*digest=sha256%3A" + hex));
        }
    }
}
