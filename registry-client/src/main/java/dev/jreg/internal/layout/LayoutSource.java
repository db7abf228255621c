package dev.jreg.internal.layout;

import dev.jreg.error.BlobNotFoundException;
import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.ImageNotFoundException;
import dev.jreg.internal.store.ImageSource;
import dev.jreg.internal.store.VerifiedCopy;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Reads images out of a layout, for push and copy; it writes nothing. Blobs are held to their
 * size and hashed as they are read ({@link VerifiedCopy}): a stored blob whose bytes no longer
 * match its name (a damaged disk, a hand-edited file) fails at its end, before a registry or
 * another sink takes it.
 */
final class LayoutSource implements ImageSource {
    private final OciLayout layout;
    private final String description;
    private final String repair;
    private final String missing;
    private final UnaryOperator<String> nameOfTag;
    private Map<Digest, List<Reference>> origins;
    /** The name asked for, else the last one read: whose entry a missing manifest is blamed on first. */
    private volatile String asked;

    /**
     * @param description what to call this source in messages
     * @param repair what to do about a damaged blob, the end of that error's message
     * @param missing where a missing blob is missing from and what to do about it, the end of that error's message
     * @param nameOfTag the {@value Descriptor#REF_NAME} a tag stands for
     * @param asked the name this source reads, or null for any
     */
    LayoutSource(OciLayout layout, String description, String repair, String missing, UnaryOperator<String> nameOfTag,
            String asked) {
        this.layout = layout;
        this.description = description;
        this.repair = repair;
        this.missing = missing;
        this.nameOfTag = nameOfTag;
        this.asked = asked;
    }

    @Override
    public ManifestBlob manifest(String tagOrDigest) throws IOException {
        if (tagOrDigest.contains(":")) {
            Digest digest = Digest.parse(tagOrDigest);
            try {
                return layout.readManifest(digest);
            } catch (NoSuchFileException e) {
                throw layout.damage(digest, asked).orElseGet(() -> notFound(tagOrDigest));
            }
        }
        String name = nameOfTag.apply(tagOrDigest);
        asked = name;
        Descriptor named = layout.lookup(name).orElseThrow(() -> notFound(name));
        try {
            return layout.readManifest(named);
        } catch (NoSuchFileException e) {
            throw layout.damage(named.digest(), name).orElseGet(() -> incomplete(named.digest()));
        }
    }

    @Override
    public InputStream blob(Descriptor descriptor) throws IOException {
        try {
            InputStream stored = Files.newInputStream(layout.blobPath(descriptor.digest()));
            return VerifiedCopy.hashed(stored, descriptor, description, repair);
        } catch (NoSuchFileException e) {
            throw incomplete(descriptor.digest());
        }
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

    /** A blob the image needs is gone, as {@code verify --repair} leaves it: not found, with what to do. */
    private BlobNotFoundException incomplete(Digest digest) {
        return new BlobNotFoundException(description + " is incomplete: blob " + digest + " is missing from " + missing,
                digest);
    }

    private ImageNotFoundException notFound(String name) {
        return new ImageNotFoundException("no image " + name + " in " + layout.root(), name, List.of());
    }
}
