package dev.jreg.internal.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A file's identity and state on disk, as {@code lstat} gives it: a file whose stamp is the one
 * taken right after unpacking has not been touched since (any write, chmod, chown, rename or
 * replacement changes its change time or inode).
 *
 * @param inode the inode number
 * @param size the length in bytes
 * @param mtimeNanos the modification time, nanoseconds since the epoch
 * @param ctimeNanos the status-change time, nanoseconds since the epoch
 */
public record FileStamp(long inode, long size, long mtimeNanos, long ctimeNanos) {

    /** The stamp of {@code path} itself (a symbolic link's own, not its target's). */
    public static FileStamp of(Path path) throws IOException {
        return of(Files.readAttributes(path, "unix:ino,size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS));
    }

    /** The stamp in attributes read from the {@code unix} view with at least {@code ino,size,lastModifiedTime,ctime}. */
    static FileStamp of(Map<String, Object> unix) {
        return new FileStamp((Long) unix.get("ino"), (Long) unix.get("size"),
                nanos((FileTime) unix.get("lastModifiedTime")), nanos((FileTime) unix.get("ctime")));
    }

    private static long nanos(FileTime time) {
        return time.to(TimeUnit.NANOSECONDS);
    }
}
