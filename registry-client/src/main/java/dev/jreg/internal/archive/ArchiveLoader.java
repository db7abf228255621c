package dev.jreg.internal.archive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.error.DigestMismatchException;
import dev.jreg.error.InvalidArchiveException;
import dev.jreg.error.InvalidContentException;
import dev.jreg.error.InvalidReferenceException;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layer.Compression;
import dev.jreg.internal.layer.LayerEntry;
import dev.jreg.internal.layer.LayerReader;
import dev.jreg.internal.layer.TarArchives;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.internal.store.BlobSource;
import dev.jreg.internal.store.VerifiedCopy;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageConfig;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ImageManifest;
import dev.jreg.model.Manifest;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an archive as {@code docker load} does and stores what it holds: what {@code docker save}
 * writes from docker 25 on (an OCI image layout and {@code manifest.json}) and up to docker 24
 * ({@code manifest.json} naming {@code ID/layer.tar} files, uncompressed, and {@code HEX.json}
 * configs), what skopeo and podman write as {@code docker-archive:}, and OCI archives (a tar of
 * an OCI image layout); any of them gzip-, zstd-, xz- or bzip2-compressed, told from the first
 * bytes ({@link TarArchives}, as {@code ADD} tells them).
 *
 * <p>The archive is read once, as a stream, whatever order its files come in ({@code manifest.json}
 * and {@code index.json} come after the blobs in docker's and containerd's archives): each file is
 * stored as it passes, through the store's write path, and the images are named once all is read.
 * A file under {@code blobs/ALG/HEX} is verified against that digest as it is written (one the store
 * holds at its size is skipped, not written again); any other file — an old archive's layers and
 * configs — is stored under the digest its bytes hash to (counted as present when the store had
 * that blob), and checked once {@code manifest.json}
 * says what it is: a config against its file name, a layer against the config's diff ID. Nothing
 * is held in memory but {@code manifest.json}, {@code index.json} and configs.
 *
 * <p>With {@code index.json}, its entries are the images, named by containerd's
 * {@value ArchiveWriter#IMAGE_NAME}, else by a {@value Descriptor#REF_NAME} that is a whole name
 * ({@code nginx:1.24.0}, not a tag alone); an index whose archive holds only some of its images
 * (docker's containerd store saves the platforms it has) is named by this machine's platform among
 * those, as a pull of one platform names it. Without it, {@code manifest.json}'s items are: an
 * image manifest is made for each — Docker schema 2, or OCI when a layer is zstd-compressed — whose
 * layers are the archive's layer files as they are (an uncompressed one's digest is its diff ID)
 * and whose config keeps its bytes, so image IDs survive. The names are recorded in one change of
 * the store's index, only once everything they reach is stored; until then a failure leaves
 * nothing named, and the blobs written, which no name reaches, to garbage collection.
 */
public final class ArchiveLoader {
    private static final Pattern BLOB = Pattern.compile("blobs/([a-z0-9]+)/([a-f0-9]+)");
    /** An old archive's per-layer files that a load has no use for. */
    private static final Pattern LEGACY_METADATA = Pattern.compile("[^/]+/(json|VERSION)");
    /** An old archive's config, named by its digest's hex: {@code docker save} up to docker 24, skopeo. */
    private static final Pattern LEGACY_CONFIG = Pattern.compile("([a-f0-9]{64})\\.json");
    private static final MediaType FILE = MediaType.of("application/octet-stream");
    /** {@code manifest.json} and {@code index.json}, and configs: what containerd's import allows a JSON file. */
    private static final int MAX_JSON = 20 * 1024 * 1024;
    private static final int MAX_DEPTH = 4;
    private static final int MAX_LINKS = 40;
    private static final int BUFFER = 256 * 1024;

    /**
     * One image named, or stored without a name.
     *
     * @param name the name, or null
     * @param manifest what it points at
     */
    public record Loaded(Reference name, Descriptor manifest) {
    }

    /**
     * What a load stored.
     *
     * @param images the images, in the archive's order
     * @param stored files of the archive written into the store
     * @param present blobs of the archive the store held, not written again
     * @param bytes the size of the files written
     */
    public record Result(List<Loaded> images, int stored, int present, long bytes) {
    }

    private final OciLayout store;
    private final String source;
    /** Every file stored, by its path in the archive. */
    private final Map<String, Descriptor> files = new HashMap<>();
    /** Symbolic and hard links, by their path, to the path they name. */
    private final Map<String, String> links = new HashMap<>();
    private byte[] manifestJson;
    private byte[] indexJson;
    private int stored;
    private int present;
    private long bytes;

    /**
     * @param store where blobs and names go
     * @param source what messages call the archive ({@code stdin}, a file's path)
     */
    public ArchiveLoader(OciLayout store, String source) {
        this.store = store;
        this.source = source;
    }

    /**
     * Reads the archive to its end, stores its blobs and names its images.
     *
     * @throws InvalidArchiveException when it is no archive, is truncated, holds neither
     *     {@code manifest.json} nor {@code index.json}, or lacks a file its manifests name
     * @throws DigestMismatchException when a file does not match its digest or size, or a layer
     *     its config's diff ID
     * @throws InvalidContentException when a manifest, config or the archive's JSON is malformed
     * @throws IOException when the archive or the store cannot be read or written
     */
    public Result load(InputStream archive) throws IOException {
        try (Closeable writing = store.copying()) {
            try (LayerReader tar = open(archive)) {
                readEntries(tar);
            }
            List<OciLayout.Naming> names;
            if (indexJson != null) {
                names = fromIndex();
            } else if (manifestJson != null) {
                names = fromDockerManifest();
            } else {
                throw new InvalidArchiveException(source + " holds neither manifest.json nor index.json: it is no"
                        + " docker save or OCI archive");
            }
            store.setNames(names);
            return new Result(names.stream().map(n -> new Loaded(n.name() == null ? null : Reference.parse(n.name()),
                    n.target())).toList(), stored, present, bytes);
        }
    }

    /** The archive's tar, through xz or bzip2 when its first bytes say so, else as a layer is read. */
    private LayerReader open(InputStream archive) throws IOException {
        try {
            return LayerReader.open(TarArchives.open(archive));
        } catch (IOException e) {
            throw notAnArchive(e);
        }
    }

    /** Said whatever the reader's own message: what a tar library says of a file that is none is no help. */
    private InvalidArchiveException notAnArchive(IOException e) {
        return new InvalidArchiveException(source + " is not a tar archive, nor a gzip-, zstd-, xz- or"
                + " bzip2-compressed one", e);
    }

    private void readEntries(LayerReader tar) throws IOException {
        String last = null;
        while (true) {
            LayerEntry entry;
            try {
                entry = tar.next();
            } catch (IOException e) {
                throw last == null ? notAnArchive(e) : damaged(last, e);
            }
            if (entry == null) {
                break;
            }
            last = entry.path();
            switch (entry.type()) {
                case FILE -> file(entry.path(), entry.size(), new Guarded(tar.content(), entry.path()));
                case HARDLINK -> links.put(entry.path(), entry.linkName());
                case SYMLINK -> links.put(entry.path(), LayerReader.clean(entry.linkName().startsWith("/")
                        ? entry.linkName() : entry.path() + "/../" + entry.linkName()));
                default -> {
                    // Folders, and whatever else a tar may hold, say nothing of images.
                }
            }
        }
        if (last == null) {
            throw new InvalidArchiveException(source + " holds no tar entry: it is empty, or not a tar archive");
        }
    }

    private InvalidArchiveException damaged(String path, IOException e) {
        return new InvalidArchiveException(source + " is truncated or damaged at " + path + ": " + e.getMessage(), e);
    }

    private void file(String path, long size, InputStream content) throws IOException {
        switch (path) {
            case "manifest.json" -> manifestJson = json(path, size, content);
            case "index.json" -> indexJson = json(path, size, content);
            case "oci-layout", "repositories" -> {
                // The layout's version, and names for loaders older than manifest.json.
            }
            default -> {
                if (!LEGACY_METADATA.matcher(path).matches()) {
                    files.put(path, store(path, size, content));
                }
            }
        }
    }

    private byte[] json(String path, long size, InputStream content) throws IOException {
        if (size > MAX_JSON) {
            throw new InvalidArchiveException(source + ": " + path + " is " + size + " bytes, over the " + MAX_JSON
                    + "-byte limit");
        }
        return content.readNBytes((int) size);
    }

    /** Stores a file: verified against its name under {@code blobs/}, else under the digest it hashes to. */
    private Descriptor store(String path, long size, InputStream content) throws IOException {
        Digest named = digestOf(path);
        if (named == null) {
            // Docker 24's layer.tar files and HEX.json configs: a blob the store had is not stored again.
            boolean[] had = new boolean[1];
            Descriptor blob = store.putNew(FILE, out -> {
                content.transferTo(out);
                had[0] = store.blobSize(out.digest()).filter(stored -> stored == out.size()).isPresent();
            });
            count(!had[0], blob.size());
            return blob;
        }
        Descriptor blob = Descriptor.of(FILE, named, size);
        OnePass once = new OnePass(content);
        try {
            store.putBlob(blob, once);
        } catch (DigestMismatchException e) {
            throw new DigestMismatchException(source + ": " + path + " is damaged: " + e.getMessage());
        }
        count(once.opened, size);
        return blob;
    }

    private void count(boolean written, long size) {
        if (written) {
            stored++;
            bytes += size;
        } else {
            present++;
        }
    }

    /** The digest a path under {@code blobs/} names, or null for another path. */
    private static Digest digestOf(String path) {
        Matcher blob = BLOB.matcher(path);
        if (!blob.matches()) {
            return null;
        }
        try {
            return new Digest(blob.group(1), blob.group(2));
        } catch (IllegalArgumentException notADigest) {
            return null;
        }
    }

    /** The images of {@code index.json}, each name an entry's. */
    private List<OciLayout.Naming> fromIndex() throws IOException {
        ImageIndex index;
        try {
            index = ImageIndex.fromJson(parse("index.json", indexJson));
        } catch (IllegalArgumentException e) {
            throw new InvalidContentException(source + ": index.json is not an OCI index: " + e.getMessage(), e);
        }
        List<OciLayout.Naming> names = new ArrayList<>();
        for (Descriptor entry : index.manifests()) {
            Optional<Reference> name = nameOf(entry);
            names.add(new OciLayout.Naming(name.map(Reference::toString).orElse(null), stored(entry)));
        }
        return names;
    }

    /**
     * What an entry of {@code index.json} is stored as: itself, with the digest it was pulled by; or,
     * for an index the archive holds only some images of, the one for this machine's platform among
     * them, with the index's digest as the one it was pulled by.
     */
    private Descriptor stored(Descriptor entry) throws IOException {
        Optional<String> missing = missing(entry, "index.json", 0);
        if (missing.isEmpty()) {
            return withRepoDigest(entry, repoDigest(entry));
        }
        if (entry.mediaType().isIndex() && store.hasBlob(entry)
                && store.readManifest(entry).manifest() instanceof ImageIndex index) {
            List<Descriptor> whole = new ArrayList<>();
            for (Descriptor child : index.manifests()) {
                if (!child.isAttestation() && missing(child, "index " + entry.digest(), 1).isEmpty()) {
                    whole.add(child);
                }
            }
            Optional<Descriptor> chosen = Platform.host().choose(whole).or(() -> whole.stream().findFirst());
            if (chosen.isPresent()) {
                return withRepoDigest(chosen.get(), entry.digest().toString());
            }
        }
        throw new InvalidArchiveException(source + ": " + missing.get() + ", which neither the archive nor the local"
                + " store holds");
    }

    /** The digest an entry says its name was pulled by, when it is one. */
    private static String repoDigest(Descriptor entry) {
        String pulledBy = entry.annotations().get(OciLayout.REPO_DIGEST);
        try {
            return pulledBy == null ? null : Digest.parse(pulledBy).toString();
        } catch (IllegalArgumentException notADigest) {
            return null;
        }
    }

    private static Descriptor withRepoDigest(Descriptor manifest, String repoDigest) {
        Descriptor plain = Descriptor.of(manifest.mediaType(), manifest.digest(), manifest.size());
        return repoDigest == null ? plain : plain.withAnnotations(Map.of(OciLayout.REPO_DIGEST, repoDigest));
    }

    /**
     * What the store lacks of a descriptor's content, as {@code NAMER names blob D}; empty when it
     * has it all. Non-distributable layers may be missing, as docker saves without them.
     *
     * @throws DigestMismatchException when a blob is stored at another size than the descriptor's
     */
    private Optional<String> missing(Descriptor blob, String namer, int depth) throws IOException {
        String kind = blob.mediaType().isIndex() || blob.mediaType().isImageManifest() ? "manifest " : "blob ";
        Optional<Long> size = store.blobSize(blob.digest());
        if (size.isEmpty()) {
            String type = blob.mediaType().value();
            return type.contains("foreign") || type.contains("nondistributable") ? Optional.empty()
                    : Optional.of(namer + " names " + kind + blob.digest());
        }
        if (size.get() != blob.size()) {
            throw VerifiedCopy.wrongSize(blob.digest(), source, blob.size(), String.valueOf(size.get()));
        }
        if (kind.equals("blob ")) {
            return Optional.empty();
        }
        if (depth > MAX_DEPTH) {
            throw new InvalidContentException(source + ": manifest " + blob.digest() + " is nested more than "
                    + MAX_DEPTH + " indexes deep");
        }
        Manifest manifest = store.readManifest(blob).manifest();
        List<Descriptor> children = manifest instanceof ImageIndex index ? index.manifests()
                : ((ImageManifest) manifest).blobs();
        for (Descriptor child : children) {
            Optional<String> lacking = missing(child, "manifest " + blob.digest(), depth + 1);
            if (lacking.isPresent()) {
                return lacking;
            }
        }
        return Optional.empty();
    }

    /**
     * The name an entry of {@code index.json} gives: containerd's full name, else a
     * {@value Descriptor#REF_NAME} that is a whole name; none for a tag alone, which names no image.
     */
    private Optional<Reference> nameOf(Descriptor entry) throws InvalidArchiveException {
        String full = entry.annotations().get(ArchiveWriter.IMAGE_NAME);
        String ref = entry.annotations().get(Descriptor.REF_NAME);
        String name = full != null ? full : ref != null && ref.matches(".*[:/@].*") ? ref : null;
        return name == null ? Optional.empty() : Optional.of(reference("index.json", name));
    }

    private Reference reference(String file, String name) throws InvalidArchiveException {
        try {
            return Reference.parse(name);
        } catch (InvalidReferenceException e) {
            throw new InvalidArchiveException(source + ": " + file + " names an image \"" + name + "\": "
                    + e.getMessage(), e);
        }
    }

    /** The images of {@code manifest.json}: a manifest made for each item, named by its {@code RepoTags}. */
    private List<OciLayout.Naming> fromDockerManifest() throws IOException {
        JsonNode items = parse("manifest.json", manifestJson);
        if (!items.isArray()) {
            throw new InvalidContentException(source + ": manifest.json is not a list of images");
        }
        List<OciLayout.Naming> names = new ArrayList<>();
        for (JsonNode item : items) {
            ManifestBlob manifest = manifestOf(item);
            store.putBytes(manifest.digest(), manifest.bytes());
            JsonNode tags = item.path("RepoTags");
            if (tags.isEmpty()) {
                names.add(new OciLayout.Naming(null, manifest.descriptor()));
            }
            for (JsonNode tag : tags) {
                names.add(new OciLayout.Naming(reference("manifest.json", tag.asText()).toString(),
                        manifest.descriptor()));
            }
        }
        return names;
    }

    /** The manifest of an item of {@code manifest.json}, its config and layers checked. */
    private ManifestBlob manifestOf(JsonNode item) throws IOException {
        String configPath = item.path("Config").asText("");
        Descriptor config = resolve(configPath);
        Matcher legacy = LEGACY_CONFIG.matcher(configPath.substring(configPath.lastIndexOf('/') + 1));
        if (legacy.matches() && !legacy.group(1).equals(config.digest().hex())) {
            throw new DigestMismatchException(source + ": config " + configPath + " hashes to " + config.digest()
                    + ", not to its name");
        }
        List<String> diffIds;
        try {
            ImageConfig parsed = ImageConfig.fromJson(parse("config " + configPath, store.readBlob(config.digest(),
                    MAX_JSON)));
            diffIds = parsed.rootfs() == null ? List.of() : parsed.rootfs().diffIds();
        } catch (IllegalArgumentException e) {
            throw new InvalidContentException(source + ": config " + configPath + " is not an image config: "
                    + e.getMessage(), e);
        }
        JsonNode layerPaths = item.path("Layers");
        if (layerPaths.size() != diffIds.size()) {
            throw new InvalidContentException(source + ": manifest.json lists " + layerPaths.size() + " layers for "
                    + configPath + ", whose config has " + diffIds.size());
        }
        List<Descriptor> layers = new ArrayList<>();
        List<Compression> compressions = new ArrayList<>();
        for (int i = 0; i < diffIds.size(); i++) {
            String path = layerPaths.get(i).asText("");
            Descriptor layer = resolve(path);
            Compression compression;
            try (LayerReader reader = LayerReader.open(Files.newInputStream(store.blobPath(layer.digest())))) {
                compression = reader.compression();
            }
            Digest diffId = compression == Compression.NONE ? layer.digest() : diffIdOf(layer);
            if (!diffId.toString().equals(diffIds.get(i))) {
                throw new DigestMismatchException(source + ": layer " + path + " is not the config's layer "
                        + diffIds.get(i) + ": its tar hashes to " + diffId);
            }
            layers.add(layer);
            compressions.add(compression);
        }
        // Docker's format, as docker and containerd load these archives; OCI's for zstd, which it cannot hold.
        boolean oci = compressions.contains(Compression.ZSTD);
        List<Descriptor> typed = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Compression compression = compressions.get(i);
            MediaType type = oci ? compression.ociMediaType()
                    : compression == Compression.NONE ? MediaType.DOCKER_LAYER : MediaType.DOCKER_LAYER_GZIP;
            typed.add(Descriptor.of(type, layers.get(i).digest(), layers.get(i).size()));
        }
        return ManifestBlob.create(new ImageManifest(2, oci ? MediaType.OCI_MANIFEST : MediaType.DOCKER_MANIFEST, null,
                Descriptor.of(oci ? MediaType.OCI_CONFIG : MediaType.DOCKER_CONFIG, config.digest(), config.size()),
                typed, null, null));
    }

    /** The stored file a path of {@code manifest.json} names, through links; a blob the store has may be missing. */
    private Descriptor resolve(String path) throws IOException {
        String resolved = LayerReader.clean(path);
        for (int hops = 0; links.containsKey(resolved) && hops < MAX_LINKS; hops++) {
            resolved = links.get(resolved);
        }
        Descriptor file = files.get(resolved);
        if (file != null) {
            return file;
        }
        Digest named = digestOf(resolved);
        Optional<Long> size = named == null ? Optional.empty() : store.blobSize(named);
        if (size.isPresent()) {
            return Descriptor.of(FILE, named, size.get());
        }
        throw new InvalidArchiveException(source + ": manifest.json names " + (path.isEmpty() ? "no file" : path)
                + ", which the archive does not hold");
    }

    /** The digest of a compressed layer's tar, read back from the store. */
    private Digest diffIdOf(Descriptor layer) throws IOException {
        MessageDigest hasher = layer.digest().newHasher();
        byte[] buffer = new byte[BUFFER];
        try (InputStream tar = LayerReader.uncompressed(Files.newInputStream(store.blobPath(layer.digest())))) {
            for (int n; (n = tar.read(buffer)) >= 0;) {
                hasher.update(buffer, 0, n);
            }
        }
        return layer.digest().withHash(hasher.digest());
    }

    private JsonNode parse(String file, byte[] json) throws InvalidContentException {
        try {
            return Json.parse(json);
        } catch (IOException e) {
            throw new InvalidContentException(source + ": " + file + " is not valid JSON", e);
        }
    }

    /** A file's bytes from the tar; a read that fails says the archive ended or broke there. */
    private final class Guarded extends FilterInputStream {
        private final String path;

        Guarded(InputStream in, String path) {
            super(in);
            this.path = path;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw damaged(path, e);
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                return super.read(buffer, offset, length);
            } catch (IOException e) {
                throw damaged(path, e);
            }
        }
    }

    /**
     * A tar entry's bytes as a blob source: read once, as the archive passes. Asked again (the
     * store resumes a write that failed), it fails as the read did.
     */
    private static final class OnePass implements BlobSource {
        private final InputStream content;
        private boolean opened;
        private IOException failure;

        OnePass(InputStream content) {
            this.content = content;
        }

        @Override
        public InputStream open() throws IOException {
            if (opened) {
                throw failure != null ? failure : new IOException("a file of the archive cannot be read twice");
            }
            opened = true;
            return new FilterInputStream(content) {
                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    try {
                        return super.read(buffer, offset, length);
                    } catch (IOException e) {
                        failure = e;
                        throw e;
                    }
                }
            };
        }
    }
}
