package dev.jreg.internal.layer;

import dev.jreg.testing.TarBuilder;
import dev.jreg.testing.TestImages;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Three layers of an image with every change the OCI image spec's "Applying Changesets" names:
 * whiteouts of files and trees, an opaque directory with entries of its own layer before and after
 * the marker, hard links within a layer and to a lower one, symbolic links (relative, absolute,
 * dangling, one a later entry goes through), setuid, setgid and sticky modes, a read-only
 * directory, a time with a fraction of a second, and paths whose type changes between layers.
 */
public final class ChangesetLayers {
    private ChangesetLayers() {
    }

    /** The three layers as an image's: the first and last gzip'd, the middle one a plain tar. */
    public static List<TestImages.Layer> image() {
        return List.of(TestImages.layerOf(base(), true), TestImages.layerOf(changes(), false),
                TestImages.layerOf(lastChanges(), true));
    }

    /** The lowest layer, a plain tar. */
    public static byte[] base() {
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

    /** The middle layer, a plain tar. */
    public static byte[] changes() {
        return new TarBuilder().whiteout("etc/.wh.shadow").whiteout("var/lib/.wh.data").dir("opt/app", 0750)
                .file("opt/app/before", "b").whiteout("opt/app/.wh..wh..opq").file("opt/app/new", "n")
                .file("opt/app/replaced", "upper").dir("to-dir").file("to-dir/inner", "now a directory")
                .file("to-file", "now a file").hardlink("etc/hostname2", "etc/hostname").file("usr/bin/tool", "v2", 0700)
                .dir("etc", 0750).file("lib/libnew.so", "through the lib link").tar();
    }

    /** The top layer, a plain tar. */
    public static byte[] lastChanges() {
        return new TarBuilder().whiteout("opt/app/.wh.new").symlink("etc/hostname", "/etc/hostname.real")
                .file("usr/bin/alias", "a file where a link was").dir("ro", 0555).file("ro/g", "added", 0400).tar();
    }

    private static TarArchiveEntry timed(String name, Instant mtime) {
        TarArchiveEntry entry = TarBuilder.header(name, TarConstants.LF_NORMAL, 0644);
        entry.setLastModifiedTime(FileTime.from(mtime));
        return entry;
    }
}
