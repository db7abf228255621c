package dev.jreg.internal.layer;

import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.fs.LinkResolver;
import dev.jreg.internal.fs.LinkResolver.Kind;
import dev.jreg.internal.fs.LinkResolver.Stat;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.FileSystemLoopException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The OCI image spec's "Applying Changesets", whatever the layers are applied to: which entries
 * are refused, how a whiteout and an opaque whiteout hide what lower layers left, how a path is
 * resolved through the symbolic links the layers made, and what a hard link may point at. Its
 * subclasses keep the filesystem: {@link LayerApplier} on disk, {@link Flattener} in memory, so
 * that both refuse the same entries with the same messages and give the same tree.
 *
 * <p>A path's parent is resolved by {@link LinkResolver}: a symbolic link met on the way is
 * followed as if the filesystem's root were the root (an absolute target starts again there,
 * {@code ..} stops there), at most {@value LinkResolver#MAX_LINKS} links per path, as containerd's
 * and umoci's secure joins resolve it; the last component is never followed. Directories missing on the way are made
 * (implicit directories). A whiteout {@code .wh.NAME} removes {@code NAME} (a whole tree) as lower
 * layers left it, and an opaque whiteout {@code .wh..wh..opq} empties its directory of what lower
 * layers put there; neither hides what its own layer writes, before or after it. Other
 * {@code .wh..wh.} names (aufs's metadata) are skipped with what is under them, as docker skips
 * them.
 */
abstract class ChangesetRules {
    private static final String AUFS_METADATA = LayerEntry.WHITEOUT_PREFIX + LayerEntry.WHITEOUT_PREFIX;

    private final LayerLimits limits;
    /** Paths the layer being applied wrote, and their parents: what its whiteouts do not hide. */
    private final Set<String> layerPaths = new HashSet<>();
    private String layer;
    private int position;
    private long entryCount;

    ChangesetRules(LayerLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** What is at a resolved path (relative to the root, {@code /}-separated), links not followed. */
    abstract Stat at(String path) throws IOException;

    /** The paths directly in a resolved directory, in any order. */
    abstract Collection<String> children(String dir) throws IOException;

    /** Removes what is at a resolved path, a directory with its tree, a link itself; nothing when it holds nothing. */
    abstract void remove(String path) throws IOException;

    /** Makes a directory that an entry needs and that no entry describes. */
    abstract void makeDirectory(String path) throws IOException;

    /** The root's own entry ({@code ./}), a directory. */
    abstract void root(LayerEntry entry) throws IOException;

    /**
     * Puts an entry that is neither a whiteout nor the root at its resolved path (its parent
     * resolved and made).
     *
     * @param content opens the entry's content: the layer's reader, positioned at the entry, or
     *     the bytes a {@link LayerListing} kept
     */
    abstract void place(LayerEntry entry, String resolved, Supplier<InputStream> content) throws IOException;

    /**
     * Called with each entry before it is applied, with what opens its content; returns what
     * opens it for {@link #place}: {@code content} itself unless the hook read it.
     */
    Supplier<InputStream> entered(LayerEntry entry, Supplier<InputStream> content) throws IOException {
        return content;
    }

    /** What a failure to write an entry says; the entry's own failure by default. */
    IOException writeFailure(LayerEntry entry, IOException e) {
        return e;
    }

    /**
     * Applies one layer above those applied before, reading its blob to the tar's end.
     *
     * @param layer how errors name the layer: its digest ({@code sha256:…})
     * @param blob the layer's bytes, compressed or not ({@link LayerReader}); not closed here
     * @throws InvalidContentException when the layer cannot be read (damaged compression or tar)
     *     or holds an entry refused, or the layers hold more entries than the limits allow
     * @throws IOException from the blob's stream, as it was thrown, or what {@link #place} throws
     */
    final void applyLayer(String layer, InputStream blob) throws IOException {
        start(layer);
        try (LayerReader reader = open(layer, blob)) {
            for (LayerEntry entry = next(layer, reader); entry != null; entry = next(layer, reader)) {
                applyNext(entry, reader::content);
            }
        } catch (BlobStream.Failure e) {
            throw e.getCause();
        }
    }

    /**
     * Applies one layer above those applied before from its {@link LayerListing}, without its blob.
     *
     * @throws InvalidContentException as {@link #applyLayer} throws it for the same entries
     */
    final void applyListing(String layer, LayerListing listing) throws IOException {
        start(layer);
        for (LayerEntry entry : listing.entries()) {
            int at = position + 1;
            applyNext(entry, () -> listing.content(at));
        }
    }

    private void start(String layer) {
        this.layer = Objects.requireNonNull(layer, "layer");
        layerPaths.clear();
        position = -1;
    }

    private void applyNext(LayerEntry entry, Supplier<InputStream> content) throws IOException {
        position++;
        if (++entryCount > limits.maxEntries()) {
            throw limits.tooManyEntries(layer);
        }
        apply(entry, entered(entry, content));
    }

    /** The layer being applied, as errors name it. */
    /** The limits the layers are held to. */
    final LayerLimits limits() {
        return limits;
    }

    final String layer() {
        return layer;
    }

    /** The position of the entry being applied among its layer's entries, from 0, whatever they are. */
    final int position() {
        return position;
    }

    private void apply(LayerEntry entry, Supplier<InputStream> content) throws IOException {
        String path = entry.path();
        if (path.indexOf('\0') >= 0 || entry.linkName().indexOf('\0') >= 0) {
            throw refused(entry, entry.linkName().indexOf('\0') >= 0 ? "has a link target with a NUL character"
                    : "has a NUL character in its name");
        }
        if (climbs(path)) {
            throw refused(entry, "leaves the target directory");
        }
        if (aufsMetadata(path)) {
            return;
        }
        try {
            if (entry.name().startsWith(LayerEntry.WHITEOUT_PREFIX)) {
                whiteout(entry);
            } else if (path.isEmpty()) {
                if (entry.type() != LayerEntry.Type.DIRECTORY) {
                    throw refused(entry, "would replace the target directory itself");
                }
                root(entry);
            } else {
                String resolved = join(directory(parentOf(path), entry, true), entry.name());
                if (entry.type() == LayerEntry.Type.SYMLINK && entry.linkName().isEmpty()) {
                    throw refused(entry, "is a symbolic link with an empty target");
                }
                place(entry, resolved, content);
            }
        } catch (InvalidContentException | BlobStream.Failure | InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            throw writeFailure(entry, e);
        }
    }

    /**
     * {@code .wh.NAME} and {@code .wh..wh..opq}: their directory is resolved as any entry's, but
     * never made; a missing directory, or a path that is not one, has nothing to hide.
     */
    private void whiteout(LayerEntry entry) throws IOException {
        String name = entry.name();
        boolean opaque = name.equals(LayerEntry.OPAQUE_WHITEOUT);
        String hidden = name.substring(LayerEntry.WHITEOUT_PREFIX.length());
        if (!opaque && (hidden.isEmpty() || hidden.equals(".") || hidden.equals(".."))) {
            throw refused(entry, hidden.equals("..") ? "whites out the directory above it"
                    : hidden.isEmpty() ? "whites out no name" : "whites out its own directory");
        }
        String dir = directory(parentOf(entry.path()), entry, false);
        if (dir == null) {
            return;
        }
        if (!opaque) {
            hideLower(join(dir, hidden));
            return;
        }
        for (String child : List.copyOf(children(dir))) {
            hideLower(child);
        }
    }

    /** A path in aufs's {@code .wh..wh.*} metadata (its hard-link directory, {@code .wh..wh.plnk}), which docker skips. */
    static boolean aufsMetadata(String path) {
        for (String component : path.split("/")) {
            if (component.startsWith(AUFS_METADATA) && !component.equals(LayerEntry.OPAQUE_WHITEOUT)) {
                return true;
            }
        }
        return false;
    }

    /** Removes what lower layers left at {@code path}, keeping what the current layer wrote there. */
    private void hideLower(String path) throws IOException {
        if (!layerPaths.contains(path)) {
            remove(path);
            return;
        }
        if (at(path).kind() == Kind.DIRECTORY) {
            for (String child : List.copyOf(children(path))) {
                hideLower(child);
            }
        }
    }

    /**
     * Resolves a directory path in entry form through the symbolic links the layers made, read
     * with the root as root ({@link LinkResolver.Mode#DIRECTORY}), so that nothing resolves
     * outside it.
     *
     * @param create make the missing directories (and refuse a path through something else);
     *     else give null for them
     * @return the directory's path relative to the root, through real directories only
     */
    final String directory(String dir, LayerEntry entry, boolean create) throws IOException {
        LinkResolver.Resolved resolved;
        try {
            resolved = LinkResolver.resolve(dir, LinkResolver.Mode.DIRECTORY, this::at);
        } catch (FileSystemLoopException e) {
            throw refused(entry, "goes through more than " + LinkResolver.MAX_LINKS + " symbolic links");
        }
        if (!create && (resolved.notDirectory() != null || !resolved.missing().isEmpty())) {
            return null;
        }
        if (resolved.notDirectory() != null) {
            throw refused(entry, "is under \"" + Names.quote(resolved.notDirectory()) + "\", which is not a directory");
        }
        for (String missing : resolved.missing()) {
            makeDirectory(missing);
        }
        return resolved.path();
    }

    /**
     * The resolved path a hard link links to, which must be there and must not be a directory,
     * nor the link itself or what it replaces; a link to a symbolic link links the link itself.
     *
     * @param resolved where the link goes
     */
    final String linkTarget(LayerEntry entry, String resolved) throws IOException {
        String link = entry.linkName();
        if (climbs(link)) {
            throw refused(entry, "links to \"" + Names.quote(link) + "\", which leaves the target directory");
        }
        String linkParent = link.isEmpty() ? null : directory(parentOf(link), entry, false);
        String linked = linkParent == null ? null : join(linkParent, link.substring(link.lastIndexOf('/') + 1));
        Kind kind = linked == null ? Kind.MISSING : at(linked).kind();
        if (kind == Kind.MISSING) {
            throw refused(entry, "links to \"" + Names.quote(link) + "\", which no entry before it made");
        }
        if (kind == Kind.DIRECTORY) {
            throw refused(entry, "links to \"" + Names.quote(link) + "\", which is a directory");
        }
        if (linked.equals(resolved) || linked.startsWith(resolved + "/")) {
            throw refused(entry, "links to itself");
        }
        return linked;
    }

    /** Notes that the current layer wrote at a resolved path, and so at its parents. */
    final void wrote(String path) {
        // Each parent once: a parent already there has its own parents there too.
        String p = path;
        while (layerPaths.add(p) && p.indexOf('/') > 0) {
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }

    /** An entry refused, in one line naming the layer and the entry. */
    final InvalidContentException refused(LayerEntry entry, String why) {
        return new InvalidContentException("layer " + layer + ": entry \"" + Names.quote(entry.path()) + "\" " + why);
    }

    /** Opens a layer's blob; its own failures are told from those of reading the layer in it. */
    static LayerReader open(String layer, InputStream blob) throws IOException {
        try {
            return LayerReader.open(new BlobStream(blob));
        } catch (BlobStream.Failure e) {
            throw e;
        } catch (IOException e) {
            throw unreadable(layer, e);
        }
    }

    /** The next entry of a layer opened by {@link #open}. */
    static LayerEntry next(String layer, LayerReader reader) throws IOException {
        try {
            return reader.next();
        } catch (BlobStream.Failure e) {
            throw e;
        } catch (IOException e) {
            throw unreadable(layer, e);
        }
    }

    /** Reads an entry's content of a layer opened by {@link #open}. */
    static int read(String layer, InputStream content, byte[] buffer) throws IOException {
        try {
            return content.read(buffer);
        } catch (BlobStream.Failure e) {
            throw e;
        } catch (IOException e) {
            throw unreadable(layer, e);
        }
    }

    /** The blob's own failure, as it was thrown, when {@code e} is one; else {@code e}. */
    static IOException blobFailure(IOException e) {
        return e instanceof BlobStream.Failure failure ? failure.getCause() : e;
    }

    private static InvalidContentException unreadable(String layer, IOException e) {
        return new InvalidContentException("layer " + layer + " cannot be read: " + e.getMessage(), e);
    }

    /** True for a cleaned path that climbs above the root ({@link LayerReader#clean} keeps such {@code ..} in front). */
    static boolean climbs(String path) {
        return path.equals("..") || path.startsWith("../");
    }

    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    /** The paths strictly under {@code dir} in a sorted set of paths ({@code /} sorts just before {@code 0}). */
    static NavigableSet<String> under(NavigableSet<String> paths, String dir) {
        return dir.isEmpty() ? paths : paths.subSet(dir + "/", true, dir + "0", false);
    }

    /** Tells the blob's own failures (kept as thrown) from those of reading the layer inside it. */
    private static final class BlobStream extends FilterInputStream {
        BlobStream(InputStream blob) {
            super(blob);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw new Failure(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw new Failure(e);
            }
        }

        @Override
        public void close() {
            // the caller's stream: the caller closes it
        }

        static final class Failure extends IOException {
            private static final long serialVersionUID = 1L;

            Failure(IOException cause) {
                super(cause);
            }

            @Override
            public synchronized IOException getCause() {
                return (IOException) super.getCause();
            }
        }
    }
}
