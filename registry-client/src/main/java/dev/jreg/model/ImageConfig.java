package dev.jreg.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.internal.json.Json;
import java.util.List;
import java.util.Map;

/**
 * An image config: the parts jreg shows and edits, and every other field as it came. The raw
 * bytes stay the truth for a config jreg copies; {@link #toJson} is for configs jreg writes.
 *
 * @param created creation time (RFC 3339), or null
 * @param author author, or null
 * @param os operating system
 * @param architecture CPU architecture
 * @param variant CPU variant, or null
 * @param config the runtime configuration
 * @param rootfs the layer diff IDs
 * @param history the build history, base first
 * @param otherFields the fields of the JSON object this config was read from that it does not write
 *     itself ({@code os.version}, Docker's {@code container_config}, BuildKit's build info…), in
 *     document order; {@link #toJson} writes them back. Empty for a config made in code
 */
public record ImageConfig(
        String created,
        String author,
        String os,
        String architecture,
        String variant,
        Container config,
        RootFs rootfs,
        List<History> history,
        ObjectNode otherFields) {

    /** Copies the history. */
    public ImageConfig {
        history = history == null ? List.of() : List.copyOf(history);
        otherFields = JsonFields.own(otherFields);
    }

    /** A config without other fields. */
    public ImageConfig(String created, String author, String os, String architecture, String variant, Container config,
            RootFs rootfs, List<History> history) {
        this(created, author, os, architecture, variant, config, rootfs, history, null);
    }

    /**
     * Reads a config from its JSON object, keeping the fields this record does not name.
     *
     * @throws IllegalArgumentException when one of the named fields is of the wrong type
     */
    public static ImageConfig fromJson(JsonNode json) {
        JsonFields in = new JsonFields(json, "image config");
        return new ImageConfig(in.text("created"), in.text("author"), in.text("os"), in.text("architecture"),
                in.text("variant"), in.object("config", Container::fromJson), in.object("rootfs", RootFs::fromJson),
                in.list("history", History::fromJson), in.otherFields());
    }

    /**
     * This config as a JSON object: the named fields in the image spec's order, empty ones left
     * out, then the other fields.
     */
    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        JsonFields.put(json, "created", created);
        JsonFields.put(json, "author", author);
        JsonFields.put(json, "architecture", architecture);
        JsonFields.put(json, "os", os);
        JsonFields.put(json, "variant", variant);
        JsonFields.put(json, "config", config, Container::toJson);
        JsonFields.put(json, "rootfs", rootfs, RootFs::toJson);
        JsonFields.putAll(json, "history", history, History::toJson);
        return JsonFields.withOtherFields(json, otherFields);
    }

    /** A copy of the other fields (the record keeps its own). */
    @Override
    public ObjectNode otherFields() {
        return otherFields.deepCopy();
    }

    /**
     * The platform this config describes, {@linkplain Platform#normalized() normalised} (a config's
     * {@code x86_64} is {@code amd64}), or null when it names no os or no architecture.
     */
    public Platform platform() {
        if (os == null || os.isEmpty() || architecture == null || architecture.isEmpty()) {
            return null;
        }
        return Platform.of(os, architecture, variant).normalized();
    }

    /**
     * Runtime settings of the image.
     *
     * @param env environment, {@code NAME=value}
     * @param cmd default command
     * @param entrypoint entrypoint
     * @param workingDir working directory
     * @param user user
     * @param exposedPorts exposed ports as keys
     * @param labels labels
     * @param volumes volumes as keys
     * @param stopSignal stop signal
     * @param otherFields the fields of the JSON object these settings were read from that they do
     *     not write themselves ({@code Healthcheck}, {@code ArgsEscaped}, Docker's {@code Hostname}…),
     *     in document order; {@link #toJson} writes them back
     */
    public record Container(
            List<String> env,
            List<String> cmd,
            List<String> entrypoint,
            String workingDir,
            String user,
            Map<String, Object> exposedPorts,
            Map<String, String> labels,
            Map<String, Object> volumes,
            String stopSignal,
            ObjectNode otherFields) {

        /** Owns its other fields. */
        public Container {
            otherFields = JsonFields.own(otherFields);
        }

        static Container fromJson(JsonNode json) {
            JsonFields in = new JsonFields(json, "config");
            return new Container(in.texts("Env"), in.texts("Cmd"), in.texts("Entrypoint"), in.text("WorkingDir"),
                    in.text("User"), in.keys("ExposedPorts"), in.textMap("Labels"), in.keys("Volumes"),
                    in.text("StopSignal"), in.otherFields());
        }

        /** These settings as a JSON object, in the image spec's order, then the other fields. */
        public ObjectNode toJson() {
            ObjectNode json = Json.object();
            JsonFields.put(json, "User", user);
            JsonFields.putKeys(json, "ExposedPorts", exposedPorts);
            JsonFields.put(json, "Env", env);
            JsonFields.put(json, "Entrypoint", entrypoint);
            JsonFields.put(json, "Cmd", cmd);
            JsonFields.putKeys(json, "Volumes", volumes);
            JsonFields.put(json, "WorkingDir", workingDir);
            JsonFields.put(json, "Labels", labels);
            JsonFields.put(json, "StopSignal", stopSignal);
            return JsonFields.withOtherFields(json, otherFields);
        }

        /** A copy of the other fields (the record keeps its own). */
        @Override
        public ObjectNode otherFields() {
            return otherFields.deepCopy();
        }
    }

    /**
     * The uncompressed layer digests.
     *
     * @param type always {@code layers}
     * @param diffIds one per layer, base first
     * @param otherFields fields it does not name, in document order
     */
    public record RootFs(String type, List<String> diffIds, ObjectNode otherFields) {
        /** Owns its other fields. */
        public RootFs {
            otherFields = JsonFields.own(otherFields);
        }

        static RootFs fromJson(JsonNode json) {
            JsonFields in = new JsonFields(json, "rootfs");
            return new RootFs(in.text("type"), in.texts("diff_ids"), in.otherFields());
        }

        /** As a JSON object, then the other fields. */
        public ObjectNode toJson() {
            ObjectNode json = Json.object();
            JsonFields.put(json, "type", type);
            JsonFields.put(json, "diff_ids", diffIds);
            return JsonFields.withOtherFields(json, otherFields);
        }

        /** A copy of the other fields (the record keeps its own). */
        @Override
        public ObjectNode otherFields() {
            return otherFields.deepCopy();
        }
    }

    /**
     * One build step.
     *
     * @param created when, or null
     * @param createdBy the command, or null
     * @param emptyLayer true when the step made no layer
     * @param comment comment, or null
     * @param author author, or null
     * @param otherFields fields it does not name, in document order
     */
    public record History(
            String created,
            String createdBy,
            boolean emptyLayer,
            String comment,
            String author,
            ObjectNode otherFields) {

        /** Owns its other fields. */
        public History {
            otherFields = JsonFields.own(otherFields);
        }

        static History fromJson(JsonNode json) {
            JsonFields in = new JsonFields(json, "history step");
            return new History(in.text("created"), in.text("created_by"), in.bool("empty_layer"), in.text("comment"),
                    in.text("author"), in.otherFields());
        }

        /** As a JSON object in the image spec's order ({@code empty_layer} only when true), then the other fields. */
        public ObjectNode toJson() {
            ObjectNode json = Json.object();
            JsonFields.put(json, "created", created);
            JsonFields.put(json, "author", author);
            JsonFields.put(json, "created_by", createdBy);
            JsonFields.put(json, "comment", comment);
            if (emptyLayer) {
                json.put("empty_layer", true);
            }
            return JsonFields.withOtherFields(json, otherFields);
        }

        /** A copy of the other fields (the record keeps its own). */
        @Override
        public ObjectNode otherFields() {
            return otherFields.deepCopy();
        }
    }
}
