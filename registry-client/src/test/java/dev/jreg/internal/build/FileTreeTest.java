package dev.jreg.internal.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layer.LayerEntry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link FileTree}: paths resolved through links with the root as the root, Go's
 * {@code filepath.Match} per element, directories only paths under them make, and the
 * directories a path needs made.
 */
class FileTreeTest {
    private static final FileTree TREE = tree(Map.of(
            "usr", "dir", "usr/lib", "dir", "usr/lib/libc.so", "file", "lib", "link:usr/lib", "bin", "link:/usr/bin",
            "etc/passwd", "file", "up", "link:../../etc", "loop", "link:loop", "srv", "link:srv-real",
            "app/arr[0].txt", "file"));

    private static FileTree tree(Map<String, String> paths) {
        TreeMap<String, LayerEntry> entries = new TreeMap<>();
        paths.forEach((path, kind) -> entries.put(path, new LayerEntry(path, kind.equals("dir")
                ? LayerEntry.Type.DIRECTORY : kind.startsWith("link:") ? LayerEntry.Type.SYMLINK : LayerEntry.Type.FILE,
                0755, 0, 0, Instant.EPOCH, 0, kind.startsWith("link:") ? kind.substring(5) : "", Map.of(), 0, 0)));
        return new FileTree(entries);
    }

    @Test
    void linksResolveWithinTheRoot() {
        assertEquals("usr/lib/libc.so", TREE.resolve("lib/libc.so", true));
        assertEquals("usr/bin/sh", TREE.resolve("/bin/sh", true), "an absolute target starts at the root");
        assertEquals("etc/passwd", TREE.resolve("up/passwd", true), "a link's .. stops at the root");
        assertEquals("lib", TREE.resolve("lib", false), "the last element kept when asked");
        assertEquals("usr", TREE.resolve("../../usr/./lib/..", true));
        assertThrows(IllegalArgumentException.class, () -> TREE.resolve("loop/x", true));
    }

    @Test
    void directoriesAreEntriesOrWhatPathsUnderThemMake() {
        assertTrue(TREE.isDirectory("usr/lib"));
        assertTrue(TREE.isDirectory("etc"), "no entry, but etc/passwd");
        assertTrue(TREE.isDirectory(""));
        assertFalse(TREE.isDirectory("etc/passwd"));
        assertFalse(TREE.exists("var"));
        assertTrue(TREE.exists("etc"));
    }

    @Test
    void wildcardsMatchElementByElement() {
        assertEquals(List.of("usr/lib/libc.so"), TREE.glob("usr/*/lib?.so"));
        assertEquals(List.of("etc/passwd"), TREE.glob("e[s-u]c/pass*"));
        assertEquals(List.of(), TREE.glob("*.so"), "* does not cross /");
        assertEquals(List.of("app/arr[0].txt"), TREE.glob("app/arr[[]0].txt"), "a [ escaped as a class");
        assertTrue(FileTree.hasWildcards("a/*.txt"));
        assertFalse(FileTree.hasWildcards("a/\\*.txt"));
        assertThrows(IllegalArgumentException.class, () -> TREE.glob("a[b"));
    }

    @Test
    void theDirectoriesToMakeLeaveOutWhatIsThereAndWhereALinkLeads() {
        assertEquals(List.of("var", "var/lib", "var/lib/app"), TREE.missing("var/lib/app"));
        assertEquals(List.of("usr/lib/app"), TREE.missing("usr/lib/app"));
        assertEquals(List.of(), TREE.missing("srv/data"), "through a link: made where it leads, as applied");
    }
}
