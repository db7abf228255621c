package dev.jreg.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A directory tree as tests compare it: each path below the root (links never followed) with its
 * type, permission bits, link target, content SHA-256, times, link count and owner. {@link #of}
 * takes everything, to prove that nothing changed; {@link #files()} keeps what two unpackers of
 * the same layers must agree on.
 *
 * @param nodes by path relative to the root, {@code /}-separated; the root itself is not one
 */
public record TreeSnapshot(SortedMap<String, Node> nodes) {

    /**
     * One path.
     *
     * @param type {@code file}, {@code dir}, {@code symlink} or {@code other}
     * @param mode the permission bits with setuid, setgid and sticky
     * @param link a symbolic link's target; empty for others
     * @param sha256 a file's content hash; empty for others
     * @param mtimeNanos the modification time
     * @param ctimeNanos the status-change time (a new hard link or chmod changes it)
     * @param links the link count
     * @param owner {@code uid:gid}
     */
    public record Node(String type, int mode, String link, String sha256, long mtimeNanos, long ctimeNanos, int links,
            String owner) {
    }

    /** Everything about every path under {@code root}. */
    public static TreeSnapshot of(Path root) throws IOException {
        SortedMap<String, Node> nodes = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                if (!dir.equals(root)) {
                    nodes.put(root.relativize(dir).toString(), node(dir, attributes));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                nodes.put(root.relativize(file).toString(), node(file, attributes));
                return FileVisitResult.CONTINUE;
            }
        });
        return new TreeSnapshot(nodes);
    }

    private static Node node(Path path, BasicFileAttributes attributes) throws IOException {
        Map<String, Object> unix = Files.readAttributes(path, "unix:mode,ctime,nlink,uid,gid", LinkOption.NOFOLLOW_LINKS);
        String type = attributes.isSymbolicLink() ? "symlink" : attributes.isDirectory() ? "dir"
                : attributes.isRegularFile() ? "file" : "other";
        return new Node(type, (Integer) unix.get("mode") & 07777,
                attributes.isSymbolicLink() ? Files.readSymbolicLink(path).toString() : "",
                attributes.isRegularFile() ? sha256(path) : "", nanos(attributes.lastModifiedTime()),
                nanos((FileTime) unix.get("ctime")), (Integer) unix.get("nlink"), unix.get("uid") + ":" + unix.get("gid"));
    }

    private static long nanos(FileTime time) {
        return time.to(TimeUnit.NANOSECONDS);
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            MessageDigest hash = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                hash.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(hash.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What two unpackers must agree on: path, type, permission bits (a symbolic link has none of
     * its own), link target, content, and the modification time of files and directories to the
     * microsecond; not owners, link counts, change times or the times of links.
     */
    public TreeSnapshot files() {
        SortedMap<String, Node> kept = new TreeMap<>();
        nodes.forEach((path, node) -> {
            boolean symlink = node.type().equals("symlink");
            kept.put(path, new Node(node.type(), symlink ? 0 : node.mode(), node.link(), node.sha256(),
                    symlink ? 0 : node.mtimeNanos() / 1000 * 1000, 0, 0, ""));
        });
        return new TreeSnapshot(kept);
    }

    /**
     * Modification times to the second, as a layer jreg writes keeps them: what a tree committed
     * and unpacked again must agree on with the tree it was committed from.
     */
    public TreeSnapshot toTheSecond() {
        SortedMap<String, Node> kept = new TreeMap<>();
        nodes.forEach((path, node) -> kept.put(path, new Node(node.type(), node.mode(), node.link(), node.sha256(),
                node.mtimeNanos() / 1_000_000_000 * 1_000_000_000, node.ctimeNanos(), node.links(), node.owner())));
        return new TreeSnapshot(kept);
    }

    /**
     * What two builders of the same Dockerfile must agree on: path, type, permission bits, link
     * target, content and owner; not times or link counts.
     */
    public TreeSnapshot withoutTimes() {
        SortedMap<String, Node> kept = new TreeMap<>();
        nodes.forEach((path, node) -> kept.put(path, new Node(node.type(), node.type().equals("symlink") ? 0 : node.mode(),
                node.link(), node.sha256(), 0, 0, 0, node.owner())));
        return new TreeSnapshot(kept);
    }

    /** Without {@code path} and what is under it. */
    public TreeSnapshot without(String path) {
        SortedMap<String, Node> kept = new TreeMap<>(nodes);
        kept.keySet().removeIf(p -> p.equals(path) || p.startsWith(path + "/"));
        return new TreeSnapshot(kept);
    }

    /** The paths that differ, one line each: missing, added, or both nodes. */
    public String differences(TreeSnapshot other) {
        StringBuilder out = new StringBuilder();
        TreeSet<String> paths = new TreeSet<>(nodes.keySet());
        paths.addAll(other.nodes.keySet());
        for (String path : paths) {
            Node mine = nodes.get(path);
            Node theirs = other.nodes.get(path);
            if (mine == null || !mine.equals(theirs)) {
                out.append(path).append(": ").append(mine).append(" / ").append(theirs).append('\n');
            }
        }
        return out.toString();
    }
}
