package dev.jreg.internal.build;

import dev.jreg.internal.layer.ImageEntries;
import dev.jreg.internal.layer.LayerListing;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.model.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The files of a stage as its layers' headers give them, read from the store only when a step
 * needs them ({@code WORKDIR}, whether a directory is there; {@code COPY}, where its destination
 * leads and which directories to make; {@code --chown}, the names in {@code /etc/passwd} and
 * {@code /etc/group}), each layer read once, new layers laid over as the stage makes them. A
 * layer of {@value #LISTED_SIZE} bytes or more is read from its blob once: its {@link
 * LayerListing} is kept in the store's {@code cache/layers/HEX} (HEX its digest's), and the next
 * stage on it reads that instead.
 */
final class StageFiles implements Owner.Files {
    static final String PASSWD = "etc/passwd";
    static final String GROUP = "etc/group";
    /** The size from which a layer's listing is kept: reading a smaller blob costs no more than its listing. */
    static final long LISTED_SIZE = 256 << 10;
    static final String LISTINGS = "layers";
    /** BuildKit's limit on a user file it reads. */
    private static final int MAX_USER_FILE = 10 << 20;

    private final LocalStore store;
    private final List<Descriptor> pending;
    private static final Set<String> KEPT = Set.of(PASSWD, GROUP);

    private final ImageEntries entries = new ImageEntries(KEPT, MAX_USER_FILE);

    /** @param layers the stage's layers so far, base first, all in the store */
    StageFiles(LocalStore store, List<Descriptor> layers) {
        this.store = store;
        this.pending = new ArrayList<>(layers);
    }

    /** A new layer of the stage, on top of the others. */
    void add(Descriptor layer) {
        pending.add(layer);
    }

    /** The stage's filesystem now. */
    FileTree tree() throws IOException {
        read();
        return new FileTree(entries.entries());
    }

    @Override
    public Optional<byte[]> read(String path) throws IOException {
        read();
        return entries.content(path);
    }

    private void read() throws IOException {
        for (Descriptor layer : pending) {
            String name = layer.digest().toString();
            if (layer.size() < LISTED_SIZE) {
                try (InputStream blob = Files.newInputStream(store.blobPath(layer.digest()))) {
                    entries.add(name, blob);
                }
                continue;
            }
            Path file = Path.of(StepCache.FOLDER, LISTINGS, layer.digest().hex());
            Optional<LayerListing> listing = listing(file);
            if (listing.isPresent() && listing.get().keeps(KEPT, MAX_USER_FILE)) {
                entries.add(name, listing.get());
                continue;
            }
            LayerListing made;
            try (InputStream blob = Files.newInputStream(store.blobPath(layer.digest()))) {
                made = entries.addAndList(name, blob);
            }
            store.putFile(file, made::write);
        }
        pending.clear();
    }

    /** The listing kept in the store; empty when there is none or it cannot be read (then it is made again). */
    private Optional<LayerListing> listing(Path file) {
        try (InputStream in = Files.newInputStream(store.root().resolve(file))) {
            return Optional.of(LayerListing.read(in));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
