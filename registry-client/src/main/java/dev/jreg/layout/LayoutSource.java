package dev.jreg.layout;

import dev.jreg.error.BlobNotFoundException;
import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.ImageNotFoundException;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.Reference;
import dev.jreg.store.ImageSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Reads images out of a layout, for push and copy. Blobs are hashed as they are read: a stored
 * blob whose bytes no longer match its name (a damaged disk, a hand-edited file) fails at its
 * end, before a registry or another sink takes it.
 */
final class LayoutSource implements ImageSource {
    private final OciLayout layout;
    private final String description;
    private final String repair;
    private final String missing;
    private final UnaryOperator<String> nameOfTag;
    private Map<Digest, List<Reference>> origins;

    /**
     * @param description what to call this source in messages
     * @param repair what to do about a damaged blob, the end of that error's message
     * @param missing where a missing blob is missing from and what to do about it, the end of that error's message
     * @param nameOfTag the {@value Descriptor#REF_NAME} a tag stands for
     */
    LayoutSource(OciLayout layout, String description, String repair, String missing, UnaryOperator<String> nameOfTag) {
        this.layout = layout;
        this.description = description;
        this.repair = repair;
        this.missing = missing;
        this.nameOfTag = nameOfTag;
    }

    @Override
    public ManifestBlob manifest(String tagOrDigest) throws IOException {
        if (tagOrDigest.contains(":")) {
            Digest digest = Digest.parse(tagOrDigest);
            if (!Files.isRegularFile(layout.blobPath(digest))) {
                throw notFound(tagOrDigest);
            }
            try {
                return layout.readManifest(digest);
            } catch (NoSuchFileException e) {
                throw incomplete(digest);
            }
        }
        String name = nameOfTag.apply(tagOrDigest);
        Descriptor named = layout.lookup(name).orElseThrow(() -> notFound(name));
        try {
            return layout.readManifest(named);
        } catch (NoSuchFileException e) {
            throw incomplete(named.digest());
        }
    }

    @Override
    public InputStream blob(Descriptor descriptor) throws IOException {
        Digest digest = descriptor.digest();
        MessageDigest hasher = digest.newHasher();
        InputStream stored;
        try {
            stored = layout.openBlob(digest);
        } catch (NoSuchFileException e) {
            throw incomplete(digest);
        }
        return new FilterInputStream(stored) {
            private boolean checked;
            private long read;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int off, int len) throws IOException {
                int n = super.read(buffer, off, len);
                if (n > 0) {
                    hasher.update(buffer, off, n);
                    read += n;
                } else if (n < 0 && !checked && read == descriptor.size()) {
                    // Readers may ask again at the end, so the hash is taken once; a blob of the
                    // wrong size is left to the copy's size check, which names both sizes.
                    checked = true;
                    Digest actual = digest.withHash(hasher.digest());
                    if (!actual.equals(digest)) {
                        throw new DigestMismatchException("blob " + digest + " from " + description
                                + " is damaged: its bytes hash to " + actual + "; " + repair);
                    }
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                // Read, not skipped: every byte must reach the hash.
                return Math.max(0, read(new byte[(int) Math.max(0, Math.min(n, 64 * 1024))]));
            }
        };
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
