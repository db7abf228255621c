package dev.jreg.internal.build;

import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.DockerfileException;
import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.layer.DirectoryScan;
import dev.jreg.internal.layer.Flattener;
import dev.jreg.internal.layer.LayerEntry;
import dev.jreg.internal.layer.LayerLimits;
import dev.jreg.internal.layer.TarArchives;
import dev.jreg.internal.layer.Trees;
import dev.jreg.model.Digest;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One {@code COPY} or {@code ADD}: what it reads, and the layer of what it writes, as the
 * Dockerfile reference ("COPY", "ADD") describes them and BuildKit's copy does them.
 *
 * <ul>
 * <li>Sources are relative to the context's root (or, with {@code --from}, to the stage's or
 *     image's root), {@code ..} stopping there; wildcards match element by element with Go's
 *     {@code filepath.Match} rules, and a wildcard may match nothing; a source without one must
 *     exist. Symbolic links a source path goes through, its last element's included, are
 *     followed, within its root; links inside a directory copied are copied as links.
 * <li>A directory's contents are copied, not the directory itself; a file goes to the
 *     destination itself, or into it under its own name when the destination ends with {@code /},
 *     is a directory in the stage, or takes several sources (which needs the {@code /}).
 * <li>A relative destination is under the working directory; the directories missing on its way
 *     are made (mode 0755, the {@code --chown} owner); one made for a copied directory takes that
 *     directory's mode and time. {@code --link} copies as onto an empty filesystem: nothing in the
 *     stage is looked at.
 * <li>Owners are 0:0, or {@code --chown}'s; {@code --chmod} (octal) sets the permission bits of
 *     every file and directory copied; {@code --exclude} leaves out what its patterns match, below
 *     each source; {@code --parents} keeps each source's path (from the {@code /./} in it, if any)
 *     under the destination.
 * <li>{@code ADD} extracts a local tar archive (plain, gzip, bzip2, xz, zstd: {@link TarArchives})
 *     into the destination unless {@code --unpack=false}, owners as the archive has them unless
 *     {@code --chown}; it downloads an {@code http(s)} URL into a file of mode 0600 named after
 *     the URL's last path element (dated by its {@code Last-Modified}), checked against
 *     {@code --checksum} when given, and extracted only with {@code --unpack=true}.
 * <li>A here-document is a file of mode 0644 named after its delimiter.
 * </ul>
 * Files jreg makes itself — directories on the way, here-documents, downloads without a date —
 * are dated the build's timestamp, or the epoch without one, so that the layer depends on the
 * inputs alone.
 */
final class FileCopy implements Closeable {
    private static final int MAX_CHMOD = 07777;
    private static final int DIRECTORY_MODE = 0755;
    private static final int DOCUMENT_MODE = 0644;
    private static final int DOWNLOAD_MODE = 0600;
    private static final String UNNAMED = "__unnamed__";

    /** Where a copy's sources are. */
    sealed interface Origin {
        /** How messages name it: {@code the build context}, {@code stage builder}. */
        String describe();
    }

    /** The build context. */
    record Context(ContextFiles files) implements Origin {
        @Override
        public String describe() {
            return "the build context";
        }
    }

    /**
     * A stage's or image's filesystem, flattened when the step first needs it.
     *
     * @param name how messages name it
     * @param layers its layers, base first
     * @param key what determines its filesystem: a stage's state key, an image's manifest digest
     */
    record Image(String name, List<Flattener.Source> layers, Digest key) implements Origin {
        @Override
        public String describe() {
            return name;
        }
    }

    /**
     * The instruction, its words substituted.
     *
     * @param add whether it is {@code ADD}
     * @param sources the source paths and URLs
     * @param documents the here-documents among the sources
     * @param destination the destination as written
     * @param chown {@code --chown}, or null
     * @param chmod {@code --chmod}, or null
     * @param checksum {@code --checksum}, or null
     * @param unpack {@code --unpack}, or null when not given
     */
    record Spec(boolean add, List<String> sources, List<Instruction.Heredoc> documents, String destination, String chown,
            String chmod, boolean link, boolean parents, List<String> excludes, String checksum, Boolean unpack) {
        static Spec of(Instruction.Copy c) {
            return new Spec(false, c.sources(), c.documents(), c.destination(), c.chown(), c.chmod(), c.link(),
                    c.parents(), c.excludes(), null, null);
        }

        static Spec of(Instruction.Add a) {
            return new Spec(true, a.sources(), a.documents(), a.destination(), a.chown(), a.chmod(), a.link(), false,
                    a.excludes(), a.checksum(), a.unpack());
        }

        String keyword() {
            return add ? "ADD" : "COPY";
        }
    }

    /** A source as found: its path as given (cleaned), its real path, and where it goes under the destination. */
    private record Item(String given, String real, String under) {
    }

    private final Spec spec;
    private final Origin origin;
    private final BuildSources downloads;
    private final String file;
    private final int line;
    /** The destination, absolute without its leading {@code /}, and whether it names a directory. */
    private final String destination;
    private final boolean destinationIsDirectory;
    private final Integer chmod;
    private final IgnoreRules excludes;
    private final Instant made;
    /** The downloads of this step, by URL, once fetched. */
    private final Map<String, Fetched> fetched = new LinkedHashMap<>();
    private Path downloadDirectory;
    /** The origin's files, once read: a context's walk, or a flattened image. */
    private FileTree tree;
    private Flattener flattened;

    private record Fetched(Path file, Digest digest, Instant modified, String name) {
    }

    /**
     * @param downloads what fetches a URL's file
     * @param workingDir the stage's working directory, which a relative destination is under
     * @param made the time of what jreg makes itself
     * @throws DockerfileException for what Docker refuses before reading anything: a bad
     *     {@code --chmod}, {@code --checksum} where it does not apply, a URL for {@code COPY},
     *     several sources without a directory destination, a Git source
     */
    FileCopy(Spec spec, Origin origin, BuildSources downloads, String workingDir, Instant made, String file, int line) {
        this.spec = spec;
        this.origin = origin;
        this.downloads = downloads;
        this.file = file;
        this.line = line;
        this.made = made;
        String joined = spec.destination().startsWith("/") ? spec.destination()
                : (workingDir == null || workingDir.isEmpty() ? "/" : workingDir) + "/" + spec.destination();
        boolean trailing = joined.endsWith("/") || spec.destination().equals(".") || spec.destination().isEmpty();
        this.destination = fromRoot(joined);
        int count = spec.sources().size() + spec.documents().size();
        if (count > 1 && !trailing) {
            throw error("when using " + spec.keyword() + " with more than one source file, the destination must be a"
                    + " directory and end with a /");
        }
        this.destinationIsDirectory = trailing || count > 1;
        this.chmod = spec.chmod() == null ? null : chmod(spec.chmod());
        this.excludes = spec.excludes().isEmpty() ? null
                : IgnoreRules.parse(file, String.join("\n", spec.excludes()));
        checkSources();
    }

    private void checkSources() {
        for (String source : spec.sources()) {
            if (isGit(source)) {
                throw error("ADD of a Git repository (" + source + ") is not supported; clone it into the build"
                        + " context and COPY it");
            }
            if (isUrl(source) && !spec.add()) {
                throw error("source can't be a URL for COPY");
            }
        }
        if (spec.checksum() != null) {
            if (spec.sources().size() != 1 || !spec.documents().isEmpty()) {
                throw error("checksum can't be specified for multiple sources");
            }
            if (!isUrl(spec.sources().get(0))) {
                throw error("checksum requires HTTP(S) or Git sources");
            }
            if (!spec.checksum().startsWith("sha256:")) {
                throw error("--checksum takes sha256:HEX for a URL, not \"" + spec.checksum() + "\"");
            }
            try {
                Digest.parse(spec.checksum());
            } catch (IllegalArgumentException e) {
                throw error("--checksum " + spec.checksum() + ": " + e.getMessage());
            }
        }
    }

    /** {@code --chmod}'s bits: octal, 07777 at most. */
    private int chmod(String text) {
        if (!text.matches("[0-7]{1,5}") || Integer.parseInt(text, 8) > MAX_CHMOD) {
            throw error("invalid chmod parameter: '" + text + "'. it should be octal string and between 0 and 07777");
        }
        return Integer.parseInt(text, 8);
    }

    private static boolean isUrl(String source) {
        return source.startsWith("http://") || source.startsWith("https://");
    }

    /** A Git repository's address, as BuildKit tells one from a URL of a file. */
    private static boolean isGit(String source) {
        String path = source.contains("#") ? source.substring(0, source.indexOf('#')) : source;
        return source.startsWith("git@") || source.startsWith("git://") || source.startsWith("ssh://")
                || isUrl(source) && path.endsWith(".git");
    }

    /**
     * What this step reads, as one text for its cache key: each source's files (paths, types,
     * modes, owners, link targets, sizes and SHA-256 digests, not times), each URL's content, or
     * the origin image's key; a here-document's text is in the instruction already.
     *
     * @throws DockerfileException for a source that is not there
     * @throws DigestMismatchException for a download that does not match {@code --checksum}
     */
    String contentKey() throws IOException {
        StringBuilder key = new StringBuilder();
        for (String source : spec.sources()) {
            if (isUrl(source)) {
                if (spec.checksum() != null && !Boolean.TRUE.equals(spec.unpack())) {
                    key.append("url ").append(source).append(' ').append(spec.checksum()).append('\n');
                } else {
                    Fetched download = download(source);
                    key.append("url ").append(source).append(' ').append(download.digest()).append(' ')
                            .append(download.modified()).append('\n');
                }
            } else if (origin instanceof Image image) {
                key.append("from ").append(image.key()).append('\n');
            }
        }
        if (origin instanceof Context context) {
            for (Item item : items()) {
                key.append("source ").append(item.given()).append(" -> ").append(item.under()).append('\n');
                FileTree files = context.files().tree();
                describe(key, item.real().isEmpty() ? context.files().root().entry() : files.at(item.real()), "",
                        context);
                if (files.isDirectory(item.real())) {
                    for (Map.Entry<String, LayerEntry> e : files.under(item.real()).entrySet()) {
                        describe(key, e.getValue(), relative(item.real(), e.getKey()), context);
                    }
                }
            }
        }
        return key.toString();
    }

    private void describe(StringBuilder key, LayerEntry e, String path, Context context) throws IOException {
        if (e == null || excluded(path)) {
            return;
        }
        key.append(path).append(' ').append(e.type()).append(' ').append(Integer.toOctalString(e.mode())).append(' ')
                .append(e.uid()).append(':').append(e.gid()).append(' ').append(e.linkName()).append(' ')
                .append(e.size()).append(' ').append(e.xattrs());
        if (e.type() == LayerEntry.Type.FILE) {
            key.append(' ').append(context.files().digest(e.path()));
        }
        key.append('\n');
    }

    /**
     * The layer's entries.
     *
     * @param stage the stage's files, which decide where the destination leads and which
     *     directories to make; ignored with {@code --link}
     * @param owner the {@code --chown} owner, or null
     * @throws DockerfileException for a source that is not there
     */
    LayerParts parts(FileTree stage, Owner owner) throws IOException {
        FileTree target = spec.link() ? new FileTree(new TreeMap<>()) : stage;
        Placing placing = new Placing(target, owner);
        if (!spec.sources().stream().allMatch(FileCopy::isUrl)) {
            for (Item item : items()) {
                placing.item(item);
            }
            if (flattened != null) {
                placing.flattened();
            }
        }
        for (String source : spec.sources()) {
            if (isUrl(source)) {
                placing.download(download(source));
            }
        }
        for (Instruction.Heredoc document : spec.documents()) {
            placing.document(document);
        }
        placing.parents();
        return placing.parts;
    }

    /** The sources found in the origin, in order. */
    private List<Item> items() throws IOException {
        FileTree files = originTree();
        List<Item> items = new ArrayList<>();
        for (String source : spec.sources()) {
            if (isUrl(source)) {
                continue;
            }
            String pivot = null;
            String pattern = source;
            if (spec.parents()) {
                int cut = source.indexOf("/./");
                pivot = cut < 0 ? "" : fromRoot(source.substring(0, cut));
                pattern = cut < 0 ? source : source.substring(0, cut) + "/" + source.substring(cut + 3);
            }
            String cleaned = fromRoot(pattern);
            List<String> matches;
            if (FileTree.hasWildcards(cleaned)) {
                try {
                    matches = files.glob(cleaned);
                } catch (IllegalArgumentException e) {
                    throw error(e.getMessage());
                }
            } else {
                if (!files.exists(files.resolve(cleaned, true))) {
                    throw error("\"/" + cleaned + "\": not found in " + origin.describe());
                }
                matches = List.of(cleaned);
            }
            for (String match : matches) {
                if (matches.size() > 1 || !match.equals(cleaned)) {
                    // A wildcard's matches are left out by name, as --exclude's examples show.
                    if (excluded(match.substring(match.lastIndexOf('/') + 1))) {
                        continue;
                    }
                }
                String under = pivot == null ? null : relative(pivot, match);
                items.add(new Item(match, files.resolve(match, true), under));
            }
        }
        return items;
    }

    /** The origin's files: the context's walk, or the image's layers flattened. */
    private FileTree originTree() throws IOException {
        if (tree != null) {
            return tree;
        }
        if (origin == null) {
            throw error(spec.keyword() + " needs a build context for " + spec.sources().get(0)
                    + ", and the Dockerfile came without one");
        }
        if (origin instanceof Context context) {
            tree = context.files().tree();
        } else {
            flattened = Flattener.read(((Image) origin).layers(), LayerLimits.DEFAULT);
            TreeMap<String, LayerEntry> entries = new TreeMap<>();
            flattened.entries().stream().filter(e -> !e.path().isEmpty()).forEach(e -> entries.put(e.path(), e));
            tree = new FileTree(entries);
        }
        return tree;
    }

    /**
     * A path from the root, as Go's {@code path.Clean("/" + path)} leaves it, without its leading
     * {@code /}: {@code ..} stops at the root, as the Dockerfile reference says a source's does.
     */
    static String fromRoot(String path) {
        return IgnoreRules.clean("/" + path).substring(1);
    }

    /** {@code path} relative to {@code directory}, which holds it or is it ({@code ""}). */
    private static String relative(String directory, String path) {
        return directory.isEmpty() ? path : path.equals(directory) ? "" : path.substring(directory.length() + 1);
    }

    private static String join(String directory, String name) {
        return directory.isEmpty() ? name : name.isEmpty() ? directory : directory + "/" + name;
    }

    private boolean excluded(String relative) {
        return excludes != null && !relative.isEmpty() && excludes.excluded(relative);
    }

    /** Downloads a URL once, into a temp file, checked against {@code --checksum}. */
    private Fetched download(String url) throws IOException {
        Fetched done = fetched.get(url);
        if (done != null) {
            return done;
        }
        if (downloadDirectory == null) {
            downloadDirectory = Files.createTempDirectory("jreg-add-");
        }
        Path target = downloadDirectory.resolve(String.valueOf(fetched.size()));
        BuildSources.Download download = downloads.download(url);
        try (InputStream body = download.body()) {
            Files.copy(body, target);
        }
        Digest digest = StepCache.hash(target);
        if (spec.checksum() != null && !digest.equals(Digest.parse(spec.checksum()))) {
            throw new DigestMismatchException(file + ":" + line + ": " + url + " has digest " + digest
                    + ", not the --checksum " + spec.checksum());
        }
        Fetched result = new Fetched(target, digest, lastModified(download.lastModified()), urlName(url));
        fetched.put(url, result);
        return result;
    }

    /** An HTTP date ({@code Last-Modified}), or the time of what jreg makes when there is none or it does not read. */
    private Instant lastModified(String header) {
        if (header == null) {
            return made;
        }
        try {
            return ZonedDateTime.parse(header, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException unreadable) {
            return made;
        }
    }

    /** The URL's path's last element, as BuildKit names a download; {@value #UNNAMED} for none. */
    private static String urlName(String url) {
        try {
            String path = new URI(url).getPath();
            String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
            return name.isEmpty() || name.equals(".") ? UNNAMED : name;
        } catch (URISyntaxException e) {
            return UNNAMED;
        }
    }

    private DockerfileException error(String reason) {
        return new DockerfileException(file, line, reason);
    }

    /** Deletes what the step downloaded. */
    @Override
    public void close() throws IOException {
        if (downloadDirectory != null) {
            Trees.delete(downloadDirectory, false);
        }
    }

    /** The entries placed so far, and the rules of where they go. */
    private final class Placing {
        final LayerParts parts = new LayerParts();
        final FileTree stage;
        final Owner owner;
        /** For a flattened image: each of its paths placed, and where. */
        final Map<String, String> fromImage = new LinkedHashMap<>();
        /** Directories this step makes, with their entries, placed after the items. */
        final Map<String, LayerEntry> directories = new LinkedHashMap<>();

        Placing(FileTree stage, Owner owner) {
            this.stage = stage;
            this.owner = owner;
        }

        /** Where a file goes: into the destination under its name, or at the destination. */
        String fileTarget(String name) {
            boolean intoDirectory = destinationIsDirectory || stage.isDirectory(stage.resolve(destination, true));
            return intoDirectory ? join(destination, name) : destination;
        }

        void item(Item item) throws IOException {
            FileTree files = originTree();
            boolean directory = files.isDirectory(item.real());
            String name = item.given().substring(item.given().lastIndexOf('/') + 1);
            if (item.under() != null) {
                String target = join(destination, item.under());
                placeParentsFromOrigin(item);
                place(files, item.real(), target, true);
                if (directory) {
                    placeTree(files, item.real(), target);
                }
            } else if (directory) {
                place(files, item.real(), destination, false);
                placeTree(files, item.real(), destination);
            } else if (spec.add() && origin instanceof Context context && !Boolean.FALSE.equals(spec.unpack())
                    && TarArchives.isArchive(context.files().found(item.real()).file())) {
                Path archive = context.files().found(item.real()).file();
                extract(item.given(), () -> TarArchives.open(archive));
            } else {
                place(files, item.real(), fileTarget(name), true);
            }
        }

        /** With {@code --parents}: the directories between the pivot and the source, as the origin has them. */
        void placeParentsFromOrigin(Item item) throws IOException {
            String under = item.under();
            String pivotPath = item.given().substring(0, item.given().length() - under.length());
            for (int slash = under.indexOf('/'); slash > 0; slash = under.indexOf('/', slash + 1)) {
                String relativeDirectory = under.substring(0, slash);
                String originPath = fromRoot(pivotPath + relativeDirectory);
                place(originTree(), originTree().resolve(originPath, true), join(destination, relativeDirectory), true);
            }
        }

        /**
         * Places one path of the origin at a target: always when {@code always}, else (a copied
         * directory's own entry) only when the stage has no directory there.
         */
        void place(FileTree files, String real, String target, boolean always) throws IOException {
            if (!always && stage.isDirectory(stage.resolve(target, true))) {
                return;
            }
            LayerEntry source = real.isEmpty() ? null : files.at(real);
            if (source == null) {
                LayerEntry root = rootOf(files);
                placeEntry(new LayerEntry(target, LayerEntry.Type.DIRECTORY, root.mode(), 0, 0, root.mtime(), 0, "",
                        Map.of(), 0, 0), null);
                return;
            }
            if (origin instanceof Context context) {
                placeEntry(restyled(source, target, false), context.files().found(real).file());
            } else {
                fromImage.put(real, target);
            }
        }

        /** What a copied directory holds, below the target. */
        void placeTree(FileTree files, String real, String target) throws IOException {
            for (Map.Entry<String, LayerEntry> e : files.under(real).entrySet()) {
                String relative = relative(real, e.getKey());
                if (excluded(relative)) {
                    continue;
                }
                String path = join(target, relative);
                if (origin instanceof Context context) {
                    placeEntry(restyled(e.getValue(), path, false), context.files().found(e.getKey()).file());
                } else {
                    fromImage.put(e.getKey(), path);
                }
            }
        }

        /** The root directory's own entry: the context directory's, or the image's, or 0755. */
        LayerEntry rootOf(FileTree files) throws IOException {
            if (origin instanceof Context context) {
                return context.files().root().entry();
            }
            return flattened.entries().stream().filter(e -> e.path().isEmpty()).findFirst()
                    .orElse(new LayerEntry("", LayerEntry.Type.DIRECTORY, DIRECTORY_MODE, 0, 0, made, 0, "", Map.of(),
                            0, 0));
        }

        /** The entries placed from a flattened image, with their bytes. */
        void flattened() throws IOException {
            parts.put(flattened.select(e -> {
                String target = fromImage.get(e.path());
                return target == null ? null : restyled(e, target, true);
            }));
        }

        /** An entry at a new path, with {@code --chown}'s owner (or 0:0, or the image's) and {@code --chmod}'s bits. */
        LayerEntry restyled(LayerEntry e, String path, boolean keepOwner) {
            long uid = owner != null ? owner.uid() : keepOwner ? e.uid() : 0;
            long gid = owner != null ? owner.gid() : keepOwner ? e.gid() : 0;
            int mode = chmod != null && e.type() != LayerEntry.Type.SYMLINK ? chmod : e.mode();
            return new LayerEntry(path, e.type(), mode, uid, gid, e.mtime(), e.size(), e.linkName(), e.xattrs(),
                    e.devMajor(), e.devMinor());
        }

        void placeEntry(LayerEntry entry, Path content) {
            if (entry.type() == LayerEntry.Type.FILE && entry.size() > 0) {
                parts.put(entry, content);
            } else {
                parts.put(entry);
            }
        }

        /** An archive's entries, under the destination, which is a directory. */
        void extract(String name, Flattener.Blob archive) throws IOException {
            try {
                Flattener flat = Flattener.read(List.of(new Flattener.Source(name, archive)), LayerLimits.DEFAULT);
                parts.put(flat.select(e -> restyled(e, join(destination, e.path()), true)));
            } catch (InvalidContentException refused) {
                // The archive's own words name it; the instruction's line tells which ADD read it.
                throw new InvalidContentException(file + ":" + line + ": " + refused.getMessage(), refused);
            }
            if (!stage.isDirectory(stage.resolve(destination, true))) {
                madeDirectory(destination);
            }
        }

        void download(Fetched download) throws IOException {
            if (Boolean.TRUE.equals(spec.unpack()) && TarArchives.isArchive(download.file())) {
                extract(download.name(), () -> TarArchives.open(download.file()));
                return;
            }
            LayerEntry entry = new LayerEntry(fileTarget(download.name()), LayerEntry.Type.FILE, DOWNLOAD_MODE, 0, 0,
                    download.modified(), Files.size(download.file()), "", Map.of(), 0, 0);
            placeEntry(restyled(entry, entry.path(), false), download.file());
        }

        void document(Instruction.Heredoc document) {
            byte[] bytes = document.text().getBytes(StandardCharsets.UTF_8);
            LayerEntry entry = new LayerEntry(fileTarget(document.name()), LayerEntry.Type.FILE, DOCUMENT_MODE, 0, 0,
                    made, bytes.length, "", Map.of(), 0, 0);
            LayerEntry placed = restyled(entry, entry.path(), false);
            if (bytes.length > 0) {
                parts.put(placed, bytes);
            } else {
                parts.put(placed);
            }
        }

        /**
         * The directories missing on the way to what was placed: made, mode 0755, the
         * {@code --chown} owner; none where the stage has a directory, or a symbolic link leads
         * elsewhere (the layer's path then goes through it).
         */
        void parents() {
            for (String path : parts.paths()) {
                int slash = path.lastIndexOf('/');
                if (slash > 0 && !directories.containsKey(path.substring(0, slash))) {
                    stage.missing(path.substring(0, slash)).stream().filter(parent -> !parts.has(parent))
                            .forEach(this::madeDirectory);
                }
            }
            directories.values().forEach(parts::put);
        }

        void madeDirectory(String path) {
            directories.put(path, new LayerEntry(path, LayerEntry.Type.DIRECTORY, DIRECTORY_MODE, owner == null ? 0 : owner.uid(),
                    owner == null ? 0 : owner.gid(), made, 0, "", Map.of(), 0, 0));
        }
    }
}
