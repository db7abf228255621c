package dev.jreg.internal.sandbox;

import dev.jreg.internal.fs.LinkResolver;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Paths inside a root filesystem, resolved as the command inside will see them: by
 * {@link LinkResolver}, a symbolic link followed with the root filesystem as {@code /} and
 * {@code ..} stopping at it, as runc's {@code securejoin} resolves them, so that nothing the image
 * holds leads outside it.
 */
final class RootPath {
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
        try {
            return root.resolve(LinkResolver.resolve(path, LinkResolver.Mode.FOLLOW, LinkResolver.onDisk(root)).path());
        } catch (FileSystemLoopException e) {
            throw new FileSystemException(path, null, "too many levels of symbolic links in the root filesystem");
        }
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
