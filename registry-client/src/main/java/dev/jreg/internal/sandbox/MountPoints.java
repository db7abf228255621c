package dev.jreg.internal.sandbox;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mount points a command's sandbox needs in the root filesystem ({@code /proc}, {@code /dev},
 * {@code /tmp} when the image lacks it, {@code /etc/hosts} and the host's {@code /etc/resolv.conf}),
 * and what was made for them. Those
 * the image lacks are made before bubblewrap starts (so that it makes none of its own, and can
 * mount them when it runs as another user than jreg) and removed again afterwards, with the
 * modification times of the directories they were made in, so that a filesystem diff of the root
 * filesystem sees only what the command changed. What the image has is mounted over and never
 * written: its own {@code /etc/resolv.conf} keeps its content.
 */
final class MountPoints {
    /**
     * One mount.
     *
     * @param option bubblewrap's option: {@code --proc}, {@code --dev}, {@code --tmpfs} or {@code --ro-bind}
     * @param source the host file bound, for {@code --ro-bind}; else null
     * @param destination where, inside the root filesystem
     */
    record Mount(String option, Path source, String destination) {
        boolean directory() {
            return source == null;
        }
    }

    private final Path root;
    /** Made for the mounts, in the order made. */
    private final List<Path> made = new ArrayList<>();
    /** The directories something was made in: their times before, and once everything was made. */
    private final Map<Path, FileTime[]> touched = new LinkedHashMap<>();
    private final List<String> options = new ArrayList<>();
    private boolean removed;

    private MountPoints(Path root) {
        this.root = root;
    }

    /**
     * Makes what {@code mounts} need in {@code root} and is missing: the mount point, and the
     * directories above it (mode 0755; an empty file is 0644).
     *
     * @param root the root filesystem, a real path
     * @throws FileAlreadyExistsException when a mount point is there as the other kind of file (a
     *     directory for a file, or the reverse), which the image's command would then not find
     */
    static MountPoints prepare(Path root, List<Mount> mounts) throws IOException {
        MountPoints points = new MountPoints(root);
        try {
            for (Mount mount : mounts) {
                points.prepare(mount);
            }
            for (Map.Entry<Path, FileTime[]> dir : points.touched.entrySet()) {
                dir.getValue()[1] = Files.getLastModifiedTime(dir.getKey());
            }
            return points;
        } catch (IOException | RuntimeException e) {
            points.remove();
            throw e;
        }
    }

    private void prepare(Mount mount) throws IOException {
        Path target = RootPath.resolve(root, mount.destination());
        String inside = RootPath.inside(root, target);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) != mount.directory()) {
                throw new FileAlreadyExistsException(inside, null, "cannot mount " + (mount.directory() ? "a directory"
                        : "a file") + " over it in the root filesystem");
            }
        } else {
            Path parent = target.getParent();
            Path existing = parent;
            while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS) || made.contains(existing)) {
                existing = existing.getParent();
            }
            touched.putIfAbsent(existing, new FileTime[] {Files.getLastModifiedTime(existing), null});
            made.addAll(RootPath.makeDirectories(root, parent, null));
            if (mount.directory()) {
                Files.createDirectory(target);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            } else {
                Files.createFile(target);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
            }
            made.add(target);
        }
        if (mount.option().equals("--tmpfs")) {
            // sticky and writable by every user, as an image's /tmp is
            options.addAll(List.of("--perms", "1777"));
        }
        options.add(mount.option());
        if (mount.source() != null) {
            options.add(mount.source().toString());
        }
        options.add(inside);
    }

    /** bubblewrap's options for the mounts, each at the place its destination resolved to. */
    List<String> options() {
        return List.copyOf(options);
    }

    /**
     * Removes what {@link #prepare} made, last first, and gives the directories it was made in
     * their times back, unless the command changed them too: a directory the command wrote into
     * stays, with its time. Runs once; later calls do nothing.
     */
    synchronized void remove() throws IOException {
        if (removed) {
            return;
        }
        removed = true;
        List<Path> unchanged = new ArrayList<>();
        for (Map.Entry<Path, FileTime[]> dir : touched.entrySet()) {
            FileTime prepared = dir.getValue()[1];
            if (prepared == null || prepared.equals(Files.getLastModifiedTime(dir.getKey()))) {
                unchanged.add(dir.getKey());
            }
        }
        for (int i = made.size() - 1; i >= 0; i--) {
            Path path = made.get(i);
            try {
                Files.deleteIfExists(path);
            } catch (DirectoryNotEmptyException writtenByTheCommand) {
                unchanged.remove(path.getParent());
            }
        }
        for (Path dir : unchanged) {
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.setLastModifiedTime(dir, touched.get(dir)[0]);
            }
        }
    }
}
