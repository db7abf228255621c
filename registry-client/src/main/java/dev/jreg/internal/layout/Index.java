package dev.jreg.internal.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.json.Json;
import dev.jreg.model.MediaType;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A layout's names: its {@code index.json}, read without a lock (it is only ever replaced whole)
 * and changed under one — read, modified and replaced durably, with {@code oci-layout} written
 * first when missing. Unknown fields are kept.
 */
final class Index {
    private static final byte[] LAYOUT_VERSION = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
    private final Path root;
    private final Path file;
    private final Path lockFile;
    private final Ingest files;

    Index(Path root, Path lockFile, Ingest files) {
        this.root = root;
        this.file = root.resolve("index.json");
        this.lockFile = lockFile;
        this.files = files;
    }

    /** The index as it is now; an empty one where the layout has none yet. */
    ObjectNode read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return empty();
        }
        JsonNode node;
        try {
            node = Json.parse(bytes);
        } catch (IOException e) {
            throw new InvalidContentException(describe() + " is not valid JSON", e);
        }
        if (node == null || !node.isObject()) {
            throw new InvalidContentException(describe() + " is not a JSON object");
        }
        return (ObjectNode) node;
    }

    /** The index as messages name it: jreg's store is the layout whose index changes under a lock file. */
    String describe() {
        return lockFile != null ? "store index " + file : "index " + file + " of layout " + root;
    }

    private static ObjectNode empty() throws IOException {
        return (ObjectNode) Json.parse(("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_INDEX.value()
                + "\",\"manifests\":[]}").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Runs an edit of the index while no one else changes it; the index is written only when
     * the edit changed it. A lock file is made first, with the store's directory that holds it.
     */
    <T> T edit(Edit<T> edit) throws IOException {
        if (lockFile == null) {
            synchronized (Index.class) {
                return editLocked(edit);
            }
        }
        files.createDirectories(lockFile.getParent());
        try (Closeable lock = StoreLock.exclusive(lockFile, () -> { })) {
            return editLocked(edit);
        }
    }

    private <T> T editLocked(Edit<T> edit) throws IOException {
        ObjectNode index = read();
        byte[] before = Json.pretty(index);
        T result = edit.apply(index);
        byte[] after = Json.pretty(index);
        if (!Arrays.equals(before, after)) {
            files.createDirectories(root);
            if (!Files.exists(root.resolve("oci-layout"))) {
                files.replace(root.resolve("oci-layout"), LAYOUT_VERSION);
            }
            files.replace(file, after);
        }
        return result;
    }

    interface Edit<T> {
        T apply(ObjectNode index) throws IOException;
    }
}
