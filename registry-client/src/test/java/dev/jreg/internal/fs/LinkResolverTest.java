package dev.jreg.internal.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jreg.internal.fs.LinkResolver.Mode;
import dev.jreg.internal.fs.LinkResolver.Resolved;
import dev.jreg.internal.fs.LinkResolver.Stat;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link LinkResolver}, one table run on the same tree twice: in memory, and on disk through
 * {@link LinkResolver#onDisk}, where the kernel made the links and {@code lstat} reads them.
 */
class LinkResolverTest {
    /** The tree: {@code dir}, {@code file}, or {@code link:TARGET}; parents first. */
    private static final Map<String, String> TREE = new LinkedHashMap<>();

    static {
        TREE.put("usr", "dir");
        TREE.put("usr/bin", "dir");
        TREE.put("usr/bin/sh", "file");
        TREE.put("usr/bin/up", "link:..");
        TREE.put("usr/lib", "dir");
        TREE.put("etc", "dir");
        TREE.put("etc/passwd", "file");
        TREE.put("etc/alternatives", "dir");
        TREE.put("etc/alternatives/sh", "link:/bin/sh");
        TREE.put("bin", "link:/usr/bin");
        TREE.put("lib", "link:usr/lib");
        TREE.put("sbin", "link:bin");
        TREE.put("up", "link:../../../usr");
        TREE.put("out", "link:/../../etc");
        TREE.put("dot", "link:.");
        TREE.put("loop", "link:loop2");
        TREE.put("loop2", "link:loop");
        TREE.put("dangling", "link:/nowhere/x");
        TREE.put("passwd-dir", "link:etc/passwd/");
        // c0 → c1 → … → c39 → etc: 40 links, Linux's most; d0 → … → d40 → etc: 41.
        for (int i = 0; i < 40; i++) {
            TREE.put("c" + i, "link:" + (i == 39 ? "etc" : "c" + (i + 1)));
        }
        for (int i = 0; i < 41; i++) {
            TREE.put("d" + i, "link:" + (i == 40 ? "etc" : "d" + (i + 1)));
        }
    }

    @TempDir
    static Path disk;

    @BeforeAll
    static void makeTheTreeOnDisk() throws IOException {
        for (Map.Entry<String, String> each : TREE.entrySet()) {
            Path path = disk.resolve(each.getKey());
            if (each.getValue().equals("dir")) {
                Files.createDirectory(path);
            } else if (each.getValue().equals("file")) {
                Files.createFile(path);
            } else {
                Files.createSymbolicLink(path, Path.of(each.getValue().substring("link:".length())));
            }
        }
    }

    /** The links point out of the directory as the host reads them: gone first, so that its clean-up has nothing to say. */
    @AfterAll
    static void removeTheLinks() throws IOException {
        for (Map.Entry<String, String> each : TREE.entrySet()) {
            if (each.getValue().startsWith("link:")) {
                Files.delete(disk.resolve(each.getKey()));
            }
        }
    }

    private static Stat inMemory(String path) {
        String kind = TREE.get(path);
        return kind == null ? Stat.MISSING : kind.equals("dir") ? Stat.DIRECTORY : kind.equals("file") ? Stat.OTHER
                : Stat.symlink(kind.substring("link:".length()));
    }

    /**
     * Each row: the path, the mode, then what it resolves to, the paths missing on the way (space
     * separated) and the component that is not a directory ({@link Mode#DIRECTORY}); {@code ELOOP}
     * for a path that goes through more than 40 links.
     */
    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', nullValues = "-", value = {
        // plain paths, relative or absolute
        "usr/bin/sh              | FOLLOW    | usr/bin/sh         | ''                        | -",
        "/usr/bin/sh             | FOLLOW    | usr/bin/sh         | ''                        | -",
        "''                      | FOLLOW    | ''                 | ''                        | -",
        "/                       | DIRECTORY | ''                 | ''                        | -",
        "./etc//./passwd         | FOLLOW    | etc/passwd         | ''                        | -",
        // an absolute link starts again at the root, a relative one from its directory
        "bin/sh                  | FOLLOW    | usr/bin/sh         | ''                        | -",
        "lib                     | FOLLOW    | usr/lib            | ''                        | -",
        "lib                     | NOFOLLOW  | lib                | ''                        | -",
        "lib/x                   | NOFOLLOW  | usr/lib/x          | usr/lib/x                 | -",
        "lib/.                   | NOFOLLOW  | usr/lib            | ''                        | -",
        "usr/bin/up/lib          | FOLLOW    | usr/lib            | ''                        | -",
        "dot/dot/etc/passwd      | FOLLOW    | etc/passwd         | ''                        | -",
        // chains
        "sbin/sh                 | FOLLOW    | usr/bin/sh         | ''                        | -",
        "etc/alternatives/sh     | FOLLOW    | usr/bin/sh         | ''                        | -",
        "etc/alternatives/sh     | NOFOLLOW  | etc/alternatives/sh | ''                       | -",
        "c0                      | FOLLOW    | etc                | ''                        | -",
        // .. above the root stops at it, in a path or in a link's target
        "../../etc/passwd        | FOLLOW    | etc/passwd         | ''                        | -",
        "usr/../../../etc        | FOLLOW    | etc                | ''                        | -",
        "up/bin/sh               | FOLLOW    | usr/bin/sh         | ''                        | -",
        "out/passwd              | FOLLOW    | etc/passwd         | ''                        | -",
        // loops, and more than 40 links
        "loop                    | FOLLOW    | ELOOP              | ''                        | -",
        "loop                    | NOFOLLOW  | loop               | ''                        | -",
        "loop/x                  | NOFOLLOW  | ELOOP              | ''                        | -",
        "d0                      | FOLLOW    | ELOOP              | ''                        | -",
        "d0                      | DIRECTORY | ELOOP              | ''                        | -",
        // a link to a missing target, and missing components kept as written
        "dangling                | FOLLOW    | nowhere/x          | nowhere nowhere/x         | -",
        "dangling                | NOFOLLOW  | dangling           | ''                        | -",
        "dangling/y              | DIRECTORY | nowhere/x/y        | nowhere nowhere/x nowhere/x/y | -",
        "new/a/../b              | DIRECTORY | new/b              | new new/b                 | -",
        "new/../etc              | DIRECTORY | etc                | ''                        | -",
        // a file used as a directory: kept as written, or where a directory path stops
        "etc/passwd/x            | FOLLOW    | etc/passwd/x       | etc/passwd/x              | -",
        "etc/passwd/../group     | FOLLOW    | etc/group          | etc/group                 | -",
        "etc/passwd/x            | DIRECTORY | etc/passwd         | ''                        | etc/passwd",
        "etc/passwd/../loop      | DIRECTORY | etc/passwd         | ''                        | etc/passwd",
        "etc/passwd              | DIRECTORY | etc/passwd         | ''                        | etc/passwd",
        "bin/sh                  | DIRECTORY | usr/bin/sh         | ''                        | usr/bin/sh",
        "passwd-dir              | DIRECTORY | etc/passwd         | ''                        | etc/passwd",
        "lib                     | DIRECTORY | usr/lib            | ''                        | -",
    })
    void resolvesInsideTheRoot(String path, Mode mode, String resolved, String missing, String notDirectory)
            throws IOException {
        List<String> missingPaths = missing.isEmpty() ? List.of() : Arrays.asList(missing.split(" "));
        Map<String, LinkResolver.Lookup<?>> lookups = Map.of("in memory", LinkResolverTest::inMemory,
                "on disk", LinkResolver.onDisk(disk));
        for (Map.Entry<String, LinkResolver.Lookup<?>> lookup : lookups.entrySet()) {
            if (resolved.equals("ELOOP")) {
                assertEquals(path, assertThrows(FileSystemLoopException.class,
                        () -> resolve(path, mode, lookup.getValue()), lookup.getKey()).getFile());
                continue;
            }
            assertEquals(new Resolved(resolved, missingPaths, notDirectory), resolve(path, mode, lookup.getValue()),
                    lookup.getKey());
        }
    }

    private static Resolved resolve(String path, Mode mode, LinkResolver.Lookup<?> lookup) throws IOException {
        try {
            return LinkResolver.resolve(path, mode, lookup);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** On disk, what cannot be read is missing: a path under a file, or under nothing. */
    @Test
    void onDiskWhatCannotBeReadIsMissing() {
        LinkResolver.Lookup<RuntimeException> lookup = LinkResolver.onDisk(disk);
        assertEquals(Stat.MISSING, lookup.at("etc/passwd/x"));
        assertEquals(Stat.MISSING, lookup.at("nowhere/x"));
        assertEquals(Stat.symlink("/bin/sh"), lookup.at("etc/alternatives/sh"));
        assertEquals(Stat.DIRECTORY, lookup.at(""));
        assertEquals(Stat.OTHER, lookup.at("usr/bin/sh"));
    }
}
