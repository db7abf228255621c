package dev.jreg.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.InvalidContentException;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.Json;
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

class OciLayoutTest {
    @TempDir
    Path root;

    static Descriptor blob(byte[] bytes) {
        return Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(bytes), bytes.length);
    }

    private long ingestFiles() throws IOException {
        try (var files = Files.list(root.resolve("ingest"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count();
        }
    }

    @Test
    void newLayoutIsAValidOciLayout() throws Exception {
        OciLayout.open(root);
        JsonNode layout = Json.parse(Files.readAllBytes(root.resolve("oci-layout")));
        assertEquals("1.0.0", layout.path("imageLayoutVersion").asText());
        JsonNode index = Json.parse(Files.readAllBytes(root.resolve("index.json")));
        assertEquals(2, index.path("schemaVersion").asInt());
        assertTrue(index.path("manifests").isArray());
        assertTrue(Files.isDirectory(root.resolve("blobs/sha256")));
    }

    /**
     * A writer that finds another writing the same blob says it waits, once, then takes the blob
     * the other stored without reading its own source.
     */
    @Test
    void aWriterThatWaitsForAnotherSaysSo() throws Exception {
        OciLayout layout = OciLayout.open(root);
        byte[] bytes = "a layer two pulls want".getBytes(StandardCharsets.UTF_8);
        Descriptor d = blob(bytes);
        java.io.Closeable other = StoreLock.of(root.resolve("ingest/sha256-" + d.digest().hex() + ".lock"))
                .exclusive(() -> { });
        java.util.concurrent.CountDownLatch waited = new java.util.concurrent.CountDownLatch(1);
        List<String> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> writer = pool.submit(() -> {
                layout.putBlob(d, new dev.jreg.store.BlobSource() {
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
            Files.write(root.resolve("blobs/sha256/" + d.digest().hex()), bytes); // what the other writer stored
            other.close();
            writer.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of(), opened, "the blob was there once the wait ended");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void verifiedBlobLandsUnderItsDigest() throws Exception {
        OciLayout layout = OciLayout.open(root);
        byte[] bytes = "hello layer".getBytes(StandardCharsets.UTF_8);
        Descriptor d = blob(bytes);
        layout.putBlob(d, new ByteArrayInputStream(bytes));
        assertTrue(layout.hasBlob(d));
        assertArrayEquals(bytes, Files.readAllBytes(root.resolve("blobs/sha256/" + d.digest().hex())));
        assertEquals(0, ingestFiles());
    }

    @Test
    void wrongBytesNeverReachBlobs() throws Exception {
        OciLayout layout = OciLayout.open(root);
        Descriptor d = blob("expected".getBytes(StandardCharsets.UTF_8));
        DigestMismatchException e = assertThrows(DigestMismatchException.class,
                () -> layout.putBlob(d, new ByteArrayInputStream("tampered".getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("expected " + d.digest()), e.getMessage());
        assertFalse(Files.exists(layout.blobPath(d.digest())));
        assertEquals(0, ingestFiles());
    }

    @Test
    void shortAndLongBodiesAreRejected() throws Exception {
        OciLayout layout = OciLayout.open(root);
        byte[] bytes = "twelve bytes".getBytes(StandardCharsets.UTF_8);
        Descriptor d = blob(bytes);
        assertThrows(DigestMismatchException.class, () -> layout.putBlob(d, new ByteArrayInputStream(bytes, 0, 5)));
        byte[] longer = "twelve bytes and then more".getBytes(StandardCharsets.UTF_8);
        assertThrows(DigestMismatchException.class, () -> layout.putBlob(d, new ByteArrayInputStream(longer)));
        assertFalse(Files.exists(layout.blobPath(d.digest())));
        assertEquals(0, ingestFiles());
    }

    @Test
    void endlessBodyIsCutOffJustPastTheDescriptorSize() throws Exception {
        OciLayout layout = OciLayout.open(root);
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
        assertThrows(DigestMismatchException.class, () -> layout.putBlob(d, endless));
        assertTrue(served[0] <= 1001, "read " + served[0] + " bytes of an endless body");
    }

    @Test
    void failingStreamLeavesNoTempFile() throws Exception {
        OciLayout layout = OciLayout.open(root);
        Descriptor d = blob(new byte[100]);
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };
        assertThrows(IOException.class, () -> layout.putBlob(d, broken));
        assertEquals(0, ingestFiles());
    }

    @Test
    void namesAreReplacedNotDuplicated() throws Exception {
        OciLayout layout = OciLayout.open(root);
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
        OciLayout.open(root);
        Files.writeString(root.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[],\"annotations\":{\"x\":\"y\"}}");
        OciLayout layout = OciLayout.open(root);
        layout.setName(Reference.parse("a:1"), Descriptor.of(MediaType.OCI_MANIFEST, Digest.sha256(new byte[0]), 0));
        JsonNode index = Json.parse(Files.readAllBytes(root.resolve("index.json")));
        assertEquals("y", index.path("annotations").path("x").asText());
    }

    @Test
    void corruptIndexIsAClearError() throws Exception {
        OciLayout layout = OciLayout.open(root);
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
                // Separate OciLayout instances stand for separate processes: only the file lock orders them.
                futures.add(pool.submit(() -> {
                    OciLayout layout = OciLayout.open(root);
                    byte[] bytes = ("shared layer").getBytes(StandardCharsets.UTF_8);
                    layout.putBlob(blob(bytes), new ByteArrayInputStream(bytes));
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
        assertEquals(writers, OciLayout.open(root).names().size());
    }

    /** A source of fixed bytes that breaks once after {@code breakAt} bytes, and records how it was opened. */
    static final class FlakySource implements dev.jreg.store.BlobSource {
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
        public dev.jreg.store.BlobRange openFrom(long offset) {
            long start = honoursRange ? offset : 0;
            opened.add(start);
            InputStream in = new ByteArrayInputStream(bytes, (int) start, bytes.length - (int) start);
            if (broken || breakAt < 0) {
                return new dev.jreg.store.BlobRange(in, start);
            }
            broken = true;
            return new dev.jreg.store.BlobRange(new java.io.FilterInputStream(in) {
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

    @Test
    void brokenStreamResumesFromTheBytesWritten() throws Exception {
        OciLayout layout = OciLayout.open(root);
        byte[] bytes = randomBytes(1_000_000);
        FlakySource source = new FlakySource(bytes, 400_000, true);
        layout.putBlob(blob(bytes), source);
        assertEquals(List.of(0L, 400_000L), source.opened);
        assertArrayEquals(bytes, Files.readAllBytes(layout.blobPath(blob(bytes).digest())));
    }

    @Test
    void aSourceThatIgnoresTheRangeStartsCleanlyOver() throws Exception {
        OciLayout layout = OciLayout.open(root);
        byte[] bytes = randomBytes(500_000);
        FlakySource source = new FlakySource(bytes, 100_000, false);
        layout.putBlob(blob(bytes), source);
        assertEquals(List.of(0L, 0L), source.opened);
        assertArrayEquals(bytes, Files.readAllBytes(layout.blobPath(blob(bytes).digest())));
    }

    @Test
    void aPartialLeftByAnEarlierRunIsContinued() throws Exception {
        OciLayout layout = OciLayout.open(root);
        byte[] bytes = randomBytes(800_000);
        Descriptor d = blob(bytes);
        Files.write(root.resolve("ingest/sha256-" + d.digest().hex() + ".partial"), java.util.Arrays.copyOf(bytes, 300_000));
        FlakySource source = new FlakySource(bytes, -1, true);
        layout.putBlob(d, source);
        assertEquals(List.of(300_000L), source.opened, "only the rest is fetched");
        assertTrue(layout.hasBlob(d));
    }

    @Test
    void aCorruptPartialIsDiscardedAtTheEnd() throws Exception {
        OciLayout layout = OciLayout.open(root);
        byte[] bytes = randomBytes(200_000);
        Descriptor d = blob(bytes);
        Path partial = root.resolve("ingest/sha256-" + d.digest().hex() + ".partial");
        Files.write(partial, new byte[50_000]);
        assertThrows(DigestMismatchException.class, () -> layout.putBlob(d, new FlakySource(bytes, -1, true)));
        assertFalse(Files.exists(partial), "the next attempt starts from nothing");
        layout.putBlob(d, new FlakySource(bytes, -1, true));
        assertTrue(layout.hasBlob(d));
    }

    @Test
    void verifyFindsCorruptBlobsAndIncompleteNamesAndRepairs() throws Exception {
        OciLayout layout = OciLayout.open(root);
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = randomBytes(10_000);
        Descriptor configD = Descriptor.of(MediaType.OCI_CONFIG, Digest.sha256(config), config.length);
        layout.putBlob(configD, new ByteArrayInputStream(config));
        layout.putBlob(blob(layer), new ByteArrayInputStream(layer));
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
        layout.putBlob(blob(layer), new ByteArrayInputStream(layer));
        assertTrue(layout.isComplete(manifest.descriptor()));
        assertTrue(layout.verify(false, () -> { }).clean());
    }

    static byte[] flip(byte[] bytes) {
        byte[] copy = bytes.clone();
        copy[0] ^= 1;
        return copy;
    }
}
