package dev.jreg.internal.layout;

import dev.jreg.internal.store.BlobSource;
import dev.jreg.internal.store.ImageSink;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;
import java.io.Closeable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** Writes one image into the store and names it (or, without a name, adds an entry for it). */
final class LayoutSink implements ImageSink {
    private final OciLayout layout;
    private final String name;
    private Closeable activity;

    /** @param name the name to give, or null for an entry without one */
    LayoutSink(OciLayout layout, String name) {
        this.layout = layout;
        this.name = name;
    }

    /** Garbage collection must not delete blobs this copy found or wrote before it names them. */
    private synchronized void holdStore() throws IOException {
        if (activity == null) {
            activity = layout.copying();
        }
    }

    @Override
    public boolean hasBlob(Descriptor descriptor) throws IOException {
        holdStore();
        return layout.hasBlob(descriptor);
    }

    @Override
    public void putBlob(Descriptor descriptor, BlobSource content) throws IOException {
        holdStore();
        layout.putBlob(descriptor, content);
    }

    @Override
    public void putManifest(ManifestBlob manifest) throws IOException {
        if (!layout.hasBlob(manifest.descriptor())) {
            layout.putBytes(manifest.digest(), manifest.bytes());
        }
    }

    @Override
    public boolean commit(ManifestBlob top) throws IOException {
        return commit(top, top.digest());
    }

    @Override
    public boolean commit(ManifestBlob top, Digest resolved) throws IOException {
        holdStore();
        putManifest(top);
        Descriptor named = top.descriptor();
        if (!resolved.equals(top.digest())) {
            Map<String, String> annotations = new HashMap<>(named.annotations());
            annotations.put(OciLayout.REPO_DIGEST, resolved.toString());
            named = named.withAnnotations(annotations);
        }
        return layout.setName(name, named);
    }

    @Override
    public synchronized void close() throws IOException {
        if (activity != null) {
            activity.close();
            activity = null;
        }
    }

    @Override
    public String describe() {
        return (layout instanceof LocalStore ? "local store " : "layout ") + layout.root() + (name != null ? " as " + name : "");
    }
}
