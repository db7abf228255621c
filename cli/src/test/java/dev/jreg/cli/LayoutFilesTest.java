package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layout.LocalStore;
import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An OCI layout that jreg writes holds the layout's files only, readable by other accounts, and a
 * layout jreg only reads is left as it was: a read-only one reads.
 */
class LayoutFilesTest {
    private static final Platform AMD64 = Platform.of("linux", "amd64", null);

    @TempDir
    Path dir;

    private Path store() {
        return dir.resolve("store");
    }

    private Cli.Result ok(String... args) {
        return new Cli(dir.resolve("home"), store()).ok(args);
    }

    private ManifestBlob storedImage(String name, long seed) throws IOException {
        return TestImages.writeImage(LocalStore.open(store()), Reference.parse(name), AMD64,
                List.of(TestImages.layer(seed, 20_000), TestImages.layer(seed + 1, 10_000)));
    }

    /** Every file and directory under a directory, relative, with each file's mode, size and modification time. */
    private static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
                tree.put(dir.relativize(path).toString(), Files.isDirectory(path) ? "dir " + mode
                        : mode + ", " + Files.size(path) + " bytes, modified " + Files.getLastModifiedTime(path).toMillis());
            }
        }
        return tree;
    }

    /** This process's umask, as a child process inherits it. */
    private static int umask() throws Exception {
        Process shell = new ProcessBuilder("/bin/sh", "-c", "umask").start();
        String octal = new String(shell.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertEquals(0, shell.waitFor());
        return Integer.parseInt(octal, 8);
    }

    private static String mode(int bits) {
        StringBuilder mode = new StringBuilder();
        for (int shift = 8; shift >= 0; shift--) {
            mode.append((bits >> shift & 1) == 0 ? '-' : "rwx".charAt(2 - shift % 3));
        }
        return mode.toString();
    }

    @Test
    void aCopyIntoALayoutLeavesTheLayoutsFilesOnlyWithTheUmasksModes() throws Exception {
        ManifestBlob image = storedImage("localhost/app:1", 10);
        Path layout = dir.resolve("exported");
        ok("copy", "-q", "local:localhost/app:1", "oci:" + layout + ":app");
        // A second image into the same layout, and one from that layout into another.
        storedImage("localhost/other:1", 20);
        ok("copy", "-q", "local:localhost/other:1", "oci:" + layout + ":other");
        Path copied = dir.resolve("copied");
        ok("copy", "-q", "oci:" + layout + ":app", "oci:" + copied + ":app");

        List<String> blobs = new ArrayList<>();
        for (Digest digest : LocalStore.open(store()).blobsOf(image.descriptor())) {
            blobs.add("blobs/sha256/" + digest.hex());
        }
        List<String> expected = new ArrayList<>(List.of("", "blobs", "blobs/sha256", "index.json", "oci-layout"));
        expected.addAll(blobs);
        assertEquals(expected.stream().sorted().toList(), List.copyOf(tree(copied).keySet()), "no .jreg.*, ingest or temp file");
        assertEquals(expected.size() + 4, tree(layout).size(), "and the other image's manifest, config and layers");
        assertTrue(tree(layout).keySet().stream().allMatch(path -> path.matches("|blobs|blobs/sha256|index\\.json|oci-layout"
                + "|blobs/sha256/[0-9a-f]{64}")), tree(layout)::toString);

        int umask = umask();
        String file = mode(0666 & ~umask);
        String directory = "dir " + mode(0777 & ~umask);
        for (Path dir : List.of(layout, copied)) {
            tree(dir).forEach((path, entry) -> assertTrue(entry.startsWith(entry.startsWith("dir") ? directory : file),
                    dir.getFileName() + "/" + path + ": " + entry + ", umask " + Integer.toOctalString(umask)));
        }
    }

    /**
     * {@code chmod -R a-w} on a layout, then {@code inspect} and {@code copy} out of it: both read
     * it, and nothing in it changes — also as root, whom the permission bits do not stop.
     */
    @Test
    void aReadOnlyLayoutReadsThroughInspectAndCopy() throws Exception {
        storedImage("localhost/app:1", 30);
        Path layout = dir.resolve("read-only");
        ok("copy", "-q", "local:localhost/app:1", "oci:" + layout + ":app");
        setWritable(layout, false);
        Map<String, String> before = tree(layout);
        try {
            Cli.Result inspect = ok("inspect", "oci:" + layout + ":app");
            assertTrue(inspect.out().contains("linux/amd64"), inspect::toString);
            ok("copy", "-q", "oci:" + layout + ":app", "local:localhost/back:1");
            ok("copy", "-q", "oci:" + layout + ":app", "oci:" + dir.resolve("elsewhere") + ":app");
            ok("tags", "oci:" + layout);
            assertEquals(before, tree(layout), "reading wrote nothing");
        } finally {
            setWritable(layout, true);
        }
        assertTrue(LocalStore.open(store()).lookup(Reference.parse("localhost/back:1")).isPresent());
    }

    private static void setWritable(Path dir, boolean writable) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
                mode.removeAll(Set.of(PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE,
                        PosixFilePermission.OTHERS_WRITE));
                if (writable) {
                    mode.add(PosixFilePermission.OWNER_WRITE);
                }
                Files.setPosixFilePermissions(path, mode);
            }
        }
    }
}
