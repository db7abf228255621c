package dev.jreg.internal.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Platform;
import dev.jreg.testing.TarBuilder;
import dev.jreg.testing.TestImages;
import dev.jreg.testing.TreeSnapshot;
import dev.jreg.testing.Unprivileged;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same three-layer image unpacked by umoci ({@code umoci unpack --rootless}, as an
 * unprivileged user) and by {@link LayerApplier}: every path, its type, permission bits, link
 * target, content and the times of files and directories agree ({@link TreeSnapshot#files()}).
 * The layers are {@link ChangesetLayers}'.
 */
class UmociAgreementTest {
    private static final Path UMOCI = Path.of("/usr/bin/umoci");

    @TempDir
    Path temp;

    @Test
    void umociAndTheApplierUnpackTheSameTree() throws Exception {
        String unprivileged = Unprivileged.unavailable();
        Assumptions.assumeTrue(unprivileged == null, unprivileged);
        Assumptions.assumeTrue(Files.isExecutable(UMOCI) || "1".equals(System.getenv("JREG_REQUIRE_INTEGRATION")),
                "umoci is not installed (scripts/test installs it)");

        List<TestImages.Layer> layers = ChangesetLayers.image();
        Path shared = Unprivileged.share(Files.createDirectories(temp.resolve("shared")));
        Unprivileged.share(temp);
        Path layoutDir = shared.resolve("layout");
        OciLayout layout = OciLayout.open(layoutDir);
        ManifestBlob manifest = TestImages.storeImage(layout, Platform.parse("linux/amd64"), layers);
        layout.setName("peer", manifest.descriptor());

        Path bundle = shared.resolve("bundle");
        Unprivileged.run(temp.resolve("home"), UMOCI.toString(), "unpack", "--rootless", "--image", layoutDir + ":peer",
                bundle.toString()).assertOk(List.of("umoci", "unpack"));

        Path target = temp.resolve("rootfs");
        LayerApplier applier = new LayerApplier(target, LayerLimits.DEFAULT, line -> { });
        for (TestImages.Layer layer : layers) {
            applier.apply(layer.descriptor().digest().toString(), new ByteArrayInputStream(layer.bytes()));
        }
        applier.finish();

        TreeSnapshot umoci = TreeSnapshot.of(bundle.resolve("rootfs")).files();
        TreeSnapshot ours = TreeSnapshot.of(target).files();
        assertTrue(ours.nodes().size() > 30, "the image has many paths: " + ours.nodes().keySet());
        assertEquals("", ours.differences(umoci), "paths where jreg (left) and umoci (right) differ");
    }
}
