package dev.jreg.testing;

import dev.jreg.error.BlobNotFoundException;
import dev.jreg.error.ImageNotFoundException;
import dev.jreg.internal.store.BlobSource;
import dev.jreg.internal.store.ImageSink;
import dev.jreg.internal.store.ImageSource;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory image store for copy-engine tests: both a source and a sink, recording what happened. */
public final class MemoryStore implements ImageSource, ImageSink {
    public final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
    public final Map<Digest, ManifestBlob> manifests = new ConcurrentHashMap<>();
    public final Map<String, Digest> tags = new ConcurrentHashMap<>();
    public final List<String> events = new CopyOnWriteArrayList<>();
    public volatile Digest failingBlob;
    /** When set, each {@link #hasBlob} waits for the others at this barrier: only checks that run at once get past. */
    public volatile java.util.concurrent.CyclicBarrier hasBlobBarrier;

    /** Adds a blob of this content and gives its descriptor. */
    public Descriptor addBlob(dev.jreg.model.MediaType type, String content) {
        byte[] bytes = content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Descriptor d = Descriptor.of(type, Digest.sha256(bytes), bytes.length);
        blobs.put(d.digest(), bytes);
        return d;
    }

    /** Adds a manifest, optionally under a tag. */
    public void addManifest(ManifestBlob manifest, String tag) {
        manifests.put(manifest.digest(), manifest);
        if (tag != null) {
            tags.put(tag, manifest.digest());
        }
    }

    @Override
    public ManifestBlob manifest(String tagOrDigest) throws IOException {
        Digest digest = tagOrDigest.contains(":") ? Digest.parse(tagOrDigest) : tags.get(tagOrDigest);
        ManifestBlob blob = digest == null ? null : manifests.get(digest);
        if (blob == null) {
            throw new ImageNotFoundException("memory: " + tagOrDigest + ": manifest unknown", tagOrDigest, List.of());
        }
        return blob;
    }

    @Override
    public InputStream blob(Descriptor descriptor) throws IOException {
        if (descriptor.digest().equals(failingBlob)) {
            throw new IOException("injected failure for " + descriptor.digest());
        }
        byte[] bytes = blobs.get(descriptor.digest());
        if (bytes == null) {
            throw new BlobNotFoundException("memory: blob unknown", descriptor.digest());
        }
        return new ByteArrayInputStream(bytes);
    }

    @Override
    public boolean hasBlob(Descriptor descriptor) throws IOException {
        java.util.concurrent.CyclicBarrier barrier = hasBlobBarrier;
        if (barrier != null) {
            try {
                barrier.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException | java.util.concurrent.BrokenBarrierException
                    | java.util.concurrent.TimeoutException e) {
                throw new IOException("existence checks did not run at once", e);
            }
        }
        return blobs.containsKey(descriptor.digest());
    }

    @Override
    public void putBlob(Descriptor descriptor, BlobSource content) throws IOException {
        try (InputStream in = content.open()) {
            byte[] bytes = in.readAllBytes();
            if (!Digest.sha256(bytes).equals(descriptor.digest())) {
                throw new dev.jreg.error.DigestMismatchException("memory: digest mismatch");
            }
            blobs.put(descriptor.digest(), bytes);
            events.add("blob " + descriptor.digest().shortHex());
        }
    }

    @Override
    public void putManifest(ManifestBlob manifest) {
        manifests.put(manifest.digest(), manifest);
        events.add("manifest " + manifest.digest().shortHex());
    }

    @Override
    public boolean commit(ManifestBlob top) {
        putManifest(top);
        Digest previous = tags.put("committed", top.digest());
        events.add("commit " + top.digest().shortHex());
        return !top.digest().equals(previous);
    }

    @Override
    public String describe() {
        return "memory";
    }
}
