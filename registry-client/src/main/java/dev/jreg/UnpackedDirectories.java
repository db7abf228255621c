package dev.jreg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layer.FileStamp;
import dev.jreg.internal.layer.UnpackRecord;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.model.Digest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store's records of the directories {@link Jreg#unpack} made, kept out of the directories so
 * that each holds the image's filesystem and nothing else: {@code unpacked/HEX} in the store,
 * {@code HEX} the SHA-256 of the directory's real path and its {@link Identity} on its filesystem.
 * A record is one line of JSON — {@code directory} (the real path), {@code device} and
 * {@code inode} (its identity), {@code image} (the location unpacked, as {@link ImageLocation#parse}
 * reads it), {@code manifest} and {@code config} (digests) — then the {@link UnpackRecord} as it
 * writes itself. Written whole through the store's durable write path.
 *
 * <p>A directory moved within its filesystem ({@code mv}) keeps its identity: {@link #find} takes
 * the record of the same identity, or of the same path, once an entry of the directory untouched
 * since the unpack shows that it is that directory, and files it under the new path. Writing a
 * record deletes the records of directories that are gone, but the {@value #GONE_KEPT} written
 * last, which may be of directories moved since: records do not pile up, and {@link #prune}
 * deletes them all.
 */
final class UnpackedDirectories {
    /** How many records of directories gone from their paths a new record leaves, those written last ({@link Jreg#unpack} says so). */
    static final int GONE_KEPT = 16;
    private static final String FOLDER = "unpacked";
    /** Far above any real path: the first line is read no further. */
    private static final int MAX_HEADER = 64 * 1024;

    private final LocalStore store;

    UnpackedDirectories(LocalStore store) {
        this.store = store;
    }

    /**
     * A directory's identity on its filesystem, which a move ({@code rename}) within that
     * filesystem keeps and a copy does not.
     *
     * @param device the filesystem's device number ({@code st_dev})
     * @param inode the directory's inode number ({@code st_ino})
     */
    record Identity(long device, long inode) {
        /** The identity of {@code directory} itself, not of a symbolic link's target. */
        static Identity of(Path directory) throws IOException {
            Map<String, Object> unix = Files.readAttributes(directory, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
            return new Identity((Long) unix.get("dev"), (Long) unix.get("ino"));
        }
    }

    /**
     * What an unpack record says.
     *
     * @param directory the directory's real path
     * @param identity the directory's identity; null in a record written before jreg kept it
     * @param image the location unpacked ({@code local:docker.io/library/nginx:1.24.0}, {@code oci:DIR:NAME})
     * @param manifest the digest of the image's manifest (a platform's, for an index)
     * @param config the digest of its config: the image ID
     * @param record what the unpack wrote
     */
    record Unpacked(Path directory, Identity identity, String image, Digest manifest, Digest config,
            UnpackRecord record) {
        /** The same record, of the directory at another path. */
        Unpacked at(Path moved, Identity now) {
            return new Unpacked(moved, now, image, manifest, config, record);
        }
    }

    /** A record's first line, as {@link #records} lists them. */
    private record Header(Path file, Path directory, Identity identity, FileTime written) {
        /**
         * Whether the directory is still at its path: a directory there, of the same inode where
         * the record has one; one that cannot be looked at (a parent this user cannot search) is
         * kept as present.
         */
        boolean present() {
            try {
                // Not the device: a filesystem may get another number when mounted again.
                return Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)
                        && (identity == null || Identity.of(directory).inode() == identity.inode());
            } catch (NoSuchFileException removedMeanwhile) {
                return false;
            } catch (IOException cannotTell) {
                return true;
            }
        }
    }

    /**
     * Records an unpack, replacing the directory's record before; then deletes records that cannot
     * be read, those of another directory with this one's identity (whose inode this directory
     * took, so gone), and those of directories gone from their paths, but the {@value #GONE_KEPT}
     * written last.
     */
    void write(Unpacked unpacked) throws IOException {
        Path written = put(unpacked);
        List<Header> gone = new ArrayList<>();
        for (Path file : files()) {
            if (file.equals(written)) {
                continue;
            }
            Optional<Header> header = header(file);
            if (header.isEmpty() || unpacked.identity().equals(header.get().identity())) {
                Files.deleteIfExists(file);
            } else if (!header.get().present()) {
                gone.add(header.get());
            }
        }
        gone.sort(Comparator.comparing(Header::written, Comparator.reverseOrder()));
        for (Header header : gone.subList(Math.min(GONE_KEPT, gone.size()), gone.size())) {
            Files.deleteIfExists(header.file());
        }
    }

    private Path put(Unpacked unpacked) throws IOException {
        ObjectNode header = Json.object();
        header.put("directory", unpacked.directory().toString());
        header.put("device", unpacked.identity().device());
        header.put("inode", unpacked.identity().inode());
        header.put("image", unpacked.image());
        header.put("manifest", unpacked.manifest().toString());
        header.put("config", unpacked.config().toString());
        Path file = file(unpacked.directory(), unpacked.identity());
        store.putFile(file, out -> {
            out.write(Json.bytes(header));
            out.write('\n');
            unpacked.record().write(out);
        });
        return store.root().resolve(file);
    }

    /**
     * The record of a directory, or empty when it has none: the one filed under its path and
     * identity; else, for a directory moved here within its filesystem, the record of its
     * identity, or, where the filesystem's device number changed, of its path, once an entry of
     * the directory is untouched since the unpack — its stamp, change time to the nanosecond, the
     * one recorded, which no other directory's file has, so that a directory that took the inode
     * of a deleted one does not take its record. That record is then filed under this path and
     * identity.
     *
     * @param directory the directory's real path
     * @throws InvalidContentException when the record filed under this path and identity is
     *     damaged, or is another directory's
     */
    Optional<Unpacked> find(Path directory) throws IOException {
        Identity identity = Identity.of(directory);
        Path file = store.root().resolve(file(directory, identity));
        try {
            Unpacked unpacked = read(file);
            if (!unpacked.directory().equals(directory)) {
                throw new InvalidContentException("the unpack record of " + directory + " names another directory");
            }
            return Optional.of(unpacked);
        } catch (NoSuchFileException notFiledHere) {
            // moved here, or its filesystem renumbered: looked for below
        }
        for (Path other : files()) {
            Optional<Header> header = header(other);
            if (header.isPresent() && (identity.equals(header.get().identity())
                    || directory.equals(header.get().directory()))) {
                Optional<Unpacked> unpacked = readable(other);
                if (unpacked.isPresent() && untouchedEntry(directory, unpacked.get().record())) {
                    Unpacked moved = unpacked.get().at(directory, identity);
                    put(moved);
                    Files.deleteIfExists(other);
                    return Optional.of(moved);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether an entry of the directory has the stamp the record gives it: then the record is of
     * this directory. Entries directly in it first, then below, in path order, up to the first
     * untouched one.
     */
    private static boolean untouchedEntry(Path directory, UnpackRecord record) throws IOException {
        List<UnpackRecord.Item> items = new ArrayList<>(record.items().values());
        items.sort(Comparator.comparing(item -> item.entry().path().indexOf('/') >= 0));
        for (UnpackRecord.Item item : items) {
            String path = item.entry().path();
            if (item.stamp() != null && !path.isEmpty()) {
                try {
                    if (FileStamp.of(directory.resolve(path)).equals(item.stamp())) {
                        return true;
                    }
                } catch (NoSuchFileException | NotDirectoryException deleted) {
                    // another entry may still be there
                }
            }
        }
        return false;
    }

    /**
     * Deletes the records of directories that are no longer at their paths (a directory moved
     * since its unpack among them, until a commit has found it), and records that cannot be read.
     *
     * @return how many were deleted
     */
    int prune() throws IOException {
        int deleted = 0;
        for (Path file : files()) {
            Optional<Header> header = header(file);
            if ((header.isEmpty() || !header.get().present()) && Files.deleteIfExists(file)) {
                deleted++;
            }
        }
        return deleted;
    }

    /** The record files, none while the store has no folder for them. */
    private List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> records = Files.newDirectoryStream(store.root().resolve(FOLDER))) {
            records.forEach(files::add);
        } catch (NoSuchFileException noneYet) {
            return List.of();
        }
        return files;
    }

    private static Path file(Path directory, Identity identity) {
        String key = directory + "\n" + identity.device() + ":" + identity.inode();
        return Path.of(FOLDER, Digest.sha256(key.getBytes(StandardCharsets.UTF_8)).hex());
    }

    /** A record whole; a damaged one as {@link InvalidContentException}. */
    private static Unpacked read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            JsonNode header = header(in);
            Path directory = Path.of(header.path("directory").asText());
            try {
                return new Unpacked(directory, identity(header), header.path("image").asText(),
                        Digest.parse(header.path("manifest").asText()), Digest.parse(header.path("config").asText()),
                        UnpackRecord.read(in));
            } catch (IllegalArgumentException e) {
                throw new InvalidContentException("the unpack record of " + directory + " is damaged: " + e.getMessage());
            }
        }
    }

    /** Another directory's record, or empty when it is damaged or gone. */
    private static Optional<Unpacked> readable(Path file) throws IOException {
        try {
            return Optional.of(read(file));
        } catch (InvalidContentException | NoSuchFileException unusable) {
            return Optional.empty();
        }
    }

    /** A record's first line, or empty when it cannot be read or is gone. */
    private static Optional<Header> header(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            JsonNode header = header(in);
            return Optional.of(new Header(file, Path.of(header.path("directory").asText()), identity(header),
                    Files.getLastModifiedTime(file)));
        } catch (InvalidContentException | NoSuchFileException unusable) {
            return Optional.empty();
        }
    }

    private static Identity identity(JsonNode header) {
        JsonNode device = header.get("device");
        JsonNode inode = header.get("inode");
        return device != null && device.canConvertToLong() && inode != null && inode.canConvertToLong()
                ? new Identity(device.longValue(), inode.longValue()) : null;
    }

    /** The first line, a JSON object. */
    private static JsonNode header(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0 || line.size() >= MAX_HEADER) {
                throw new InvalidContentException("an unpack record in the store is damaged: its first line is "
                        + (b < 0 ? "cut short" : "too long"));
            }
            line.write(b);
        }
        JsonNode header;
        try {
            header = Json.parse(line.toByteArray());
        } catch (IOException e) {
            throw new InvalidContentException("an unpack record in the store is damaged: its first line is not JSON");
        }
        if (header == null || !header.isObject()) {
            throw new InvalidContentException("an unpack record in the store is damaged: its first line is no object");
        }
        return header;
    }
}
