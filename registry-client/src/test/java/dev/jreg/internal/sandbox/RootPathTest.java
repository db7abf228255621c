package dev.jreg.internal.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RootPath}: host paths of a root filesystem's paths, its links followed inside it. */
class RootPathTest {
    @TempDir
    Path temp;

    @Test
    void linksAreFollowedInsideTheRootAndALoopIsOneError() throws Exception {
        Path root = Files.createDirectories(temp.resolve("rootfs")).toRealPath();
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createSymbolicLink(root.resolve("bin"), Path.of("/usr/bin"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
        assertEquals(root.resolve("usr/bin/sh"), RootPath.resolve(root, "/bin/sh"));
        assertEquals(root.resolve("usr/bin/missing/x"), RootPath.resolve(root, "/../bin/missing/x"));
        assertEquals(root, RootPath.resolve(root, "/"));
        FileSystemException loop = assertThrows(FileSystemException.class, () -> RootPath.resolve(root, "/loop/x"));
        assertEquals("/loop/x: too many levels of symbolic links in the root filesystem", loop.getMessage());
        Files.delete(root.resolve("bin")); // it points out of the temp directory as the host reads it
    }
}
