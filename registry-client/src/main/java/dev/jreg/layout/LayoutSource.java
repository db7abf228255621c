package dev.jreg.layout;

import dev.jreg.error.NotFoundException;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Reference;
import dev.jreg.store.ImageSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Reads images out of a layout, for push and copy. */
final class LayoutSource implements ImageSource {
    private final OciLayout layout;
    private final String description;
    private final UnaryOperator<String> nameOfTag;
    private Map<Digest, List<Reference>> origins;

    /**
     * @param description what to call this source in messages
     * @param nameOfTag the {@value Descriptor#REF_NAME} a tag stands for
     */
    LayoutSource(OciLayout layout, String description, UnaryOperator<String> nameOfTag) {
        this.layout = layout;
        this.description = description;
        this.nameOfTag = nameOfTag;
    }

    @Override
    public ManifestBlob manifest(String tagOrDigest) throws IOException {
        if (tagOrDigest.contains(":")) {
            Digest digest = Digest.parse(tagOrDigest);
            if (!Files.isRegularFile(layout.blobPath(digest))) {
                throw notFound(tagOrDigest);
            }
            return layout.readManifest(digest);
        }
        String name = nameOfTag.apply(tagOrDigest);
        Descriptor named = layout.lookup(name).orElseThrow(() -> notFound(name));
        return layout.readManifest(named);
    }

    @Override
    public InputStream blob(Descriptor descriptor) throws IOException {
        return layout.openBlob(descriptor.digest());
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public List<Reference> originsOf(Descriptor descriptor) throws IOException {
        return origins().getOrDefault(descriptor.digest(), List.of());
    }

    /** Which named images hold each blob, read once from the store's names. */
    private synchronized Map<Digest, List<Reference>> origins() throws IOException {
        if (origins == null) {
            Map<Digest, List<Reference>> map = new HashMap<>();
            for (Descriptor entry : layout.names()) {
                Optional<Reference> name = Reference.tryParse(entry.annotations().get(Descriptor.REF_NAME));
                if (name.isPresent()) {
                    for (Digest blob : layout.blobsOf(entry)) {
                        map.computeIfAbsent(blob, d -> new ArrayList<>()).add(name.get());
                    }
                }
            }
            origins = map;
        }
        return origins;
    }

    private NotFoundException notFound(String name) {
        return new NotFoundException("no image " + name + " in " + layout.root(), 404, "GET", layout.root().toString(),
                List.of());
    }
}
