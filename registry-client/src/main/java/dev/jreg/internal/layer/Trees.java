package dev.jreg.internal.layer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Trees on disk removed, as a whiteout removes one and a failed unpack removes what it wrote. */
public final class Trees {
    private Trees() {
    }

    /**
     * Deletes a file or a tree, its root too unless {@code keepRoot}. Symbolic links are removed,
     * never followed. A directory its owner may not list, write or enter (an image's read-only
     * {@code 0555}, or {@code 000} and {@code 0300}) is given that permission first, so that what
     * it holds can go.
     *
     * @throws IOException when a path cannot be deleted
     */
    public static void delete(Path root, boolean keepRoot) throws IOException {
        int mode = (Integer) Files.getAttribute(root, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 0170000) == 0040000) {
            if ((mode & 0700) != 0700) {
                ClosedDirectories.setMode(root, (mode & 07777) | 0700);
            }
            // Named first, then deleted: the listing is closed before the next level opens its own.
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> listing = Files.newDirectoryStream(root)) {
                listing.forEach(children::add);
            }
            for (Path child : children) {
                delete(child, false);
            }
        }
        if (!keepRoot) {
            Files.delete(root);
        }
    }
}
