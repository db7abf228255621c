package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layer.ChangesetLayers;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import dev.jreg.testing.DistributionRegistry;
import dev.jreg.testing.RealRegistryCondition;
import dev.jreg.testing.Skopeo;
import dev.jreg.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A squashed image is an image like any other: pushed to a real registry by {@code jreg push},
 * copied out of it by skopeo, inspected with one layer and the one history step, and exported as
 * the image it came from.
 */
@ExtendWith(RealRegistryCondition.class)
class SquashPushTest {
    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path work;

    @Test
    void aSquashedImagePushesAndSkopeoCopiesIt() throws Exception {
        try (DistributionRegistry registry = DistributionRegistry.open(work.resolve("registry"))) {
            Cli cli = new Cli(home, store);
            TestImages.writeImage(OciLayout.open(store), Reference.parse(ExportSquashTest.APP), ExportSquashTest.AMD64,
                    ChangesetLayers.image());
            String name = registry.hostPort() + "/flat/app:1";
            String id = cli.ok("squash", ExportSquashTest.APP, name).lastLine();
            cli.ok("push", name);

            Path copied = work.resolve("copied");
            Skopeo.copy("docker://" + name, "oci:" + copied + ":app");
            OciLayout layout = OciLayout.open(copied);
            ManifestBlob manifest = layout.readManifest(layout.lookup("app").orElseThrow());
            ImageManifest image = (ImageManifest) manifest.manifest();
            assertEquals(1, image.layers().size(), manifest::toString);
            assertEquals(MediaType.OCI_LAYER_GZIP, image.layers().get(0).mediaType());
            assertEquals(id, image.config().digest().toString(), "skopeo keeps the config as pushed");

            JsonNode inspect = Json.parse(cli.ok("inspect", "--format", "json", name).out());
            JsonNode layers = inspect.path("image").path("layers");
            JsonNode history = inspect.path("image").path("history");
            assertEquals(1, layers.size(), inspect::toString);
            assertEquals(1, history.size(), inspect::toString);
            assertEquals("jreg squash", history.get(0).path("createdBy").asText());
            assertTrue(history.get(0).path("comment").asText().startsWith("3 layers of sha256:"), history::toString);
            assertEquals(layers.get(0).path("digest"), history.get(0).path("layer"));
            String table = cli.ok("inspect", name).out();
            assertTrue(table.contains("jreg squash"), table);

            Path fromRegistry = work.resolve("from-registry.tar");
            Path original = work.resolve("original.tar");
            cli.ok("export", "-o", fromRegistry.toString(), "oci:" + copied + ":app");
            cli.ok("export", "-o", original.toString(), ExportSquashTest.APP);
            assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(fromRegistry));
        }
    }
}
