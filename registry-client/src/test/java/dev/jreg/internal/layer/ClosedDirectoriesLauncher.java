package dev.jreg.internal.layer;

import dev.jreg.internal.store.HashingOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An unpack, a commit and a removal of a tree with directories its owner may not enter, as
 * {@code jreg unpack}, {@code jreg build} and {@code jreg commit} do them, in a JVM of its own for a
 * test run by an ordinary user. Arguments: {@code WORK LOWER UPPER} (two layers, tars): {@code LOWER}
 * applied to {@code WORK/rootfs} through {@link LayerApplier#onto} and finished, {@code UPPER} onto
 * that, as a build applies a {@code COPY} after a {@code RUN}; the change since {@code LOWER}
 * ({@link FilesystemDiff#changes}) printed one entry a line, taken into the record and written as
 * {@code WORK/changes.tar}; the whole tree, compared with no image, written as {@code WORK/all.tar}
 * and unpacked into {@code WORK/again}; {@code WORK/rootfs} deleted.
 */
public final class ClosedDirectoriesLauncher {
    private ClosedDirectoriesLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path rootfs = work.resolve("rootfs");
        UnpackRecord lower = apply(LayerApplier.onto(rootfs, new UnpackRecord(new TreeMap<>()), LayerLimits.DEFAULT,
                line -> { }), Path.of(args[1]));
        apply(LayerApplier.onto(rootfs, lower, LayerLimits.DEFAULT, line -> { }), Path.of(args[2]));
        FilesystemDiff diff = FilesystemDiff.forThisProcess(false, FilesystemDiff.ImageContent.NONE);
        List<SourcedEntry> changes = diff.changes(rootfs, lower);
        FilesystemDiffTest.describe(changes).forEach(System.out::println);
        lower.withChanges(rootfs, changes);
        write(changes, work.resolve("changes.tar"));
        write(diff.changesWithoutRecord(rootfs, Map.of()), work.resolve("all.tar"));
        LayerApplier again = new LayerApplier(work.resolve("again"), LayerLimits.DEFAULT, line -> { });
        try (InputStream layer = Files.newInputStream(work.resolve("all.tar"))) {
            again.apply("all", layer);
        }
        again.finish();
        Trees.delete(rootfs, false);
    }

    private static UnpackRecord apply(LayerApplier applier, Path layer) throws IOException {
        try (InputStream in = Files.newInputStream(layer)) {
            applier.apply(layer.getFileName().toString(), in);
        }
        return applier.finish();
    }

    private static void write(List<SourcedEntry> entries, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            LayerWriter.of(Compression.NONE, Optional.empty()).write(entries, HashingOutputStream.over(out));
        }
    }
}
