package dev.jreg.internal.layer;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An unpack and a diff of it in a JVM of its own, for a test run by an ordinary user. Arguments:
 * {@code LAYER DIR}: the layer (a tar) unpacked into {@code DIR}, then {@code DIR} compared with
 * its record and with the layer's entries; prints each change, one a line.
 */
public final class DiffLauncher {
    private DiffLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        LayerApplier applier = new LayerApplier(dir, LayerLimits.DEFAULT, line -> { });
        ImageEntries entries = new ImageEntries();
        try (InputStream layer = Files.newInputStream(Path.of(args[0]))) {
            applier.apply("layer", layer);
        }
        try (InputStream layer = Files.newInputStream(Path.of(args[0]))) {
            entries.add("layer", layer);
        }
        UnpackRecord record = applier.finish();
        FilesystemDiff diff = FilesystemDiff.forThisProcess(false, FilesystemDiff.ImageContent.NONE);
        FilesystemDiffTest.describe(diff.changes(dir, record)).forEach(System.out::println);
        FilesystemDiffTest.describe(diff.changesWithoutRecord(dir, entries.entries())).forEach(System.out::println);
    }
}
