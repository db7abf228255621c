package dev.jreg.internal.layout;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The ingest, recording in order what it makes durable: {@code force PATH} for a directory's
 * entries, {@code force PATH SIZE} for a file's data and its size then, {@code rename FROM TO};
 * paths relative to the layout. A directory's force may be made to fail with a given message.
 */
class RecordingIngest extends Ingest {
    final List<String> events = new CopyOnWriteArrayList<>();
    private final Path root;
    volatile String directoryForceFails;

    RecordingIngest(Path root, Path dir) {
        super(dir);
        this.root = root;
    }

    private String name(Path path) {
        return root.relativize(path).toString();
    }

    @Override
    void force(FileChannel channel, Path path) throws IOException {
        boolean directory = Files.isDirectory(path);
        if (directory && directoryForceFails != null) {
            throw new IOException(directoryForceFails);
        }
        super.force(channel, path);
        events.add("force " + name(path) + (directory ? "" : " " + channel.size()));
    }

    @Override
    void rename(Path from, Path to) throws IOException {
        events.add("rename " + name(from) + " " + name(to));
        super.rename(from, to);
    }
}
