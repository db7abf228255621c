package dev.jreg.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An image platform as written in indexes and configs.
 *
 * @param os operating system, e.g. {@code linux}
 * @param architecture CPU architecture in Go's naming, e.g. {@code amd64}, {@code arm64}
 * @param variant CPU variant such as {@code v8}, or null
 * @param osVersion OS version (Windows), or null
 * @param osFeatures OS features, possibly empty
 */
public record Platform(
        String os,
        String architecture,
        String variant,
        String osVersion,
        List<String> osFeatures) {

    private static final Pattern PART = Pattern.compile("[a-z0-9_.-]+");

    /** Copies the feature list. */
    public Platform {
        osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
    }

    /**
     * Reads a platform from its JSON object.
     *
     * @throws IllegalArgumentException when a field is of the wrong type
     */
    public static Platform fromJson(JsonNode json) {
        Json.requireObject(json, "platform");
        return new Platform(Json.text(json, "os"), Json.text(json, "architecture"), Json.text(json, "variant"),
                Json.text(json, "os.version"), Json.texts(json, "os.features"));
    }

    /** This platform as a JSON object, empty fields left out. */
    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        Json.put(json, "os", os);
        Json.put(json, "architecture", architecture);
        Json.put(json, "variant", variant);
        Json.put(json, "os.version", osVersion);
        Json.put(json, "os.features", osFeatures);
        return json;
    }

    /** A platform with just os, architecture and an optional variant. */
    public static Platform of(String os, String architecture, String variant) {
        return new Platform(os, architecture, variant, null, null);
    }

    /**
     * Parses {@code os/arch[/variant]}, e.g. {@code linux/arm64/v8}.
     *
     * @throws IllegalArgumentException for any other form
     */
    public static Platform parse(String text) {
        String[] parts = text == null ? new String[0] : text.toLowerCase(Locale.ROOT).split("/", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("invalid platform \"" + text + "\": expected os/arch[/variant]");
        }
        for (String part : parts) {
            if (!PART.matcher(part).matches()) {
                throw new IllegalArgumentException("invalid platform \"" + text + "\": empty or invalid component");
            }
        }
        return of(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }

    /** The platform of the running JVM, in Go's naming (what registries use). */
    public static Platform host() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String goOs = os.startsWith("windows") ? "windows" : os.startsWith("mac") ? "darwin" : "linux";
        switch (arch) {
            case "amd64":
            case "x86_64":
                return of(goOs, "amd64", null);
            case "aarch64":
            case "arm64":
                return of(goOs, "arm64", null);
            case "arm":
                return of(goOs, "arm", "v7");
            case "x86":
            case "i386":
                return of(goOs, "386", null);
            default:
                return of(goOs, arch, null);
        }
    }

    /**
     * Whether a platform found in an index satisfies this requested one. Variants are compared
     * after filling in the defaults (arm64 → v8, arm → v7); a request without a variant takes any.
     */
    public boolean matches(Platform candidate) {
        if (candidate == null || !Objects.equals(os, candidate.os) || !Objects.equals(architecture, candidate.architecture)) {
            return false;
        }
        String wanted = normalizedVariant();
        return variant == null || Objects.equals(wanted, candidate.normalizedVariant());
    }

    private String normalizedVariant() {
        if (variant != null && !variant.isEmpty()) {
            return variant;
        }
        if ("arm64".equals(architecture)) {
            return "v8";
        }
        if ("arm".equals(architecture)) {
            return "v7";
        }
        return null;
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
    }
}
