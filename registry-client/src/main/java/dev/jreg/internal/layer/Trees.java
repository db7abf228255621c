package dev.jreg.internal.layer;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Trees on disk removed, as a whiteout removes one and a failed unpack removes what it wrote. */
public final class Trees {
    private Trees() {
    }

    /**
     * Deletes a file or a tree, its root too unless {@code keepRoot}. Symbolic links are removed,
     * never followed. A directory its owner may not write or enter (an image's read-only
     * {@code 0555}) is given that permission first, so that what it holds can go.
     *
     * @throws IOException when a path cannot be deleted
     */
    public static void delete(Path root, boolean keepRoot) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                if ((mode & 0300) != 0300) {
                    Files.setAttribute(dir, "unix:mode", (mode & 07777) | 0300, LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                if (!(keepRoot && dir.equals(root))) {
                    Files.delete(dir);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
