package dev.jreg.internal.fs;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * The one resolver of paths inside a root directory (an image's filesystem, on disk or in
 * memory), as the kernel resolves them for a process whose root ({@code chroot}) is that
 * directory, and as runc's {@code securejoin} and containerd's and umoci's secure joins resolve a
 * container's paths: component by component, a symbolic link met on the way replaced by its
 * target — an absolute target starting again at the root, a relative one from the link's
 * directory —, {@code ..} going up one directory and stopping at the root, so that nothing
 * resolves outside it; at most {@value #MAX_LINKS} links in one path, as Linux's
 * {@code MAXSYMLINKS}, beyond which the kernel fails with {@code ELOOP}. What the root holds is
 * asked of a {@link Lookup}, one path at a time, links not followed ({@code lstat}).
 *
 * <p>A component that is not there is kept as written, and so is what comes after it; {@code ..}
 * leaves a component that is not a directory as it leaves any other, unless the {@link Mode} is
 * {@link Mode#DIRECTORY}.
 */
public final class LinkResolver {
    /** Linux's {@code MAXSYMLINKS}: more links on one path than this is a loop. */
    public static final int MAX_LINKS = 40;

    private LinkResolver() {
    }

    /** What {@code lstat} tells of a path. */
    public enum Kind {
        MISSING, DIRECTORY, SYMLINK, OTHER
    }

    /**
     * What is at a path, its link not followed.
     *
     * @param linkTarget a symbolic link's target as written; empty for other kinds
     */
    public record Stat(Kind kind, String linkTarget) {
        public static final Stat MISSING = new Stat(Kind.MISSING, "");
        public static final Stat DIRECTORY = new Stat(Kind.DIRECTORY, "");
        public static final Stat OTHER = new Stat(Kind.OTHER, "");

        public Stat {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(linkTarget, "linkTarget");
        }

        /** A symbolic link to {@code target}. */
        public static Stat symlink(String target) {
            return new Stat(Kind.SYMLINK, target);
        }
    }

    /** What the root holds at a resolved path (relative to the root, {@code /}-separated, {@code ""} the root). */
    @FunctionalInterface
    public interface Lookup<X extends Exception> {
        Stat at(String path) throws X;
    }

    /** How the last component and what is not a directory are treated. */
    public enum Mode {
        /** Every link followed, the last component's too, as {@code stat} and {@code open} follow them. */
        FOLLOW,
        /** The last component kept when it is a link, as {@code lstat} and {@code O_NOFOLLOW} keep it. */
        NOFOLLOW,
        /**
         * A path that must be a directory, as {@code mkdir -p} makes one: every link followed, and
         * the lookup stops at the first component that is neither a directory nor missing
         * ({@link Resolved#notDirectory()}).
         */
        DIRECTORY
    }

    /**
     * A path resolved.
     *
     * @param path relative to the root, {@code /}-separated, without {@code .}, {@code ..} or
     *     links but for a last one kept ({@link Mode#NOFOLLOW}); {@code ""} for the root
     * @param missing the paths on the way that are not there, parents first: every one from the
     *     first component the lookup found missing to the end
     * @param notDirectory with {@link Mode#DIRECTORY}, the path of the component that is not a
     *     directory, where the lookup stopped ({@code path} ends there); else null
     */
    public record Resolved(String path, List<String> missing, String notDirectory) {
        public Resolved {
            Objects.requireNonNull(path, "path");
            missing = List.copyOf(missing);
        }
    }

    /**
     * Resolves {@code path} inside the root that {@code lookup} reads.
     *
     * @param path relative to the root or absolute (from the root), {@code /}-separated
     * @throws FileSystemLoopException naming {@code path}, when more than {@value #MAX_LINKS}
     *     links are met (a loop)
     * @throws X what the lookup throws
     */
    public static <X extends Exception> Resolved resolve(String path, Mode mode, Lookup<X> lookup)
            throws X, FileSystemLoopException {
        Deque<String> pending = new ArrayDeque<>(List.of(path.split("/")));
        List<String> components = new ArrayList<>();
        List<Kind> kinds = new ArrayList<>();
        int links = 0;
        while (!pending.isEmpty()) {
            String component = pending.removeFirst();
            if (component.isEmpty() || component.equals(".")) {
                continue;
            }
            if (component.equals("..")) {
                if (!components.isEmpty()) {
                    components.remove(components.size() - 1);
                    kinds.remove(kinds.size() - 1);
                }
                continue;
            }
            String joined = components.isEmpty() ? component : String.join("/", components) + "/" + component;
            Stat stat = lookup.at(joined);
            if (stat.kind() == Kind.SYMLINK && (mode != Mode.NOFOLLOW || !pending.isEmpty())) {
                if (++links > MAX_LINKS) {
                    throw new FileSystemLoopException(path);
                }
                if (stat.linkTarget().startsWith("/")) {
                    components.clear();
                    kinds.clear();
                }
                List<String> target = List.of(stat.linkTarget().split("/"));
                for (int i = target.size() - 1; i >= 0; i--) {
                    pending.addFirst(target.get(i));
                }
                continue;
            }
            components.add(component);
            kinds.add(stat.kind());
            if (mode == Mode.DIRECTORY && stat.kind() == Kind.OTHER) {
                return new Resolved(joined, missing(components, kinds), joined);
            }
        }
        return new Resolved(String.join("/", components), missing(components, kinds), null);
    }

    /** The prefixes of the path from its first missing component on. */
    private static List<String> missing(List<String> components, List<Kind> kinds) {
        List<String> missing = new ArrayList<>();
        int first = kinds.indexOf(Kind.MISSING);
        for (int i = first; first >= 0 && i < components.size(); i++) {
            missing.add(String.join("/", components.subList(0, i + 1)));
        }
        return missing;
    }

    /**
     * The lookup of a directory on disk, by {@code lstat}: a path that cannot be read (missing,
     * under a file, or under a directory that may not be searched) is {@link Stat#MISSING}.
     *
     * @param root the root directory, a real path (no link on the way to it)
     */
    public static Lookup<RuntimeException> onDisk(Path root) {
        return path -> {
            Path file = root.resolve(path);
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                return attributes.isSymbolicLink() ? Stat.symlink(Files.readSymbolicLink(file).toString())
                        : attributes.isDirectory() ? Stat.DIRECTORY : Stat.OTHER;
            } catch (IOException unreadable) {
                return Stat.MISSING;
            }
        };
    }
}
