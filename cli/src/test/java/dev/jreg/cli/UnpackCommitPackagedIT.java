package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code unpack} and {@code commit} through the shipped launcher ({@code cli/target/jreg.jar} and
 * {@code lib/}, its JVM options), as users run them: relative directories in two working
 * directories, edited at different times, commit to the same digest with SOURCE_DATE_EPOCH.
 */
class UnpackCommitPackagedIT {
    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path work;

    @Test
    void relativeDirectoriesInTwoWorkingDirectoriesCommitTheSameImage() throws Exception {
        UnpackCommitTest.storeBase(store);
        List<String> ids = new ArrayList<>();
        for (int copy = 0; copy < 2; copy++) {
            Path cwd = Files.createDirectories(work.resolve("in-" + copy));
            Cli cli = new Cli(home, store).env("SOURCE_DATE_EPOCH", UnpackCommitTest.EPOCH);
            Cli.Result unpacked = cli.launchIn(cwd, "unpack", "base:1", "rootfs");
            assertEquals(0, unpacked.exitCode(), unpacked::toString);
            assertEquals("", unpacked.out());
            // The files as they lie on disk, not the image's compressed size.
            assertTrue(unpacked.err().endsWith("Unpacked base:1 (2 layers; 7 files, 16B unpacked) into "
                    + cwd.resolve("rootfs").toRealPath() + "\n"), unpacked.err());
            Path rootfs = cwd.resolve("rootfs");
            UnpackCommitTest.edit(rootfs);
            Files.setLastModifiedTime(rootfs.resolve("etc/new.conf"), FileTime.from(Instant.now().plus(copy,
                    ChronoUnit.HOURS)));
            Cli.Result committed = cli.launchIn(cwd, "commit", "-c", "CMD [\"./run.sh\"]", "rootfs", "launched:" + copy);
            assertEquals(0, committed.exitCode(), committed::toString);
            assertTrue(committed.out().matches("sha256:[0-9a-f]{64}\n"), committed.out());
            assertTrue(committed.err().contains("Committed launched:" + copy + ": new layer "), committed.err());
            ids.add(committed.out());
        }
        assertEquals(ids.get(0), ids.get(1));
    }
}
