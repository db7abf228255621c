package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.sandbox.BusyboxRootfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A RUN starts from the base kept unpacked in the store ({@code cache/rootfs/}), linked rather
 * than unpacked again, and never from one that a command may have changed: the image is the same
 * either way; a command that writes a base file in place retires the entry; an entry left in use
 * by a killed build is unpacked again; prune deletes what killed builds left.
 */
class UnpackedBasesTest {
    static final String CAT_GROUP = "FROM busybox:1\nRUN cat /etc/group\n";

    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path work;

    @BeforeEach
    void storeBusybox() throws IOException {
        String unavailable = BusyboxRootfs.unavailable();
        Assumptions.assumeTrue(unavailable == null, unavailable);
        BuildRunTest.storeBusybox(store);
    }

    Cli cli() {
        return new Cli(home, store);
    }

    Path context(String name, String dockerfile) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name));
        Files.writeString(dir.resolve("Dockerfile"), dockerfile);
        return dir;
    }

    /** The entries of {@code cache/rootfs}, lock files aside. */
    List<Path> entries() throws IOException {
        Path folder = store.resolve("cache/rootfs");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> listing = Files.list(folder)) {
            return listing.filter(Files::isDirectory).toList();
        }
    }

    @Test
    void aRunBuildLinksTheKeptBaseAndGivesTheSameImage() throws Exception {
        Path app = context("app", "FROM busybox:1\nRUN echo made > /made\n");
        String first = cli().ok("build", "--timestamp", "0", "-t", "made", app.toString()).out();
        List<Path> entries = entries();
        assertEquals(1, entries.size(), "the base was kept unpacked: " + entries);
        Path entry = entries.get(0);
        assertTrue(Files.isRegularFile(entry.resolve("record")));
        assertFalse(Files.exists(entry.resolve("in-use")), "lent and given back untouched");

        String again = cli().ok("build", "--no-cache", "--timestamp", "0", "-t", "made", app.toString()).out();
        assertEquals(first, again, "the same image from the linked base as from the unpacked one");

        // A file only the kept tree has shows that the next RUN starts from it.
        Files.writeString(entry.resolve("rootfs/planted"), "planted\n");
        Cli.Result seen = cli().ok("build", "--no-cache", "--progress", "plain",
                context("seen", "FROM busybox:1\nRUN cat /planted\n").toString());
        assertTrue(seen.err().contains("planted"), seen.err());
    }

    @Test
    void aCommandThatWritesABaseFileInPlaceRetiresTheKeptBase() throws Exception {
        // The shell's >> appends to the file itself: its inode is the kept tree's too.
        Cli.Result appended = cli().ok("build", "--progress", "plain",
                context("append", "FROM busybox:1\nRUN echo appended-line >> /etc/group && cat /etc/group\n").toString());
        assertTrue(appended.err().contains("appended-line"), appended.err());
        assertEquals(List.of(), entries(), "an entry whose file changed is deleted");

        Cli.Result clean = cli().ok("build", "--progress", "plain", context("clean", CAT_GROUP).toString());
        assertTrue(clean.err().contains("root:x:0:"), clean.err());
        assertFalse(clean.err().contains("appended-line"), "the next build starts from the base as it is: " + clean.err());
        assertEquals(1, entries().size());
    }

    @Test
    void aBaseLeftInUseByAKilledBuildIsUnpackedAgain() throws Exception {
        cli().ok("build", context("first", "FROM busybox:1\nRUN true\n").toString());
        Path entry = entries().get(0);
        // What a build killed in the middle of a command could leave: the mark, and a changed file.
        Files.writeString(entry.resolve("in-use"), "");
        Files.writeString(entry.resolve("rootfs/etc/group"), "changed-by-a-killed-build\n");
        Cli.Result next = cli().ok("build", "--progress", "plain", context("next", CAT_GROUP).toString());
        assertTrue(next.err().contains("root:x:0:"), next.err());
        assertFalse(next.err().contains("changed-by-a-killed-build"), next.err());
        assertFalse(Files.exists(entry.resolve("in-use")));
    }

    @Test
    void pruneDeletesWhatKilledBuildsLeftAndKeepsTheKeptBases() throws Exception {
        cli().ok("build", context("kept", "FROM busybox:1\nRUN true\n").toString());
        List<Path> kept = entries();
        Path rootfs = Files.createDirectories(store.resolve("build/.rootfs-1/rootfs/etc"));
        Files.writeString(rootfs.resolve("group"), "root:x:0:\n");
        Path unpack = Files.createDirectories(store.resolve("cache/rootfs/ab.new-2/rootfs/etc"));
        assertEquals(kept.size() + 1, entries().size());

        Cli.Result prune = cli().ok("prune");
        assertTrue(prune.out().contains("Deleted 2 directories left by killed builds\n"), prune.out());
        assertFalse(Files.exists(store.resolve("build/.rootfs-1")));
        assertFalse(Files.exists(unpack.getParent().getParent()));
        assertEquals(kept, entries(), "the kept base stays");
        assertFalse(cli().ok("prune").out().contains("left by killed builds"), "nothing more to delete");
    }

    @Test
    void pruneCacheDeletesTheKeptBases() throws Exception {
        cli().ok("build", context("kept", "FROM busybox:1\nRUN true\n").toString());
        assertEquals(1, entries().size());
        long entries;
        try (Stream<Path> folders = Files.list(store.resolve("cache"))) {
            entries = folders.mapToLong(folder -> {
                try (Stream<Path> listing = Files.list(folder)) {
                    return listing.count();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
        Cli.Result pruned = cli().ok("prune", "--cache");
        assertEquals(List.of(), entries());
        assertTrue(pruned.out().contains("Deleted " + entries + " build cache entries\n"),
                "a step, a context's digests, the base kept unpacked each one entry, not its files: " + pruned);
        assertFalse(pruned.out().contains("Total reclaimed space: 0B"), "the cache's bytes counted: " + pruned);
    }

    @Test
    void aBaseLayersListingIsKeptAndADamagedOneIsMadeAgain() throws Exception {
        Path app = context("listed", "FROM busybox:1\nWORKDIR /app\nCOPY --chown=root Dockerfile /app/\n");
        String first = cli().ok("build", "--timestamp", "0", "-t", "listed", app.toString()).out();
        List<Path> listings;
        try (Stream<Path> listing = Files.list(store.resolve("cache/layers"))) {
            listings = listing.toList();
        }
        assertEquals(1, listings.size(), "the base's layer, the only one of 256 KiB or more: " + listings);
        Files.writeString(listings.get(0), "damaged");
        assertEquals(first, cli().ok("build", "--no-cache", "--timestamp", "0", "-t", "listed", app.toString()).out());
        assertTrue(Files.size(listings.get(0)) > 100, "made again from the blob");
        assertEquals(first, cli().ok("build", "--no-cache", "--timestamp", "0", "-t", "listed", app.toString()).out(),
                "the same image from the listing");
    }
}
