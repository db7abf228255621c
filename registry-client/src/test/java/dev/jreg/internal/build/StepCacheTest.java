package dev.jreg.internal.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.internal.layer.DirectoryScan;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageConfig;
import dev.jreg.model.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StepCache}: a step is found under its key while its layer is in the store, not after,
 * nor with {@code --no-cache}, nor when its file is damaged; a context's files are hashed again
 * only when their stamps change.
 */
class StepCacheTest {
    @TempDir
    Path root;
    @TempDir
    Path context;

    private static final ImageConfig CONFIG = new ImageConfig(null, null, "linux", "amd64", null, null,
            new ImageConfig.RootFs("layers", List.of(), null), List.of(new ImageConfig.History(null, "COPY . / # buildkit",
                    false, "buildkit.dockerfile.v0", null, null)));

    @Test
    void aStepIsFoundWhileItsLayerIsStored() throws IOException {
        LocalStore store = LocalStore.open(root);
        byte[] layer = "a layer".getBytes(StandardCharsets.UTF_8);
        Descriptor descriptor = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(layer), layer.length);
        store.putBlob(descriptor, () -> new ByteArrayInputStream(layer));
        StepCache cache = new StepCache(store, false);
        Digest key = StepCache.key(Digest.sha256(new byte[0]), "COPY . /", "content");
        assertNotEquals(key, StepCache.key(Digest.sha256(new byte[0]), "COPY . /", "other content"));
        assertTrue(cache.find(key).isEmpty());
        cache.put(key, new StepCache.Step(descriptor, Digest.sha256(new byte[1]), CONFIG));
        StepCache.Step found = cache.find(key).orElseThrow();
        assertEquals(descriptor, found.layer());
        assertEquals("COPY . / # buildkit", found.config().history().get(0).createdBy());
        assertTrue(new StepCache(store, true).find(key).isEmpty(), "--no-cache");

        Files.delete(store.blobPath(descriptor.digest()));
        assertTrue(cache.find(key).isEmpty(), "the layer garbage collection deleted");
        Files.writeString(root.resolve("cache/steps/" + key.hex()), "{damaged");
        assertTrue(cache.find(key).isEmpty(), "a damaged entry is built again");
    }

    @Test
    void aContextsFilesAreHashedAgainOnlyWhenTheirStampsChange() throws IOException {
        LocalStore store = LocalStore.open(root);
        Path file = Files.writeString(context.resolve("app.py"), "one");
        StepCache.FileHashes hashes = new StepCache(store, false).fileHashes(context);
        Digest first = hashes.digest("app.py", found(file));
        assertEquals(Digest.sha256("one".getBytes(StandardCharsets.UTF_8)), first);
        hashes.save();

        // Same size, same time, other bytes, stamp kept but for the change time: hashed again.
        FileTime time = Files.getLastModifiedTime(file);
        Files.writeString(file, "two");
        Files.setLastModifiedTime(file, time);
        StepCache.FileHashes next = new StepCache(store, false).fileHashes(context);
        assertEquals(Digest.sha256("two".getBytes(StandardCharsets.UTF_8)), next.digest("app.py", found(file)));

        // A remembered digest is taken without reading the file: a stamp unchanged reads as remembered.
        next.save();
        DirectoryScan.Found stamped = found(file);
        Files.writeString(root.resolve("cache/files/" + Digest.sha256(context.toString()
                .getBytes(StandardCharsets.UTF_8)).hex()), "{\"app.py\":[" + stamped.stamp().inode() + ","
                + stamped.stamp().size() + "," + stamped.stamp().mtimeNanos() + "," + stamped.stamp().ctimeNanos()
                + ",\"" + first + "\"]}");
        assertEquals(first, new StepCache(store, false).fileHashes(context).digest("app.py", stamped));
    }

    private static DirectoryScan.Found found(Path file) throws IOException {
        return DirectoryScan.read(file, file.getFileName().toString(), DirectoryScan.Owners.of(0, 0));
    }
}
