package dev.jreg.internal.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jreg.error.InvalidContentException;
import dev.jreg.testing.TarBuilder;
import dev.jreg.testing.TreeSnapshot;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filesystem an image's layer headers describe: the paths {@link LayerApplier} leaves on
 * disk, whiteouts, opaque directories and replaced trees included, each with its last entry.
 */
class ImageEntriesTest {
    @TempDir
    Path temp;

    @Test
    void theHeadersDescribeThePathsTheApplierLeaves() throws Exception {
        List<byte[]> layers = List.of(
                new TarBuilder().dir("etc").file("etc/a", "a").file("etc/b", "b").dir("opt").dir("opt/tree")
                        .file("opt/tree/x", "x").dir("opt/tree/sub").file("opt/tree/sub/y", "y").dir("keep")
                        .file("keep/old", "o").file("to-file/inner", "i").symlink("link", "etc/a")
                        .file(".wh..wh.plnk/123", "aufs").tar(),
                new TarBuilder().whiteout("etc/.wh.a").whiteout("opt/.wh.tree").file("keep/new", "n")
                        .whiteout("keep/.wh..wh..opq").file("to-file", "now a file").file("etc/a2", "a2").tar(),
                new TarBuilder().file("etc/a", "back", 0600).hardlink("etc/a-again", "etc/a").tar());
        ImageEntries headers = new ImageEntries();
        LayerApplier applier = new LayerApplier(temp.resolve("rootfs"), LayerLimits.DEFAULT, line -> { });
        for (byte[] layer : layers) {
            headers.add("layer", new ByteArrayInputStream(TarBuilder.gzip(layer)));
            applier.apply("layer", new ByteArrayInputStream(layer));
        }
        applier.finish();
        assertEquals(new ArrayList<>(TreeSnapshot.of(temp.resolve("rootfs")).nodes().keySet()),
                new ArrayList<>(headers.entries().keySet()));
        assertEquals(List.of("etc", "etc/a", "etc/a-again", "etc/a2", "etc/b", "keep", "keep/new", "link", "opt",
                "to-file"), new ArrayList<>(headers.entries().keySet()));
        assertEquals(0600, headers.entries().get("etc/a").mode());
        assertEquals(LayerEntry.Type.HARDLINK, headers.entries().get("etc/a-again").type());
        assertEquals(LayerEntry.Type.FILE, headers.entries().get("to-file").type());
    }

    @Test
    void anEntryClimbingOutIsRefusedAsTheApplierRefusesIt() {
        ImageEntries headers = new ImageEntries();
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> headers.add("sha256:1",
                new ByteArrayInputStream(new TarBuilder().file("../x", "x").tar())));
        assertEquals("layer sha256:1: entry \"../x\" leaves the target directory", e.getMessage());
        assertThrows(InvalidContentException.class, () -> headers.add("sha256:2",
                new ByteArrayInputStream(new byte[] {0x1f, (byte) 0x8b, 1, 2, 3})));
    }
}
