package dev.jreg.internal.build;

import dev.jreg.internal.layer.ImageEntries;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.model.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The files of a stage as its layers' headers give them, read from the store only when a step
 * needs them ({@code WORKDIR}, whether a directory is there; {@code COPY}, where its destination
 * leads and which directories to make; {@code --chown}, the names in {@code /etc/passwd} and
 * {@code /etc/group}), each layer read once, new layers laid over as the stage makes them.
 */
final class StageFiles implements Owner.Files {
    static final String PASSWD = "etc/passwd";
    static final String GROUP = "etc/group";
    /** BuildKit's limit on a user file it reads. */
    private static final int MAX_USER_FILE = 10 << 20;

    private final LocalStore store;
    private final List<Descriptor> pending;
    private final ImageEntries entries = new ImageEntries(Set.of(PASSWD, GROUP), MAX_USER_FILE);

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
            try (InputStream blob = Files.newInputStream(store.blobPath(layer.digest()))) {
                entries.add(layer.digest().toString(), blob);
            }
        }
        pending.clear();
    }
}
