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
        JsonNode layout = Json.MAPPER.readTree(root.resolve("oci-layout").toFile());
        assertEquals("1.0.0", layout.path("imageLayoutVersion").asText());
        JsonNode index = Json.MAPPER.readTree(root.resolve("index.json").toFile());
        assertEquals(2, index.path("schemaVersion").asInt());
        assertTrue(index.path("manifests").isArray());
        assertTrue(Files.isDirectory(root.resolve("blobs/sha256")));
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
        JsonNode index = Json.MAPPER.readTree(root.resolve("index.json").toFile());
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
}
