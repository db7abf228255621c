package dev.jreg.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
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
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
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

    /** The platform this config describes. */
    public Platform platform() {
        return Platform.of(os, architecture, variant);
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
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Container(
            @JsonProperty("Env") List<String> env,
            @JsonProperty("Cmd") List<String> cmd,
            @JsonProperty("Entrypoint") List<String> entrypoint,
            @JsonProperty("WorkingDir") String workingDir,
            @JsonProperty("User") String user,
            @JsonProperty("ExposedPorts") Map<String, Object> exposedPorts,
            @JsonProperty("Labels") Map<String, String> labels,
            @JsonProperty("Volumes") Map<String, Object> volumes,
            @JsonProperty("StopSignal") String stopSignal) {
    }

    /**
     * The uncompressed layer digests.
     *
     * @param type always {@code layers}
     * @param diffIds one per layer, base first
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RootFs(String type, @JsonProperty("diff_ids") List<String> diffIds) {
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
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record History(
            String created,
            @JsonProperty("created_by") String createdBy,
            @JsonProperty("empty_layer") boolean emptyLayer,
            String comment,
            String author) {
    }
}
