package dev.jreg.internal.layer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Directories that their owner may not list, write or enter (an image's 000, 0300 or 0555 ones),
 * as an unpack by an ordinary user leaves them with their modes, reached by that user as umoci's
 * rootless mode reaches them: opened for the owner while it works there, then given their modes
 * back, the deepest first.
 */
final class ClosedDirectories {
    private static final int SEARCH = 0100;
    private static final int READ = 0400;

    private ClosedDirectories() {
    }

    /** Does something with a path: opens, reads or stats it. */
    @FunctionalInterface
    interface PathOperation<T> {
        T apply(Path path) throws IOException;
    }

    /**
     * Sets a directory's permission bits through its path. The JDK's chmod that does not follow
     * links opens the file first, for reading, which a directory without its owner's read
     * permission (000, 0300) refuses even to its owner; a chmod by path follows a link, so the
     * caller has found a directory there with {@code lstat}, in a tree only its user writes.
     *
     * @param mode the permission bits, {@code 07777} at most
     */
    static void setMode(Path directory, int mode) throws IOException {
        Files.setAttribute(directory, "unix:mode", mode);
    }

    /**
     * What {@code operation} gives for {@code file}; where it is denied because its owner, the user
     * running this, may not search a directory on the way, or read {@code file} itself when it is a
     * directory, again with each such directory given {@code u+x} ({@code u+r} for {@code file})
     * meanwhile, and its mode again after, the deepest first.
     *
     * @throws AccessDeniedException as the operation first threw it, when no directory on the way
     *     is closed or one cannot be opened (another user's)
     */
    static <T> T reach(Path file, PathOperation<T> operation) throws IOException {
        try {
            return operation.apply(file);
        } catch (AccessDeniedException denied) {
            List<Path> opened = new ArrayList<>();
            List<Integer> modes = new ArrayList<>();
            try {
                Path absolute = file.toAbsolutePath();
                for (int i = 1; i <= absolute.getNameCount(); i++) {
                    Path directory = absolute.getRoot().resolve(absolute.subpath(0, i));
                    int mode = (Integer) Files.getAttribute(directory, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                    int needed = i < absolute.getNameCount() ? SEARCH : READ;
                    if ((mode & 0170000) == 0040000 && (mode & needed) == 0) {
                        setMode(directory, (mode & 07777) | needed);
                        opened.add(directory);
                        modes.add(mode & 07777);
                    }
                }
            } catch (IOException cannotOpen) {
                denied.addSuppressed(cannotOpen);
                restore(opened, modes);
                throw denied;
            }
            if (opened.isEmpty()) {
                throw denied;
            }
            try {
                return operation.apply(file);
            } finally {
                restore(opened, modes);
            }
        }
    }

    /** A file opened for reading, its link not followed, {@linkplain #reach reached} through closed directories. */
    static InputStream newInputStream(Path file) throws IOException {
        return reach(file, path -> Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS));
    }

    private static void restore(List<Path> opened, List<Integer> modes) throws IOException {
        for (int i = opened.size() - 1; i >= 0; i--) {
            setMode(opened.get(i), modes.get(i));
        }
    }
}
