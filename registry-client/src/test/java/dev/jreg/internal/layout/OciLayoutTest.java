package dev.jreg.internal.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.StoreWriteException;
import dev.jreg.internal.store.ImageSource;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.TestImages;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Any layout, as other tools read it: durable writes, the umask's modes, nothing but the layout, reads that write nothing. */
class OciLayoutTest {
    static final Platform AMD64 = Platform.of("linux", "amd64", null);

    @TempDir
    Path root;

    static Descriptor blob(byte[] bytes) {
        return Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(bytes), bytes.length);
    }

    /** Every file and directory under a directory, relative, with each file's size and modification time. */
    static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                tree.put(dir.relativize(path).toString(), Files.isDirectory(path) ? "dir"
                        : Files.size(path) + " bytes, modified " + Files.getLastModifiedTime(path).toMillis());
            }
        }
        return tree;
    }

    /** An image of one layer named {@code app}, as other tools name images in a layout. */
    static void writeImage(Path dir, long seed) throws IOException {
        OciLayout layout = OciLayout.open(dir);
        layout.setName("app", TestImages.storeImage(layout, AMD64, List.of(TestImages.layer(seed, 5_000))).descriptor());
    }

    /** Reads everything a copy out of the layout reads: names, the manifest by name and by digest, every blob to its end. */
    static void readAll(Path dir, String name) throws IOException {
        OciLayout layout = OciLayout.open(dir);
        ImageSource source = layout.source(name);
        ManifestBlob manifest = source.manifest(name);
        assertEquals(manifest.digest(), layout.source().manifest(manifest.digest().toString()).digest());
        for (Digest digest : layout.blobsOf(layout.lookup(name).orElseThrow())) {
            Descriptor blob = Descriptor.of(MediaType.OCI_LAYER_GZIP, digest, layout.blobSize(digest).orElseThrow());
            try (InputStream in = source.blob(blob)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }
        assertEquals(1, layout.names().size());
    }

    @Test
    void aLayoutHoldsOnlyTheLayoutsFilesEvenAfterFailedWrites() throws Exception {
        OciLayout layout = OciLayout.open(root);
        ManifestBlob image = TestImages.writeImage(layout, Reference.parse("localhost/app:1"), AMD64,
                List.of(TestImages.layer(1, 5_000)));
        Descriptor tampered = blob("expected".getBytes(StandardCharsets.UTF_8));
        assertThrows(DigestMismatchException.class,
                () -> layout.putBlob(tampered, () -> new ByteArrayInputStream("tampered".getBytes(StandardCharsets.UTF_8))));
        Descriptor broken = blob(new byte[100]);
        assertThrows(IOException.class, () -> layout.putBlob(broken, () -> new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        }));

        List<String> expected = new ArrayList<>(List.of("", "blobs", "blobs/sha256", "index.json", "oci-layout"));
        for (Digest digest : layout.blobsOf(image.descriptor())) {
            expected.add("blobs/sha256/" + digest.hex());
        }
        assertEquals(expected.stream().sorted().toList(), List.copyOf(tree(root).keySet()),
                "no lock, activity, ingest or temp file");
    }

    /** Opening and reading a layout writes nothing: no {@code ingest/}, no lock file, no new time on any file. */
    @Test
    void readingALayoutWritesNothing() throws Exception {
        writeImage(root, 2);
        Map<String, String> before = tree(root);
        readAll(root, "app");
        assertEquals(before, tree(root));
    }

    /** A layout that does not exist is not made by reading it. */
    @Test
    void readingAMissingLayoutMakesNoDirectory() throws Exception {
        Path missing = root.resolve("missing");
        assertEquals(List.of(), OciLayout.open(missing).names());
        assertTrue(OciLayout.open(missing).lookup("x").isEmpty());
        assertFalse(Files.exists(missing));
    }

    /**
     * A layout made read-only ({@code chmod -R a-w}) reads. Tests may run as root, whom permission
     * bits do not stop, so the tree is compared too: nothing is written.
     */
    @Test
    void aReadOnlyLayoutReads() throws Exception {
        writeImage(root, 3);
        Map<String, String> before = tree(root);
        setWritable(root, false);
        try {
            readAll(root, "app");
        } finally {
            setWritable(root, true);
        }
        assertEquals(before, tree(root));
    }

    static void setWritable(Path dir, boolean writable) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
                for (PosixFilePermission write : List.of(PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE,
                        PosixFilePermission.OTHERS_WRITE)) {
                    if (writable && write == PosixFilePermission.OWNER_WRITE) {
                        mode.add(write);
                    } else {
                        mode.remove(write);
                    }
                }
                Files.setPosixFilePermissions(path, mode);
            }
        }
    }

    private static final String TEMP = "\\.[0-9a-f]{64}\\.[0-9a-f-]{36}\\.tmp";

    /**
     * A blob's data is forced to disk, whole, before it is renamed into place, and the directory
     * after, which makes the name last. Into a layout folder that does not exist yet, each
     * directory made on the way is forced into its parent first; the next blob forces no parent.
     */
    @Test
    void aBlobIsForcedThenRenamedThenItsDirectoryForced() throws Exception {
        RecordingIngest ingest = new RecordingIngest(root, null);
        OciLayout layout = new OciLayout(root.resolve("new/layout"), null, ingest);
        byte[] bytes = new byte[600_000];
        Descriptor d = blob(bytes);
        layout.putBlob(d, () -> new ByteArrayInputStream(bytes));

        List<String> steps = ingest.events;
        assertEquals(7, steps.size(), steps.toString());
        assertEquals(List.of("force ", "force new", "force new/layout", "force new/layout/blobs"), steps.subList(0, 4),
                "each directory made, in its parent, from the top: " + steps);
        assertPublished(steps.subList(4, steps.size()), "new/layout/", d, 600000);

        ingest.events.clear();
        byte[] more = new byte[1_000];
        Descriptor second = blob(more);
        layout.putBlob(second, () -> new ByteArrayInputStream(more));
        assertPublished(ingest.events, "new/layout/", second, 1000);
    }

    /** Force the blob's temp file at its size, rename it to its digest, force {@code blobs/sha256}: nothing else. */
    private static void assertPublished(List<String> steps, String layout, Descriptor d, long size) {
        assertEquals(3, steps.size(), steps.toString());
        String temp = layout + "blobs/sha256/" + TEMP.replace("[0-9a-f]{64}", d.digest().hex());
        assertTrue(steps.get(0).matches("force " + temp + " " + size), steps.toString());
        assertTrue(steps.get(1).matches("rename " + temp + " " + layout + "blobs/sha256/" + d.digest().hex()), steps.toString());
        assertEquals("force " + layout + "blobs/sha256", steps.get(2));
    }

    /**
     * A blob whose digest is known only once written (a layer being made) is written, forced and
     * renamed to its digest, then its directory forced, as any blob is; written again, the layout
     * keeps the blob it holds and no temp file stays, in a layout or in the store's {@code ingest/}.
     */
    @Test
    void aNewBlobIsForcedThenRenamedToItsDigestThenItsDirectoryForced() throws Exception {
        RecordingIngest ingest = new RecordingIngest(root, null);
        OciLayout layout = new OciLayout(root, null, ingest);
        byte[] bytes = new byte[300_000];
        new java.util.Random(5).nextBytes(bytes);
        Descriptor written = layout.putNew(MediaType.OCI_LAYER_ZSTD, out -> {
            out.write(bytes, 0, 1000);
            out.write(bytes, 1000, bytes.length - 1000);
        });
        assertEquals(Descriptor.of(MediaType.OCI_LAYER_ZSTD, Digest.sha256(bytes), bytes.length), written);
        assertArrayEquals(bytes, Files.readAllBytes(layout.blobPath(written.digest())));
        List<String> steps = ingest.events;
        assertEquals(List.of("force ", "force blobs"), steps.subList(0, 2), steps.toString());
        String temp = "blobs/sha256/\\.new\\.[0-9a-f-]{36}\\.tmp";
        assertEquals(5, steps.size(), steps.toString());
        assertTrue(steps.get(2).matches("force " + temp + " " + bytes.length), steps.toString());
        assertTrue(steps.get(3).matches("rename " + temp + " blobs/sha256/" + written.digest().hex()), steps.toString());
        assertEquals("force blobs/sha256", steps.get(4));

        ingest.events.clear();
        assertEquals(written, layout.putNew(MediaType.OCI_LAYER_ZSTD, out -> out.write(bytes)));
        assertEquals(List.of(), ingest.events, "nothing published again");
        assertEquals(List.of("blobs", "blobs/sha256", "blobs/sha256/" + written.digest().hex()),
                tree(root).keySet().stream().filter(path -> !path.isEmpty()).toList(), "no temp file left");

        Path dir = root.resolve("store");
        RecordingIngest storeIngest = new RecordingIngest(dir, dir.resolve("ingest"));
        LocalStore store = new LocalStore(dir, storeIngest);
        assertEquals(written, store.putNew(MediaType.OCI_LAYER_ZSTD, out -> out.write(bytes)));
        String partial = "ingest/\\.new\\.[0-9a-f-]{36}\\.tmp";
        List<String> published = storeIngest.events.subList(storeIngest.events.size() - 3, storeIngest.events.size());
        assertTrue(published.get(0).matches("force " + partial + " " + bytes.length), published.toString());
        assertTrue(published.get(1).matches("rename " + partial + " blobs/sha256/" + written.digest().hex()),
                published.toString());
        assertEquals("force blobs/sha256", published.get(2));
        try (Stream<Path> left = Files.list(dir.resolve("ingest"))) {
            assertEquals(List.of(), left.filter(path -> path.toString().endsWith(".tmp")).toList());
        }
    }

    /**
     * The stream a new blob is written into is its one hash: a writer may take the digest and size
     * from it, which are the stored blob's (the bytes still buffered written first), and may write
     * nothing after.
     */
    @Test
    void aNewBlobsWriterTakesTheDigestFromTheStream() throws Exception {
        for (OciLayout layout : List.of(OciLayout.open(root.resolve("layout")), LocalStore.open(root.resolve("store")))) {
            byte[] bytes = new byte[600_000];
            new java.util.Random(6).nextBytes(bytes);
            Digest[] taken = new Digest[1];
            long[] size = new long[1];
            Descriptor written = layout.putNew(MediaType.OCI_LAYER, out -> {
                out.write(bytes, 0, 100);
                out.write(bytes, 100, bytes.length - 100);
                taken[0] = out.digest();
                size[0] = out.size();
                assertThrows(IllegalStateException.class, () -> out.write(1));
            });
            assertEquals(Digest.sha256(bytes), taken[0]);
            assertEquals(bytes.length, size[0]);
            assertEquals(Descriptor.of(MediaType.OCI_LAYER, Digest.sha256(bytes), bytes.length), written);
            assertArrayEquals(bytes, Files.readAllBytes(layout.blobPath(written.digest())));
        }
    }

    /** A writer that fails leaves no temp file and no blob. */
    @Test
    void aNewBlobWhoseWriterFailsLeavesNothing() throws Exception {
        OciLayout layout = OciLayout.open(root);
        IOException e = assertThrows(IOException.class, () -> layout.putNew(MediaType.OCI_LAYER, out -> {
            out.write(new byte[1000]);
            throw new IOException("a file changed");
        }));
        assertEquals("a file changed", e.getMessage());
        assertEquals(List.of("", "blobs", "blobs/sha256"), List.copyOf(tree(root).keySet()));
    }

    /**
     * {@code index.json} (and {@code oci-layout}, the first time) are forced, renamed over the old,
     * then the directory forced; a layout folder the first name makes is forced into its parent first.
     */
    @Test
    void theIndexIsForcedThenRenamedThenTheLayoutForced() throws Exception {
        RecordingIngest ingest = new RecordingIngest(root.resolve("fresh"), null);
        OciLayout layout = new OciLayout(root.resolve("fresh"), null, ingest);
        Descriptor manifest = Descriptor.of(MediaType.OCI_MANIFEST, Digest.sha256(new byte[0]), 0);
        layout.setName("first", manifest);
        assertEquals("force ..", ingest.events.get(0), "the folder made, in its parent: " + ingest.events);
        assertOrder(ingest.events.subList(1, ingest.events.size()), "\\.oci-layout\\.[0-9a-f-]{36}\\.tmp", "oci-layout",
                "\\.index\\.json\\.[0-9a-f-]{36}\\.tmp", "index.json");

        ingest.events.clear();
        layout.setName("second", manifest);
        assertOrder(ingest.events, "\\.index\\.json\\.[0-9a-f-]{36}\\.tmp", "index.json");
        ingest.events.clear();
        layout.setName("second", manifest);
        assertEquals(List.of(), ingest.events, "an unchanged index is not written");
    }

    /** Per file: force TEMP, rename TEMP FILE, force the layout's directory; {@code files} pairs a temp's pattern with its file. */
    private static void assertOrder(List<String> steps, String... files) {
        assertEquals(files.length / 2 * 3, steps.size(), steps.toString());
        for (int i = 0; i < files.length; i += 2) {
            int at = i / 2 * 3;
            assertTrue(steps.get(at).matches("force " + files[i] + " \\d+"), steps.toString());
            assertTrue(steps.get(at + 1).matches("rename " + files[i] + " " + files[i + 1].replace(".", "\\.")), steps.toString());
            assertEquals("force ", steps.get(at + 2), "the layout's directory: " + steps);
        }
    }

    /**
     * In the store the same order holds, the partial file and the index's temp file in
     * {@code ingest/}. A store that does not exist yet is made by its first write: its folder,
     * {@code ingest/} and {@code blobs/sha256/}, each forced into its parent.
     */
    @Test
    void theStoreWritesInTheSameOrder() throws Exception {
        Path dir = root.resolve("store");
        RecordingIngest ingest = new RecordingIngest(dir, dir.resolve("ingest"));
        LocalStore store = new LocalStore(dir, ingest);
        byte[] bytes = "a stored layer".getBytes(StandardCharsets.UTF_8);
        Descriptor d = blob(bytes);
        store.putBlob(d, () -> new ByteArrayInputStream(bytes));
        store.setName(Reference.parse("app:1"), d);
        List<String> steps = ingest.events;
        String partial = "ingest/sha256-" + d.digest().hex() + ".partial";
        assertEquals(13, steps.size(), steps.toString());
        assertEquals(List.of("force ..", "force ", "force ", "force blobs", "force " + partial + " " + bytes.length,
                "rename " + partial + " blobs/sha256/" + d.digest().hex(), "force blobs/sha256"), steps.subList(0, 7),
                "the store's folder, then ingest/, blobs/ and blobs/sha256/, each forced into its parent: " + steps);
        assertOrder(steps.subList(7, steps.size()), "ingest/\\.oci-layout\\.[0-9a-f-]{36}\\.tmp", "oci-layout",
                "ingest/\\.index\\.json\\.[0-9a-f-]{36}\\.tmp", "index.json");
    }

    /** A file system that cannot sync a directory says so with EINVAL or ENOTSUP; that is no failure, any other error is. */
    @Test
    void onlyADirectoryThatCannotBeSyncedIsForgiven() throws Exception {
        RecordingIngest ingest = new RecordingIngest(root, null);
        OciLayout layout = new OciLayout(root, null, ingest);
        int n = 0;
        for (String unsyncable : List.of("Invalid argument", "Operation not supported")) {
            ingest.directoryForceFails = unsyncable;
            byte[] bytes = ("layer " + n++).getBytes(StandardCharsets.UTF_8);
            layout.putBlob(blob(bytes), () -> new ByteArrayInputStream(bytes));
            assertTrue(layout.hasBlob(blob(bytes)), unsyncable);
            assertTrue(layout.setName("name " + n, blob(bytes)), unsyncable);
        }
        ingest.directoryForceFails = "Input/output error";
        byte[] bytes = "one more".getBytes(StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> layout.putBlob(blob(bytes), () -> new ByteArrayInputStream(bytes)));
        assertEquals("Input/output error", e.getMessage());
        e = assertThrows(IOException.class, () -> layout.setName("last", blob(bytes)));
        assertEquals("Input/output error", e.getMessage());
    }

    /** Whatever the caller's buffer, bytes reach the file in writes of at most 32 KiB. */
    @Test
    void aLargeWriteReachesTheFileInPiecesOfAtMost32KiB() throws Exception {
        byte[] bytes = new byte[256 * 1024 + 123];
        new java.util.Random(7).nextBytes(bytes);
        List<Integer> writes = new ArrayList<>();
        java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        java.nio.channels.WritableByteChannel recording = new java.nio.channels.WritableByteChannel() {
            @Override
            public int write(java.nio.ByteBuffer src) {
                writes.add(src.remaining());
                received.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
                int n = src.remaining();
                src.position(src.limit());
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        Ingest.write(recording, Path.of("blob"), bytes, bytes.length);
        assertArrayEquals(bytes, received.toByteArray());
        assertEquals(9, writes.size(), "256 KiB + 123 bytes in 32 KiB pieces: " + writes);
        assertTrue(writes.stream().allMatch(n -> n <= Ingest.WRITE_PIECE), writes.toString());
    }

    /**
     * A write the device refuses names the file and the system's reason: in the store, whose
     * partial file here is a link to {@code /dev/full}, with the bytes kept; in a layout, the temp
     * file is gone.
     */
    @Test
    void aWriteTheDeviceRefusesNamesTheFile() throws Exception {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "no /dev/full here");
        LocalStore store = LocalStore.open(root.resolve("store"));
        byte[] bytes = new byte[40_000];
        Path partial = root.resolve("store/ingest/sha256-" + blob(bytes).digest().hex() + ".partial");
        Files.createDirectories(partial.getParent());
        Files.createSymbolicLink(partial, full);
        StoreWriteException e = assertThrows(StoreWriteException.class,
                () -> store.putBlob(blob(bytes), () -> new ByteArrayInputStream(bytes)));
        assertEquals("cannot write " + partial + ": No space left on device; the partial download (0 of 40000 bytes)"
                + " is kept for the next run", e.getMessage());
        assertEquals(partial, e.file());
        assertTrue(Files.isSymbolicLink(partial));
    }

    /**
     * Under umask 022 every file of a layout and of the store is 0644 and every directory 0755,
     * so that other accounts and container runtimes read them; under 027, 0640 and 0750. A
     * separate JVM, since a process cannot set its own umask from Java.
     */
    @Test
    void filesGetTheUmasksMode() throws Exception {
        assertModes("022", "rw-r--r--", "rwxr-xr-x");
        assertModes("027", "rw-r-----", "rwxr-x---");
    }

    private void assertModes(String umask, String file, String directory) throws Exception {
        Path layout = root.resolve(umask + "/layout");
        Path store = root.resolve(umask + "/store");
        Process writer = new ProcessBuilder("/bin/sh", "-c", "umask " + umask + " && exec \"$@\"", "sh",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                WriteBoth.class.getName(), layout.toString(), store.toString())
                .redirectErrorStream(true).start();
        String output = new String(writer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(writer.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, writer.exitValue(), output);
        for (Path dir : List.of(layout, store)) {
            Map<String, String> modes = new TreeMap<>();
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : (Iterable<Path>) paths::iterator) {
                    modes.put(dir.relativize(path).toString(), PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
                }
            }
            assertTrue(modes.containsKey("index.json") && modes.containsKey("oci-layout") && modes.size() >= 8, modes.toString());
            assertTrue(modes.containsKey("blobs/sha256/" + Digest.sha256(NEW_BLOB).hex()), modes.toString());
            modes.forEach((path, mode) -> assertEquals(Files.isDirectory(dir.resolve(path)) ? directory : file, mode,
                    "umask " + umask + ": " + dir.getFileName() + "/" + path));
        }
    }

    private static final byte[] NEW_BLOB = "a layer made here".getBytes(StandardCharsets.UTF_8);

    /** Writes an image into a layout and into a store, as jreg does, and a blob made there ({@link OciLayout#putNew}). */
    public static final class WriteBoth {
        public static void main(String[] args) throws Exception {
            List<TestImages.Layer> layers = List.of(TestImages.layer(4, 5_000));
            TestImages.writeImage(OciLayout.open(Path.of(args[0])), Reference.parse("localhost/app:1"), AMD64, layers);
            TestImages.writeImage(LocalStore.open(Path.of(args[1])), Reference.parse("localhost/app:1"), AMD64, layers);
            for (String dir : args) {
                OciLayout.open(Path.of(dir)).putNew(MediaType.OCI_LAYER, out -> out.write(NEW_BLOB));
            }
        }
    }
}
