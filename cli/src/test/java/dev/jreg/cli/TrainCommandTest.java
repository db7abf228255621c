package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workload the launcher records its start-up archive from ({@code __train-cds}), in a JVM of
 * its own as the launcher runs it: every command of it succeeds, it leaves nothing in the
 * temporary directory, and it loads the classes of the commands that make and carry images, which
 * the archive then holds.
 */
class TrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void theWorkloadSucceedsLeavesNothingAndLoadsTheImageCommandsClasses() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path log = dir.resolve("classes.log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-Xlog:class+load=info:file=" + log, "-cp",
                System.getProperty("java.class.path"), "dev.jreg.cli.Main", "__train-cds");
        Processes.Result result = Processes.run(command, Duration.ofMinutes(2));
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("", result.stderr(), "a failed command of the workload is named on stderr");
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "the workload's files are deleted");
        }
        String loaded = Files.readString(log);
        for (String type : List.of("dev.jreg.ImageUnpack", "dev.jreg.ImageCommit", "dev.jreg.UnpackedDirectories",
                "dev.jreg.internal.layer.LayerApplier", "dev.jreg.internal.layer.DirectoryScan",
                "dev.jreg.internal.layer.FilesystemDiff", "dev.jreg.internal.layer.LayerWriter",
                "dev.jreg.internal.layer.Flattener", "dev.jreg.internal.archive.ArchiveWriter",
                "dev.jreg.internal.archive.ArchiveLoader", "dev.jreg.ExportResult", "dev.jreg.SquashResult",
                "dev.jreg.LoadResult", "dev.jreg.cli.HistoryCommand", "dev.jreg.cli.Table")) {
            assertTrue(loaded.contains(" " + type + " "), type + " is not loaded by the workload");
        }
    }
}
