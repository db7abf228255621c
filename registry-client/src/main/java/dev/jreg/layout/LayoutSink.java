package dev.jreg.layout;

import dev.jreg.model.Descriptor;
import dev.jreg.model.ManifestBlob;
import dev.jreg.store.BlobSource;
import dev.jreg.store.ImageSink;
import java.io.IOException;

/** Writes one image into the store and names it. */
final class LayoutSink implements ImageSink {
    private final OciLayout layout;
    private final String name;

    LayoutSink(OciLayout layout, String name) {
        this.layout = layout;
        this.name = name;
    }

    @Override
    public boolean hasBlob(Descriptor descriptor) {
        return layout.hasBlob(descriptor);
    }

    @Override
    public void putBlob(Descriptor descriptor, BlobSource content) throws IOException {
        layout.putBlob(descriptor, content.open());
    }

    @Override
    public void putManifest(ManifestBlob manifest) throws IOException {
        if (!layout.hasBlob(manifest.descriptor())) {
            layout.putBytes(manifest.digest(), manifest.bytes());
        }
    }

    @Override
    public boolean commit(ManifestBlob top) throws IOException {
        putManifest(top);
        return layout.setName(name, top.descriptor());
    }

    @Override
    public String describe() {
        return "local store " + layout.root() + " as " + name;
    }
}
