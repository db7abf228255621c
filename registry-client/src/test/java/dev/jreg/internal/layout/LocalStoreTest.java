package dev.jreg.internal.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.PruneResult;
import dev.jreg.VerifyReport;
import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.store.BlobSource;
import dev.jreg.internal.store.ImageSink;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.MediaType;
import dev.jreg.model.Reference;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStoreTest {
    @TempDir
    Path root;

    static Descriptor blob(byte[] bytes) {
        return Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(bytes), bytes.length);
    }

    static BlobSource bytes(byte[] bytes) {
        return () -> new ByteArrayInputStream(bytes);
    }

    private Path partial(Descriptor blob) {
        return root.resolve("ingest/sha256-" + blob.digest().hex() + ".partial");
    }

    /** Leaves a partial file in {@code ingest/}, as a run stopped while it downloaded. */
    private void leavePartial(Descriptor blob, byte[] bytes) throws IOException {
        Files.write(Files.createDirectories(root.resolve("ingest")).resolve("sha256-" + blob.digest().hex() + ".partial"),
                bytes);
    }

    /** Partial and temp files left in {@code ingest/}. */
    private long ingestFiles() throws IOException {
        try (var files = Files.list(root.resolve("ingest"))) {
            return files.filter(f -> !f.getFileName().toString().endsWith(".lock")).count();
        }
    }

    @Test
    void theFirstNameMakesAValidOciLayout() throws Exception {
        LocalStore store = LocalStore.open(root);
        try (var files = Files.list(root)) {
            assertEquals(List.of(), files.toList(), "opening writes nothing");
        }
        store.setName(Reference.parse("a:1"), Descriptor.of(MediaType.OCI_MANIFEST, Digest.sha256(new byte[0]), 0));
        JsonNode layout = Json.parse(Files.readAllBytes(root.resolve("oci-layout")));
        assertEquals("1.0.0", layout.path("imageLayoutVersion").asText());
        JsonNode index = Json.parse(Files.readAllBytes(root.resolve("index.json")));
        assertEquals(2, index.path("schemaVersion").asInt());
        assertEquals(1, index.path("manifests").size());
        assertEquals(0, ingestFiles(), "the index's temp file is gone");
    }

    /**
     * A copy that stopped before its first blob leaves the store its folder and lock file only:
     * no {@code blobs/}, no {@code ingest/}. It is collected and checked as an empty store.
     */
    @Test
    void aStoreWithoutBlobsOrIngestIsCollectedAndChecked() throws Exception {
        LocalStore store = LocalStore.open(root.resolve("store"));
        try (ImageSink sink = store.sink(Reference.parse("app:1"))) {
            assertFalse(sink.hasBlob(blob(new byte[1])));
        }
        try (var files = Files.list(store.root())) {
            assertEquals(List.of(".jreg.activity"), files.map(f -> f.getFileName().toString()).toList());
        }
        assertEquals(PruneResult.NOTHING, store.collectGarbage(() -> { }));
        VerifyReport report = store.verify(false, () -> { });
        assertEquals(0, report.blobsChecked());
        assertTrue(report.clean());
    }

    /**
     * A writer that finds another writing the same blob says it waits, once, then takes the blob
     * the other stored without reading its own source.
     */
    @Test
    void aWriterThatWaitsForAnotherSaysSo() throws Exception {
        LocalStore layout = LocalStore.open(root);
        byte[] bytes = "a layer two pulls want".getBytes(StandardCharsets.UTF_8);
        Descriptor d = blob(bytes);
        java.io.Closeable other = StoreLock.exclusive(Files.createDirectories(root.resolve("ingest"))
                .resolve("sha256-" + d.digest().hex() + ".lock"), () -> { });
        java.util.concurrent.CountDownLatch waited = new java.util.concurrent.CountDownLatch(1);
        List<String> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> writer = pool.submit(() -> {
                layout.putBlob(d, new dev.jreg.internal.store.BlobSource() {
                    @Override
                    public InputStream open() {
                        opened.add("open");
                        return new ByteArrayInputStream(bytes);
                    }

                    @Override
                    public void waiting() {
                        waited.countDown();
                    }
                });
                return null;
            });
            assertTrue(waited.await(30, java.util.concurrent.TimeUnit.SECONDS), "the waiting writer said nothing");
            // what the other writer stored
            Files.write(Files.createDirectories(root.resolve("blobs/sha256")).resolve(d.digest().hex()), bytes);
            other.close();
            writer.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of(), opened, "the blob was there once the wait ended");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void verifiedBlobLandsUnderItsDigest() throws Exception {
        LocalStore layout = LocalStore.open(root);
        byte[] bytes = "hello layer".getBytes(StandardCharsets.UTF_8);
        Descriptor d = blob(bytes);
        layout.putBlob(d, bytes(bytes));
        assertTrue(layout.hasBlob(d));
        assertArrayEquals(bytes, Files.readAllBytes(root.resolve("blobs/sha256/" + d.digest().hex())));
        assertEquals(0, ingestFiles());
    }

    @Test
    void wrongBytesNeverReachBlobs() throws Exception {
        LocalStore layout = LocalStore.open(root);
        Descriptor d = blob("expected".getBytes(StandardCharsets.UTF_8));
        DigestMismatchException e = assertThrows(DigestMismatchException.class,
                () -> layout.putBlob(d, bytes("tampered".getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("expected " + d.digest()), e.getMessage());
        assertFalse(Files.exists(layout.blobPath(d.digest())));
        assertEquals(0, ingestFiles());
    }

    @Test
    void shortAndLongBodiesAreRejected() throws Exception {
        LocalStore layout = LocalStore.open(root);
        byte[] bytes = "twelve bytes".getBytes(StandardCharsets.UTF_8);
        Descriptor d = blob(bytes);
        assertThrows(DigestMismatchException.class, () -> layout.putBlob(d, () -> new ByteArrayInputStream(bytes, 0, 5)));
        byte[] longer = "twelve bytes and then more".getBytes(StandardCharsets.UTF_8);
        assertThrows(DigestMismatchException.class, () -> layout.putBlob(d, bytes(longer)));
        assertFalse(Files.exists(layout.blobPath(d.digest())));
        assertEquals(0, ingestFiles());
    }

    @Test
    void endlessBodyIsCutOffJustPastTheDescriptorSize() throws Exception {
        LocalStore layout = LocalStore.open(root);
        Descriptor d = blob(new byte[1000]);
        long[] served = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                served[0]++;
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                served[0] += len;
                return len;
            }
        };
        assertThrows(DigestMismatchException.class, () -> layout.putBlob(d, () -> endless));
        assertTrue(served[0] <= 1001, "read " + served[0] + " bytes of an endless body");
    }

    /** A source that breaks before its first byte, every time: given up after three tries, leaving nothing to resume. */
    @Test
    void aStreamThatNeverMovesIsGivenUpAndLeavesNoPartial() throws Exception {
        LocalStore layout = LocalStore.open(root);
        Descriptor d = blob(new byte[100]);
        int[] opened = {0};
        IOException e = assertThrows(IOException.class, () -> layout.putBlob(d, () -> {
            opened[0]++;
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    throw new IOException("connection reset");
                }
            };
        }));
        assertEquals("connection reset", e.getMessage());
        assertEquals(3, opened[0]);
        assertEquals(0, ingestFiles());
        assertFalse(layout.hasBlob(d));
    }

    /** A stream that breaks after some bytes, every time: the bytes that came are kept for the next run. */
    @Test
    void aStreamThatBreaksKeepsWhatCameForTheNextRun() throws Exception {
        byte[] bytes = randomBytes(300_000);
        FlakySource source = new FlakySource(bytes, 1_000, true) {
            @Override
            public dev.jreg.internal.store.BlobRange openFrom(long offset) {
                broken = false; // breaks at the same byte every time
                return super.openFrom(offset);
            }
        };
        Descriptor d = blob(bytes);
        IOException e = assertThrows(IOException.class, () -> LocalStore.open(root).putBlob(d, source));
        assertEquals(List.of(0L, 1_000L, 1_000L, 1_000L), source.opened);
        assertEquals("Connection reset", e.getMessage());
        assertArrayEquals(java.util.Arrays.copyOf(bytes, 1_000),
                Files.readAllBytes(partial(d)));
    }

    /** A partial an earlier run completed but did not move into place is published without asking the source. */
    @Test
    void aCompletePartialIsPublishedWithoutTheSource() throws Exception {
        LocalStore layout = LocalStore.open(root);
        byte[] bytes = randomBytes(70_000);
        Descriptor d = blob(bytes);
        leavePartial(d, bytes);
        layout.putBlob(d, () -> {
            throw new AssertionError("the source was asked");
        });
        assertArrayEquals(bytes, Files.readAllBytes(layout.blobPath(d.digest())));
        assertEquals(0, ingestFiles());
    }

    /**
     * Each blob is written under a lock of its own, across processes; once written, the process
     * keeps nothing for it, and the lock files left in {@code ingest/} go with the next collection.
     */
    @Test
    void manyBlobsLeaveNoLockStateAndCollectionRemovesTheirLockFiles() throws Exception {
        LocalStore layout = LocalStore.open(root);
        int before = StoreLock.tracked();
        for (int i = 0; i < 200; i++) {
            byte[] bytes = ("layer " + i).getBytes(StandardCharsets.UTF_8);
            layout.putBlob(blob(bytes), bytes(bytes));
            assertEquals(before, StoreLock.tracked(), "after blob " + i);
        }
        try (var files = Files.list(root.resolve("ingest"))) {
            assertEquals(200, files.count(), "a lock file per blob");
        }
        PruneResult collected = layout.collectGarbage(() -> { });
        assertEquals(200, collected.deleted().size(), "no name reaches them");
        assertEquals(0, collected.tempFiles(), "lock files are not counted as leftovers");
        try (var files = Files.list(root.resolve("ingest"))) {
            assertEquals(0, files.count());
        }
        assertEquals(before, StoreLock.tracked());
    }

    @Test
    void namesAreReplacedNotDuplicated() throws Exception {
        LocalStore layout = LocalStore.open(root);
        Reference name = Reference.parse("localhost:5000/app:1");
        Descriptor first = Descriptor.of(MediaType.OCI_MANIFEST, Digest.sha256(new byte[] {1}), 1);
        Descriptor second = Descriptor.of(MediaType.OCI_MANIFEST, Digest.sha256(new byte[] {2}), 1);

        assertTrue(layout.setName(name, first));
        assertFalse(layout.setName(name, first), "same content: unchanged");
        assertTrue(layout.setName(name, second));

        assertEquals(1, layout.names().size());
        Descriptor named = layout.lookup(name).orElseThrow();
        assertEquals(second.digest(), named.digest());
        assertEquals("localhost:5000/app:1", named.annotations().get(Descriptor.REF_NAME));
    }

    @Test
    void unknownIndexFieldsSurviveAnUpdate() throws Exception {
        LocalStore.open(root);
        Files.writeString(root.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[],\"annotations\":{\"x\":\"y\"}}");
        LocalStore layout = LocalStore.open(root);
        layout.setName(Reference.parse("a:1"), Descriptor.of(MediaType.OCI_MANIFEST, Digest.sha256(new byte[0]), 0));
        JsonNode index = Json.parse(Files.readAllBytes(root.resolve("index.json")));
        assertEquals("y", index.path("annotations").path("x").asText());
    }

    @Test
    void corruptIndexIsAClearError() throws Exception {
        LocalStore layout = LocalStore.open(root);
        Files.writeString(root.resolve("index.json"), "{not json");
        InvalidContentException e = assertThrows(InvalidContentException.class, layout::names);
        assertTrue(e.getMessage().contains("index.json"), e.getMessage());
    }

    @Test
    void concurrentWritersKeepEveryName() throws Exception {
        int writers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int n = i;
                // Separate LocalStore instances stand for separate processes: only the file lock orders them.
                futures.add(pool.submit(() -> {
                    LocalStore layout = LocalStore.open(root);
                    byte[] bytes = ("shared layer").getBytes(StandardCharsets.UTF_8);
                    layout.putBlob(blob(bytes), bytes(bytes));
                    layout.setName(Reference.parse("app:" + n), Descriptor.of(MediaType.OCI_MANIFEST,
                            Digest.sha256(new byte[] {(byte) n}), 1));
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(writers, LocalStore.open(root).names().size());
    }

    /** A source of fixed bytes that breaks once after {@code breakAt} bytes, and records how it was opened. */
    static class FlakySource implements dev.jreg.internal.store.BlobSource {
        final byte[] bytes;
        final long breakAt;
        final boolean honoursRange;
        final List<Long> opened = new ArrayList<>();
        boolean broken;

        FlakySource(byte[] bytes, long breakAt, boolean honoursRange) {
            this.bytes = bytes;
            this.breakAt = breakAt;
            this.honoursRange = honoursRange;
        }

        @Override
        public InputStream open() {
            return openFrom(0).stream();
        }

        @Override
        public dev.jreg.internal.store.BlobRange openFrom(long offset) {
            long start = honoursRange ? offset : 0;
            opened.add(start);
            InputStream in = new ByteArrayInputStream(bytes, (int) start, bytes.length - (int) start);
            if (broken || breakAt < 0) {
                return new dev.jreg.internal.store.BlobRange(in, start);
            }
            broken = true;
            return new dev.jreg.internal.store.BlobRange(new java.io.FilterInputStream(in) {
                long position = start;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (position >= breakAt) {
                        throw new java.net.SocketException("Connection reset");
                    }
                    int n = super.read(b, off, (int) Math.min(len, breakAt - position));
                    position += Math.max(n, 0);
                    return n;
                }
            }, start);
        }
    }

    static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new java.util.Random(size).nextBytes(bytes);
        return bytes;
    }

    /** Stores a blob from a source that breaks once; returns the offsets the source was opened at. */
    private List<Long> storeThroughABreak(int size, long breakAt, boolean honoursRange) throws IOException {
        LocalStore layout = LocalStore.open(root);
        byte[] bytes = randomBytes(size);
        FlakySource source = new FlakySource(bytes, breakAt, honoursRange);
        layout.putBlob(blob(bytes), source);
        assertArrayEquals(bytes, Files.readAllBytes(layout.blobPath(blob(bytes).digest())));
        return source.opened;
    }

    @Test
    void brokenStreamResumesFromTheBytesWritten() throws Exception {
        assertEquals(List.of(0L, 400_000L), storeThroughABreak(1_000_000, 400_000, true));
    }

    @Test
    void aSourceThatIgnoresTheRangeStartsCleanlyOver() throws Exception {
        assertEquals(List.of(0L, 0L), storeThroughABreak(500_000, 100_000, false));
    }

    @Test
    void aPartialLeftByAnEarlierRunIsContinued() throws Exception {
        LocalStore layout = LocalStore.open(root);
        byte[] bytes = randomBytes(800_000);
        Descriptor d = blob(bytes);
        leavePartial(d, java.util.Arrays.copyOf(bytes, 300_000));
        FlakySource source = new FlakySource(bytes, -1, true);
        layout.putBlob(d, source);
        assertEquals(List.of(300_000L), source.opened, "only the rest is fetched");
        assertTrue(layout.hasBlob(d));
    }

    @Test
    void aCorruptPartialIsDiscardedAtTheEnd() throws Exception {
        LocalStore layout = LocalStore.open(root);
        byte[] bytes = randomBytes(200_000);
        Descriptor d = blob(bytes);
        leavePartial(d, new byte[50_000]);
        assertThrows(DigestMismatchException.class, () -> layout.putBlob(d, new FlakySource(bytes, -1, true)));
        assertFalse(Files.exists(partial(d)), "the next attempt starts from nothing");
        layout.putBlob(d, new FlakySource(bytes, -1, true));
        assertTrue(layout.hasBlob(d));
    }

    @Test
    void verifyFindsCorruptBlobsAndIncompleteNamesAndRepairs() throws Exception {
        LocalStore layout = LocalStore.open(root);
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = randomBytes(10_000);
        Descriptor configD = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256(config), config.length);
        layout.putBlob(configD, bytes(config));
        layout.putBlob(blob(layer), bytes(layer));
        dev.jreg.model.ManifestBlob manifest = dev.jreg.model.ManifestBlob.create(new dev.jreg.model.ImageManifest(2,
                MediaType.OCI_MANIFEST, null, configD, List.of(blob(layer)), null, null));
        layout.putBytes(manifest.digest(), manifest.bytes());
        layout.setName(Reference.parse("app:1"), manifest.descriptor());
        assertTrue(layout.verify(false, () -> { }).clean());

        Files.write(layout.blobPath(blob(layer).digest()), flip(layer));
        VerifyReport report = layout.verify(false, () -> { });
        assertEquals(List.of(blob(layer).digest()), report.corrupt());
        assertEquals(List.of("docker.io/library/app:1"), report.incomplete());

        layout.verify(true, () -> { });
        assertFalse(Files.exists(layout.blobPath(blob(layer).digest())));
        assertEquals(1, layout.names().size(), "the name stays, for a pull to complete");
        assertFalse(layout.isComplete(manifest.descriptor()));
        assertEquals(List.of("docker.io/library/app:1"), layout.verify(false, () -> { }).incomplete());
        layout.putBlob(blob(layer), bytes(layer));
        assertTrue(layout.isComplete(manifest.descriptor()));
        assertTrue(layout.verify(false, () -> { }).clean());
    }

    static byte[] flip(byte[] bytes) {
        byte[] copy = bytes.clone();
        copy[0] ^= 1;
        return copy;
    }
}
