package dev.jreg.internal.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.testing.TestImages;
import dev.jreg.testing.Unprivileged;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same three-layer image unpacked by umoci ({@code umoci unpack --rootless}, as an
 * unprivileged user) and by {@link LayerApplier}: every path, its type, permission bits, link
 * target, content and the times of files and directories agree ({@link TreeSnapshot#files()}).
 * The layers hold whiteouts of files and trees, an opaque directory with entries of its own layer
 * before and after the marker, hard links within a layer and to a lower one, symbolic links
 * (relative, absolute, dangling, one a later entry goes through), setuid, setgid and sticky
 * modes, a read-only directory, and paths whose type changes between layers.
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

        List<byte[]> tars = List.of(base(), changes(), lastChanges());
        List<TestImages.Layer> layers = new ArrayList<>();
        for (int i = 0; i < tars.size(); i++) {
            byte[] tar = tars.get(i);
            byte[] blob = i == 1 ? tar : TarBuilder.gzip(tar);
            MediaType type = i == 1 ? MediaType.OCI_LAYER : MediaType.OCI_LAYER_GZIP;
            layers.add(new TestImages.Layer(blob, Descriptor.of(type, Digest.sha256(blob), blob.length),
                    Digest.sha256(tar)));
        }
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

    static byte[] base() {
        byte[] random = new byte[100_000];
        new Random(7).nextBytes(random);
        return new TarBuilder().dir("etc").file("etc/hostname", "box\n").file("etc/shadow", "root:*:1::::::\n", 0640)
                .file("etc/passwd", "root:x:0:0::/root:/bin/sh\n").symlink("etc/mtab", "/proc/self/mounts")
                .dir("usr").dir("usr/bin").file("usr/bin/tool", "v1", 0755).hardlink("usr/bin/tool2", "usr/bin/tool")
                .file("usr/bin/su", "su", 04755).file("usr/bin/wall", "wall", 02755).symlink("usr/bin/alias", "tool")
                .symlink("lib", "usr/lib").dir("usr/lib").file("usr/lib/libx.so", "x", 0755)
                .add(timed("usr/lib/blob", Instant.parse("2019-05-06T07:08:09.5Z")), random)
                .dir("var").dir("var/lib").dir("var/lib/data").file("var/lib/data/a", "a").dir("var/lib/data/sub")
                .file("var/lib/data/sub/c", "c").dir("opt").dir("opt/app").file("opt/app/old", "old")
                .dir("opt/app/cache").file("opt/app/cache/entry", "e").file("opt/app/replaced", "lower")
                .dir("tmp", 01777).dir("ro", 0555).file("ro/f", "read only", 0444).file("to-dir", "a file first")
                .dir("to-file").file("to-file/inner", "i").symlink("dangling", "no/such/path").tar();
    }

    static byte[] changes() {
        return new TarBuilder().whiteout("etc/.wh.shadow").whiteout("var/lib/.wh.data").dir("opt/app", 0750)
                .file("opt/app/before", "b").whiteout("opt/app/.wh..wh..opq").file("opt/app/new", "n")
                .file("opt/app/replaced", "upper").dir("to-dir").file("to-dir/inner", "now a directory")
                .file("to-file", "now a file").hardlink("etc/hostname2", "etc/hostname").file("usr/bin/tool", "v2", 0700)
                .dir("etc", 0750).file("lib/libnew.so", "through the lib link").tar();
    }

    static byte[] lastChanges() {
        return new TarBuilder().whiteout("opt/app/.wh.new").symlink("etc/hostname", "/etc/hostname.real")
                .file("usr/bin/alias", "a file where a link was").dir("ro", 0555).file("ro/g", "added", 0400).tar();
    }

    private static TarArchiveEntry timed(String name, Instant mtime) {
        TarArchiveEntry entry = TarBuilder.header(name, TarConstants.LF_NORMAL, 0644);
        entry.setLastModifiedTime(FileTime.from(mtime));
        return entry;
    }
}
