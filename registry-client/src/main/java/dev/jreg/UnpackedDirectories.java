package dev.jreg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.json.Json;
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
import java.nio.file.Path;
import java.util.Optional;

/**
 * The store's records of the directories {@link Jreg#unpack} made, kept out of the directories so
 * that each holds the image's filesystem and nothing else: {@code unpacked/HEX} in the store,
 * {@code HEX} the SHA-256 of the directory's real path. A record is one line of JSON —
 * {@code directory} (the real path), {@code image} (the location unpacked, as
 * {@link ImageLocation#parse} reads it), {@code manifest} and {@code config} (digests) — then the
 * {@link UnpackRecord} as it writes itself. Written whole through the store's durable write path.
 */
final class UnpackedDirectories {
    private static final String FOLDER = "unpacked";
    /** Far above any real path: the first line is read no further. */
    private static final int MAX_HEADER = 64 * 1024;

    private final LocalStore store;

    UnpackedDirectories(LocalStore store) {
        this.store = store;
    }

    /**
     * What an unpack record says.
     *
     * @param directory the directory's real path
     * @param image the location unpacked ({@code local:docker.io/library/nginx:1.24.0}, {@code oci:DIR:NAME})
     * @param manifest the digest of the image's manifest (a platform's, for an index)
     * @param config the digest of its config: the image ID
     * @param record what the unpack wrote
     */
    record Unpacked(Path directory, String image, Digest manifest, Digest config, UnpackRecord record) {
    }

    /** Records an unpack, replacing the directory's record before. */
    void write(Unpacked unpacked) throws IOException {
        ObjectNode header = Json.object();
        header.put("directory", unpacked.directory().toString());
        header.put("image", unpacked.image());
        header.put("manifest", unpacked.manifest().toString());
        header.put("config", unpacked.config().toString());
        store.putFile(file(unpacked.directory()), out -> {
            out.write(Json.bytes(header));
            out.write('\n');
            unpacked.record().write(out);
        });
    }

    /**
     * The record of a directory, or empty when it has none.
     *
     * @param directory the directory's real path
     * @throws InvalidContentException when the record is damaged, or is another directory's
     */
    Optional<Unpacked> read(Path directory) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(store.root().resolve(file(directory))))) {
            JsonNode header = header(in);
            if (!directory.toString().equals(header.path("directory").asText())) {
                throw new InvalidContentException("the unpack record of " + directory + " names another directory");
            }
            try {
                return Optional.of(new Unpacked(directory, header.path("image").asText(),
                        Digest.parse(header.path("manifest").asText()), Digest.parse(header.path("config").asText()),
                        UnpackRecord.read(in)));
            } catch (IllegalArgumentException e) {
                throw new InvalidContentException("the unpack record of " + directory + " is damaged: " + e.getMessage());
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Deletes the records of directories that no longer exist, and records that cannot be read.
     *
     * @return how many were deleted
     */
    int prune() throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> records = Files.newDirectoryStream(store.root().resolve(FOLDER))) {
            for (Path record : records) {
                Optional<Path> directory;
                try (InputStream in = new BufferedInputStream(Files.newInputStream(record))) {
                    directory = Optional.of(Path.of(header(in).path("directory").asText()));
                } catch (InvalidContentException unreadable) {
                    directory = Optional.empty();
                }
                if ((directory.isEmpty() || !Files.isDirectory(directory.get(), LinkOption.NOFOLLOW_LINKS))
                        && Files.deleteIfExists(record)) {
                    deleted++;
                }
            }
        } catch (NoSuchFileException noneYet) {
            return 0;
        }
        return deleted;
    }

    private static Path file(Path directory) {
        return Path.of(FOLDER, Digest.sha256(directory.toString().getBytes(StandardCharsets.UTF_8)).hex());
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
