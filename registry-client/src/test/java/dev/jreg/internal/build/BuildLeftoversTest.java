package dev.jreg.internal.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.LocalStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a build killed with {@code kill -9} leaves — a stage's root filesystem in {@code build/},
 * a base half unpacked in {@code cache/rootfs/} — is deleted, and what a live build holds is not.
 */
class BuildLeftoversTest {
    @TempDir
    Path temp;

    @Test
    void rootFilesystemsOfKilledBuildsAreDeletedThoseOfLiveOnesKept() throws Exception {
        LocalStore store = LocalStore.open(temp.resolve("store"));
        Path work = store.root().resolve("build");
        // As a killed process leaves it: the lock file, its lock gone with the process.
        Path killed = killedBuild(work.resolve(".rootfs-1"));
        Files.writeString(killed.resolve("lock"), "");
        // As a build of a version that held no lock leaves it.
        Path older = killedBuild(work.resolve(".rootfs-2"));
        try (RootFilesystem live = RootFilesystem.create(work)) {
            Files.writeString(live.root().resolve("f"), "live\n");
            assertEquals(2, StageExecutor.deleteLeftovers(store));
            assertFalse(Files.exists(killed));
            assertFalse(Files.exists(older));
            assertEquals("live\n", Files.readString(live.root().resolve("f")), "the live build's is kept");
            assertTrue(Files.isRegularFile(live.root().getParent().resolve("lock")));
        }
        assertEquals(0, StageExecutor.deleteLeftovers(store), "closed, nothing is left to delete");
        try (var listing = Files.list(work)) {
            assertEquals(0, listing.count());
        }
    }

    @Test
    void unpacksOfKilledBuildsAreDeletedThoseUnderWayKept() throws Exception {
        LocalStore store = LocalStore.open(temp.resolve("store"));
        Path folder = store.root().resolve("cache/rootfs");
        Path killed = killedBuild(folder.resolve("aa.new-1"));
        Files.writeString(folder.resolve("aa.lock"), "");
        Path kept = killedBuild(folder.resolve("bb"));
        Path underWay = killedBuild(folder.resolve("cc.new-2"));
        try (FileChannel channel = FileChannel.open(folder.resolve("cc.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
            assertEquals(1, StageExecutor.deleteLeftovers(store));
            assertFalse(Files.exists(killed));
            assertTrue(Files.exists(underWay.resolve("rootfs/f")), "its entry's lock is held by the unpack");
            assertTrue(Files.exists(kept.resolve("rootfs/f")), "a kept base is the cache's");
        }
        assertEquals(1, StageExecutor.deleteLeftovers(store), "once the unpack's lock is gone");
        assertFalse(Files.exists(underWay));
    }

    /** A directory holding {@code rootfs/f}, read-only, as an image's tree can be. */
    private static Path killedBuild(Path directory) throws IOException {
        Path rootfs = Files.createDirectories(directory.resolve("rootfs/usr"));
        Files.writeString(rootfs.resolveSibling("f"), "f\n");
        rootfs.toFile().setWritable(false);
        return directory;
    }
}
