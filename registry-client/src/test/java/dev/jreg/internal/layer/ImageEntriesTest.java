package dev.jreg.internal.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jreg.error.InvalidContentException;
import dev.jreg.model.Digest;
import dev.jreg.testing.TarBuilder;
import dev.jreg.testing.TreeSnapshot;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    void theBytesOfAFewFilesAreKeptAsTheTopMostLayerWritingThemHoldsThem() throws Exception {
        ImageEntries headers = new ImageEntries(java.util.Set.of("etc/passwd", "etc/group"), 16);
        headers.add("1", new ByteArrayInputStream(new TarBuilder().file("etc/passwd", "root").file("etc/group", "g")
                .file("etc/other", "not kept").tar()));
        assertEquals("root", new String(headers.content("etc/passwd").orElseThrow()));
        headers.add("2", new ByteArrayInputStream(new TarBuilder().file("etc/passwd", "root app").whiteout(
                "etc/.wh.group").tar()));
        assertEquals("root app", new String(headers.content("etc/passwd").orElseThrow()), "the upper layer's");
        assertEquals(java.util.Optional.empty(), headers.content("etc/group"), "whited out");
        assertEquals(java.util.Optional.empty(), headers.content("etc/other"), "not asked for");
        headers.add("3", new ByteArrayInputStream(new TarBuilder().file("etc/passwd", "x".repeat(17)).tar()));
        assertEquals(java.util.Optional.empty(), headers.content("etc/passwd"), "larger than the limit: not the old bytes");
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

    /**
     * The digests of files' contents, each read from the layer that holds it: a file a later layer
     * replaced, one written through a symbolic link, a hard link's; none for what is no file. Only
     * the layers that hold them are read again.
     */
    @Test
    void digestsAreOfTheContentTheLayersLeave() throws Exception {
        List<byte[]> layers = List.of(
                new TarBuilder().dir("etc").file("etc/a", "one").hardlink("etc/a-link", "etc/a").dir("real")
                        .symlink("dlink", "real").file("etc/untouched", "u").tar(),
                new TarBuilder().file("etc/a", "two").file("dlink/via", "via").tar(),
                new TarBuilder().file("other", "o").tar());
        ImageEntries headers = new ImageEntries();
        for (byte[] layer : layers) {
            headers.add("layer", new ByteArrayInputStream(TarBuilder.gzip(layer)));
        }
        List<Integer> opened = new ArrayList<>();
        Map<String, Digest> digests = headers.digests(List.of("etc/a", "etc/a-link", "real/via", "real", "missing"),
                index -> {
                    opened.add(index);
                    return new ByteArrayInputStream(layers.get(index));
                });
        assertEquals(Map.of("etc/a", sha256("two"), "etc/a-link", sha256("one"), "real/via", sha256("via")), digests);
        assertEquals(List.of(0, 1), opened);
    }

    private static Digest sha256(String content) {
        return Digest.sha256(content.getBytes(StandardCharsets.UTF_8));
    }
}
