package dev.jreg.internal.sandbox;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Paths inside a root filesystem, resolved as the command inside will see them: a symbolic link
 * is followed with the root filesystem as {@code /} and {@code ..} stops at it, as runc's
 * {@code securejoin} resolves them, so that nothing the image holds leads outside it.
 */
final class RootPath {
    /** Linux's limit of links followed in one lookup. */
    private static final int MAX_LINKS = 40;

    private RootPath() {
    }

    /**
     * Where {@code path} (absolute, inside {@code root}) is on the host: every symbolic link on the
     * way followed, the last component's too; components that do not exist are kept as written.
     *
     * @param root the root filesystem, a real path
     * @throws FileSystemException when more than 40 links are met
     */
    static Path resolve(Path root, String path) throws IOException {
        Deque<String> rest = new ArrayDeque<>(List.of(path.split("/")));
        Path current = root;
        int links = 0;
        while (!rest.isEmpty()) {
            String name = rest.removeFirst();
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                current = current.equals(root) ? root : current.getParent();
                continue;
            }
            Path next = current.resolve(name);
            if (!Files.isSymbolicLink(next)) {
                current = next;
                continue;
            }
            if (++links > MAX_LINKS) {
                throw new FileSystemException(path, null, "too many levels of symbolic links in the root filesystem");
            }
            String target = Files.readSymbolicLink(next).toString();
            List<String> names = List.of(target.split("/"));
            for (int i = names.size() - 1; i >= 0; i--) {
                rest.addFirst(names.get(i));
            }
            if (target.startsWith("/")) {
                current = root;
            }
        }
        return current;
    }

    /** A resolved host path as the command sees it: {@code /} and the path below {@code root}. */
    static String inside(Path root, Path resolved) {
        return "/" + root.relativize(resolved);
    }

    /**
     * Makes the directories of {@code dir} that are missing, each mode 0755 (whatever the umask),
     * and owned by {@code uid:gid} when {@code owner} is set.
     *
     * @param dir a path {@link #resolve} gave, below {@code root}
     * @return the directories made, outermost first
     * @throws FileAlreadyExistsException when a component is something else than a directory
     */
    static List<Path> makeDirectories(Path root, Path dir, ExecUser owner) throws IOException {
        List<Path> made = new ArrayList<>();
        Path current = root;
        for (Path name : root.relativize(dir)) {
            current = current.resolve(name);
            if (Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(inside(root, current), null, "not a directory in the root filesystem");
            }
            Files.createDirectory(current);
            made.add(current);
            Files.setPosixFilePermissions(current, PosixFilePermissions.fromString("rwxr-xr-x"));
            if (owner != null) {
                Files.setAttribute(current, "unix:gid", owner.gid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(current, "unix:uid", owner.uid(), LinkOption.NOFOLLOW_LINKS);
            }
        }
        return made;
    }
}
