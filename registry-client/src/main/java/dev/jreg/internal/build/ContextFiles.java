package dev.jreg.internal.build;

import dev.jreg.internal.layer.DirectoryScan;
import dev.jreg.internal.layer.LayerEntry;
import dev.jreg.model.Digest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The build context: a directory's files as {@code COPY} and {@code ADD} see them, what
 * {@code .dockerignore} excludes left out (a directory it excludes is walked only when an
 * exception may bring something back from it, and kept only with what it brings back, as
 * fsutil's walk sends it), walked once per build, when a step first reads it. Owners are 0:0, as
 * docker's client sends them; everything else is as on disk.
 */
final class ContextFiles {
    private final Path root;
    private final IgnoreRules ignore;
    private final StepCache.FileHashes hashes;
    private Map<String, DirectoryScan.Found> found;
    private FileTree tree;

    /**
     * @param root the context directory's real path
     * @param hashes the digests remembered of its files
     */
    ContextFiles(Path root, IgnoreRules ignore, StepCache.FileHashes hashes) {
        this.root = root;
        this.ignore = ignore;
        this.hashes = hashes;
    }

    /** The context's files, walked on first use. */
    FileTree tree() throws IOException {
        if (tree == null) {
            walk();
        }
        return tree;
    }

    /** The context directory's own entry (path {@code ""}). */
    DirectoryScan.Found root() throws IOException {
        return DirectoryScan.read(root, "", DirectoryScan.Owners.of(0, 0));
    }

    /** A path of the context as the walk found it. */
    DirectoryScan.Found found(String path) throws IOException {
        tree();
        return found.get(path);
    }

    /** The SHA-256 of a file of the context. */
    Digest digest(String path) throws IOException {
        return hashes.digest(path, found(path));
    }

    /** Writes the digests this build computed, for the next one. */
    void saveHashes() throws IOException {
        hashes.save();
    }

    private void walk() throws IOException {
        List<DirectoryScan.Found> all = DirectoryScan.walk(root, DirectoryScan.Owners.of(0, 0),
                directory -> !ignore.excluded(directory) || ignore.mayReincludeUnder(directory));
        Set<String> kept = new HashSet<>();
        for (DirectoryScan.Found each : all) {
            String path = each.entry().path();
            if (!ignore.excluded(path)) {
                // An excluded directory stays for what it holds that is kept.
                for (String p = path; !p.isEmpty() && kept.add(p); p = parent(p)) {
                    // each parent once
                }
            }
        }
        found = new HashMap<>();
        TreeMap<String, LayerEntry> entries = new TreeMap<>();
        for (DirectoryScan.Found each : all) {
            if (kept.contains(each.entry().path())) {
                DirectoryScan.Found file = ownFile(each);
                found.put(file.entry().path(), file);
                entries.put(file.entry().path(), file.entry());
            }
        }
        tree = new FileTree(entries);
    }

    /**
     * A path, a name of a file that has others as a file of its own: a step copies any part of
     * the context, which need not hold the name the walk met first.
     */
    private static DirectoryScan.Found ownFile(DirectoryScan.Found found) {
        LayerEntry e = found.entry();
        if (e.type() != LayerEntry.Type.HARDLINK) {
            return found;
        }
        return new DirectoryScan.Found(new LayerEntry(e.path(), LayerEntry.Type.FILE, e.mode(), e.uid(), e.gid(),
                e.mtime(), found.stamp().size(), "", e.xattrs(), 0, 0), found.file(), found.stamp());
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }
}
