package dev.jreg.internal.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layer.DirectoryScan;
import dev.jreg.internal.layer.FileStamp;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.store.HashingOutputStream;
import dev.jreg.model.Descriptor;
import dev.jreg.model.Digest;
import dev.jreg.model.ImageConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The build cache, in the store's {@code cache/} folder, every file written whole through the
 * store's durable write path ({@link LocalStore#putFile}).
 *
 * <p>{@code cache/steps/HEX}: one step that writes files ({@code WORKDIR}, {@code COPY},
 * {@code ADD}), under the SHA-256 of what determines it — the state before it (the base image's
 * manifest digest and every instruction since, after substitution), the instruction, and the
 * content of what it reads ({@link #key}) —: the layer it made (descriptor and diff ID) or none,
 * and the image config after it. A step whose layer is no longer in the store (garbage
 * collection deleted it) is not found. {@code cache/files/HEX}: the SHA-256 of the files a
 * build context gave, by path, with the stamp ({@link FileStamp}: inode, size, modification and
 * change times) each had, so that a file whose stamp is the same is not read again; {@code HEX}
 * is the SHA-256 of the context's real path.
 */
final class StepCache {
    static final String FOLDER = "cache";
    private static final long MAX_FILE = 64L << 20;

    private final LocalStore store;
    private final boolean disabled;

    /**
     * @param disabled {@code --no-cache}: nothing is found, and what is built is still recorded
     */
    StepCache(LocalStore store, boolean disabled) {
        this.store = store;
        this.disabled = disabled;
    }

    /**
     * What a step gave.
     *
     * @param layer its layer, or null when it made none
     * @param diffId the layer's diff ID, or null
     * @param config the image config after it
     */
    record Step(Descriptor layer, Digest diffId, ImageConfig config) {
    }

    /** The key of what comes after {@code parent}: the SHA-256 of it and each part, one per line. */
    static Digest key(Digest parent, String... parts) {
        StringBuilder text = new StringBuilder(parent.toString());
        for (String part : parts) {
            text.append('\n').append(part);
        }
        return Digest.sha256(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The step recorded under this key whose layer the store still holds; empty with {@code --no-cache}. */
    Optional<Step> find(Digest key) throws IOException {
        if (disabled) {
            return Optional.empty();
        }
        Optional<JsonNode> json = read(Path.of(FOLDER, "steps", key.hex()));
        if (json.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode node = json.get();
            Descriptor layer = node.path("layer").isObject() ? Descriptor.fromJson(node.get("layer")) : null;
            if (layer != null && !store.hasBlob(layer)) {
                return Optional.empty();
            }
            Digest diffId = layer == null ? null : Digest.parse(node.path("diffId").asText());
            return Optional.of(new Step(layer, diffId, ImageConfig.fromJson(node.path("config"))));
        } catch (IllegalArgumentException damaged) {
            return Optional.empty(); // rebuilt, and written again
        }
    }

    /** Records a step under its key. */
    void put(Digest key, Step step) throws IOException {
        ObjectNode json = Json.object();
        if (step.layer() != null) {
            json.set("layer", step.layer().toJson());
            json.put("diffId", step.diffId().toString());
        }
        json.set("config", step.config().toJson());
        byte[] bytes = Json.bytes(json);
        store.putFile(Path.of(FOLDER, "steps", key.hex()), out -> out.write(bytes));
    }

    /** The digests of a build context's files, as this cache remembers them. */
    FileHashes fileHashes(Path context) throws IOException {
        Path file = Path.of(FOLDER, "files", Digest.sha256(context.toString().getBytes(StandardCharsets.UTF_8)).hex());
        Map<String, Hashed> known = new HashMap<>();
        Optional<JsonNode> json = read(file);
        if (json.isPresent()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = json.get().fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode v = field.getValue();
                try {
                    known.put(field.getKey(), new Hashed(new FileStamp(v.path(0).asLong(), v.path(1).asLong(),
                            v.path(2).asLong(), v.path(3).asLong()), Digest.parse(v.path(4).asText())));
                } catch (IllegalArgumentException damaged) {
                    // hashed again
                }
            }
        }
        return new FileHashes(file, known);
    }

    private record Hashed(FileStamp stamp, Digest digest) {
    }

    /** A context's file digests: those remembered, and those hashed in this build. */
    final class FileHashes {
        private final Path file;
        private final Map<String, Hashed> known;
        private boolean changed;

        private FileHashes(Path file, Map<String, Hashed> known) {
            this.file = file;
            this.known = known;
        }

        /**
         * The SHA-256 of a file's bytes: remembered when its stamp is the one it had, else read.
         *
         * @param path the file's path in the context
         */
        Digest digest(String path, DirectoryScan.Found found) throws IOException {
            Hashed hashed = known.get(path);
            if (hashed != null && hashed.stamp().equals(found.stamp())) {
                return hashed.digest();
            }
            Digest digest = hash(found.file());
            known.put(path, new Hashed(found.stamp(), digest));
            changed = true;
            return digest;
        }

        /** Writes what this build hashed, when it hashed anything. */
        void save() throws IOException {
            if (!changed) {
                return;
            }
            ObjectNode json = Json.object();
            known.forEach((path, hashed) -> {
                ArrayNode v = json.putArray(path);
                FileStamp s = hashed.stamp();
                v.add(s.inode()).add(s.size()).add(s.mtimeNanos()).add(s.ctimeNanos()).add(hashed.digest().toString());
            });
            byte[] bytes = Json.bytes(json);
            store.putFile(file, out -> out.write(bytes));
            changed = false;
        }
    }

    /** The SHA-256 of a file's bytes. */
    static Digest hash(Path file) throws IOException {
        try (HashingOutputStream sha = HashingOutputStream.over(OutputStream.nullOutputStream())) {
            Files.copy(file, sha);
            return sha.digest();
        }
    }

    /** A cache file's JSON; empty when it is missing, too large or damaged (then it is written again). */
    private Optional<JsonNode> read(Path file) throws IOException {
        Path path = store.root().resolve(file);
        byte[] bytes;
        try {
            if (Files.size(path) > MAX_FILE) {
                return Optional.empty();
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException missing) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.parse(bytes));
        } catch (IOException damaged) {
            return Optional.empty();
        }
    }
}
