package dev.jreg.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The parts of an image config that jreg shows; the raw bytes stay the truth.
 *
 * @param created creation time (RFC 3339), or null
 * @param author author, or null
 * @param os operating system
 * @param architecture CPU architecture
 * @param variant CPU variant, or null
 * @param config the runtime configuration
 * @param rootfs the layer diff IDs
 * @param history the build history, base first
 */
public record ImageConfig(
        String created,
        String author,
        String os,
        String architecture,
        String variant,
        Container config,
        RootFs rootfs,
        List<History> history) {

    /** Copies the history. */
    public ImageConfig {
        history = history == null ? List.of() : List.copyOf(history);
    }

    /**
     * Reads the parts jreg shows from a config's JSON object; other fields are ignored.
     *
     * @throws IllegalArgumentException when one of those fields is of the wrong type
     */
    public static ImageConfig fromJson(JsonNode json) {
        Json.requireObject(json, "image config");
        JsonNode config = Json.object(json, "config");
        JsonNode rootfs = Json.object(json, "rootfs");
        return new ImageConfig(Json.text(json, "created"), Json.text(json, "author"), Json.text(json, "os"),
                Json.text(json, "architecture"), Json.text(json, "variant"),
                config == null ? null : Container.fromJson(config),
                rootfs == null ? null : new RootFs(Json.text(rootfs, "type"), Json.texts(rootfs, "diff_ids")),
                Json.list(json, "history", History::fromJson));
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
            String stopSignal) {

        static Container fromJson(JsonNode json) {
            return new Container(Json.texts(json, "Env"), Json.texts(json, "Cmd"), Json.texts(json, "Entrypoint"),
                    Json.text(json, "WorkingDir"), Json.text(json, "User"), Json.keys(json, "ExposedPorts"),
                    Json.textMap(json, "Labels"), Json.keys(json, "Volumes"), Json.text(json, "StopSignal"));
        }
    }

    /**
     * The uncompressed layer digests.
     *
     * @param type always {@code layers}
     * @param diffIds one per layer, base first
     */
    public record RootFs(String type, List<String> diffIds) {
    }

    /**
     * One build step.
     *
     * @param created when, or null
     * @param createdBy the command, or null
     * @param emptyLayer true when the step made no layer
     * @param comment comment, or null
     * @param author author, or null
     */
    public record History(
            String created,
            String createdBy,
            boolean emptyLayer,
            String comment,
            String author) {

        static History fromJson(JsonNode json) {
            Json.requireObject(json, "history step");
            return new History(Json.text(json, "created"), Json.text(json, "created_by"), Json.bool(json, "empty_layer"),
                    Json.text(json, "comment"), Json.text(json, "author"));
        }
    }
}
