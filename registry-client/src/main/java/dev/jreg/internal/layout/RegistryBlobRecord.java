package dev.jreg.internal.layout;

import dev.jreg.internal.store.BlobLocations;
import dev.jreg.model.Digest;
import dev.jreg.model.Reference;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link BlobLocations} in the store's {@code cache/registry-blobs/} folder, as skopeo keeps its
 * blob-info cache: one file per registry (its name URL-encoded, {@code localhost%3A5000}), one
 * line per blob, {@code sha256:HEX REPOSITORY}, the newest last, at most {@value #MAX_ENTRIES}
 * (older ones dropped). It holds no credentials, only digests and repository paths.
 *
 * <p>A registry's file is read once per process, when a copy into that registry first needs a
 * mount origin. {@link #save} reads it again, merges what was recorded and replaces it whole
 * through the store's durable write path ({@link LocalStore#putFile}: temp file, rename), so two
 * processes at once never leave a mixed file — the later one's merge may lose the other's new
 * lines, which costs only an upload. A line that does not parse (a damaged file) is ignored.
 */
public final class RegistryBlobRecord implements BlobLocations {
    static final Path FOLDER = Path.of("cache", "registry-blobs");
    static final int MAX_ENTRIES = 10_000;

    private final LocalStore store;
    private final Map<String, Map<Digest, String>> loaded = new HashMap<>();
    private final Map<String, Map<Digest, String>> recorded = new HashMap<>();

    public RegistryBlobRecord(LocalStore store) {
        this.store = store;
    }

    @Override
    public synchronized Optional<String> repositoryOf(String registry, Digest digest) {
        return Optional.ofNullable(loaded.computeIfAbsent(registry, this::read).get(digest));
    }

    @Override
    public synchronized void record(String registry, Digest digest, String repository) {
        recorded.computeIfAbsent(registry, r -> new LinkedHashMap<>()).put(digest, repository);
    }

    @Override
    public synchronized void save() {
        recorded.forEach(this::save);
        recorded.clear();
    }

    private void save(String registry, Map<Digest, String> news) {
        Map<Digest, String> known = loaded.get(registry);
        if (known != null && known.entrySet().containsAll(news.entrySet())) {
            return; // nothing new: a sync that finds every blob in place writes nothing
        }
        Map<Digest, String> entries = read(registry); // again: another process may have written since
        boolean changed = false;
        for (Map.Entry<Digest, String> entry : news.entrySet()) {
            changed |= !entry.getValue().equals(entries.remove(entry.getKey()));
            entries.put(entry.getKey(), entry.getValue());
        }
        trim(entries);
        loaded.put(registry, entries);
        if (!changed) {
            return;
        }
        StringBuilder text = new StringBuilder();
        entries.forEach((digest, repository) -> text.append(digest).append(' ').append(repository).append('\n'));
        try {
            store.putFile(file(registry), out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            // a store this user cannot write, a full disk: the hints are lost, the copy is done
        }
    }

    /** A registry's entries in file order, oldest first; none when the file is missing or unreadable. */
    private Map<Digest, String> read(String registry) {
        Map<Digest, String> entries = new LinkedHashMap<>();
        Path path = store.root().resolve(file(registry));
        // InputStreamReader replaces bytes that are no UTF-8, so a damaged line fails to parse alone.
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(Files.newInputStream(path),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                parse(registry, line).ifPresent(entry -> {
                    entries.remove(entry.getKey());
                    entries.put(entry.getKey(), entry.getValue());
                    trim(entries);
                });
            }
        } catch (IOException e) {
            // missing (nothing recorded yet) or unreadable: no hints
        }
        return entries;
    }

    /** A line's digest and repository, or empty when it is not a whole, valid line. */
    static Optional<Map.Entry<Digest, String>> parse(String registry, String line) {
        int space = line.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String repository = line.substring(space + 1);
        Optional<Reference> parsed = Reference.tryParse(registry + "/" + repository + ":latest");
        if (parsed.isEmpty() || !parsed.get().registry().equals(registry)
                || !parsed.get().repository().equals(repository)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Map.entry(Digest.parse(line.substring(0, space)), repository));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void trim(Map<Digest, String> entries) {
        Iterator<Digest> oldest = entries.keySet().iterator();
        while (entries.size() > MAX_ENTRIES) {
            oldest.next();
            oldest.remove();
        }
    }

    static Path file(String registry) {
        return FOLDER.resolve(URLEncoder.encode(Objects.requireNonNull(registry), StandardCharsets.UTF_8));
    }
}
