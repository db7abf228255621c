package dev.jreg.internal.build;

import dev.jreg.internal.layer.LayerEntry;
import java.nio.file.FileSystemLoopException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * A filesystem known by its entries, as a layer's paths give them: a build context as walked, an
 * image's files as its layers' headers give them. It resolves paths through its symbolic links
 * with the filesystem's root as the root ({@link LayerEntry#resolve}: an absolute target starts
 * again there, {@code ..} stops there), as BuildKit's copy resolves sources and destinations, and
 * matches wildcards element by element with Go's {@code filepath.Match} rules, as {@code COPY}
 * does.
 */
final class FileTree {
    private final SortedMap<String, LayerEntry> entries;

    /** @param entries each path's entry, paths in {@link LayerEntry#path()}'s form; the root left out */
    FileTree(SortedMap<String, LayerEntry> entries) {
        this.entries = entries;
    }

    /**
     * The path with the symbolic links on it resolved: every component's, and the last's too when
     * {@code followLast}. Components that do not exist are kept as they are.
     *
     * @param path relative to the root or absolute, {@code /}-separated
     * @throws IllegalArgumentException after more than 40 links (a loop)
     */
    String resolve(String path, boolean followLast) {
        try {
            return LayerEntry.resolve(entries, path, followLast);
        } catch (FileSystemLoopException e) {
            throw new IllegalArgumentException("too many levels of symbolic links: /" + path);
        }
    }

    /** The entry at a resolved path; null where nothing is, or a directory only the paths under it make. */
    LayerEntry at(String resolved) {
        return entries.get(resolved);
    }

    /** Whether something is at a resolved path: an entry, or paths under it. */
    boolean exists(String resolved) {
        return resolved.isEmpty() || entries.containsKey(resolved) || !under(resolved).isEmpty();
    }

    /** Whether a resolved path is a directory: the root, a directory's entry, or paths under it and no other entry. */
    boolean isDirectory(String resolved) {
        if (resolved.isEmpty()) {
            return true;
        }
        LayerEntry entry = entries.get(resolved);
        return entry != null ? entry.type() == LayerEntry.Type.DIRECTORY : !under(resolved).isEmpty();
    }

    /**
     * The directories to make for a path to be a directory, parents first: the path and each of
     * its parents that nothing is at and that no symbolic link on the way leads elsewhere (a
     * layer's path through a link goes where the link leads, and the directories missing there
     * are made as the layer is applied).
     *
     * @param path relative to the root, cleaned
     */
    List<String> missing(String path) {
        List<String> missing = new ArrayList<>();
        for (int end = path.indexOf('/'); !path.isEmpty(); end = path.indexOf('/', end + 1)) {
            String prefix = end < 0 ? path : path.substring(0, end);
            if (resolve(prefix, true).equals(prefix) && !exists(prefix)) {
                missing.add(prefix);
            }
            if (end < 0) {
                break;
            }
        }
        return missing;
    }

    /** The paths under a resolved directory, its own left out, in the map's order. */
    SortedMap<String, LayerEntry> under(String directory) {
        // '/' + 1 is '0': the paths that start with "directory/" sort between the two.
        return directory.isEmpty() ? entries : entries.subMap(directory + "/", directory + "0");
    }

    /**
     * The paths a pattern matches, each element by Go's {@code filepath.Match} ({@code *},
     * {@code ?}, {@code [a-z]}, {@code \} escapes), in the map's order.
     *
     * @param pattern relative to the root, cleaned, {@code /}-separated
     * @throws IllegalArgumentException for a pattern {@code filepath.Match} refuses
     */
    List<String> glob(String pattern) {
        String[] elements = pattern.split("/");
        List<GoPattern> matchers = new ArrayList<>();
        for (String element : elements) {
            matchers.add(GoPattern.compile(element));
        }
        List<String> matches = new ArrayList<>();
        for (Map.Entry<String, LayerEntry> entry : entries.entrySet()) {
            String[] parts = entry.getKey().split("/");
            if (parts.length == elements.length && matchesAll(matchers, parts)) {
                matches.add(entry.getKey());
            }
        }
        return matches;
    }

    private static boolean matchesAll(List<GoPattern> matchers, String[] parts) {
        for (int i = 0; i < parts.length; i++) {
            if (!matchers.get(i).matches(parts[i])) {
                return false;
            }
        }
        return true;
    }

    /** Whether a path holds a wildcard ({@code *}, {@code ?}, {@code [}) that is not escaped, as BuildKit tells. */
    static boolean hasWildcards(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '*' || c == '?' || c == '[') {
                return true;
            }
        }
        return false;
    }
}
