package dev.jreg.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.internal.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image platform as written in indexes and configs.
 *
 * @param os operating system, e.g. {@code linux}
 * @param architecture CPU architecture in Go's naming, e.g. {@code amd64}, {@code arm64}
 * @param variant CPU variant such as {@code v8}, or null
 * @param osVersion OS version (Windows), or null
 * @param osFeatures OS features, possibly empty
 * @param otherFields the fields of the JSON object this platform was read from that it does not
 *     write itself, in document order; {@link #toJson} writes them back. Empty for a platform made
 *     in code
 */
public record Platform(
        String os,
        String architecture,
        String variant,
        String osVersion,
        List<String> osFeatures,
        ObjectNode otherFields) {

    private static final Pattern PART = Pattern.compile("[a-z0-9_.-]+");
    private static final Pattern VARIANT = Pattern.compile("v[0-9]{1,2}(\\.[0-9])?");

    /** Copies the feature list. */
    public Platform {
        osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
        otherFields = JsonFields.own(otherFields);
    }

    /** A platform without other fields. */
    public Platform(String os, String architecture, String variant, String osVersion, List<String> osFeatures) {
        this(os, architecture, variant, osVersion, osFeatures, null);
    }

    /**
     * Reads a platform from its JSON object.
     *
     * @throws IllegalArgumentException when a field is of the wrong type
     */
    public static Platform fromJson(JsonNode json) {
        JsonFields in = new JsonFields(json, "platform");
        return new Platform(in.text("os"), in.text("architecture"), in.text("variant"), in.text("os.version"),
                in.texts("os.features"), in.otherFields());
    }

    /** This platform as a JSON object, empty fields left out, then its other fields. */
    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        JsonFields.put(json, "os", os);
        JsonFields.put(json, "architecture", architecture);
        JsonFields.put(json, "variant", variant);
        JsonFields.put(json, "os.version", osVersion);
        JsonFields.put(json, "os.features", osFeatures);
        return JsonFields.withOtherFields(json, otherFields);
    }

    /** A copy of the other fields (the record keeps its own). */
    @Override
    public ObjectNode otherFields() {
        return otherFields.deepCopy();
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
        if (Arrays.stream(parts).anyMatch(part -> !PART.matcher(part).matches())) {
            throw new IllegalArgumentException("invalid platform \"" + text + "\": empty or invalid component");
        }
        return of(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }

    /** The platform of the running JVM, in Go's naming (what registries use). */
    public static Platform host() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String goOs = os.startsWith("windows") ? "windows" : os.startsWith("mac") ? "darwin" : "linux";
        // Normalised as containerd names them; only the JVM's x86 (32-bit, on Windows) is not among those names.
        return of(goOs, arch.equals("x86") ? "386" : arch, null).normalized();
    }

    /**
     * This platform in containerd's canonical form, so that equal platforms compare equal: os in
     * lower case ({@code macos} is {@code darwin}); {@code x86_64} and {@code x86-64} are
     * {@code amd64}, {@code aarch64} is {@code arm64}, {@code i386} is {@code 386}, {@code armhf}
     * is {@code arm/v7}, {@code armel} is {@code arm/v6}; the default variants are written as
     * none ({@code amd64} v1, {@code arm64} v8) and {@code arm} without a variant is {@code v7}.
     * Other fields are kept.
     */
    public Platform normalized() {
        String normalOs = os == null ? null : os.toLowerCase(Locale.ROOT);
        normalOs = "macos".equals(normalOs) ? "darwin" : normalOs;
        String given = architecture == null ? "" : architecture.toLowerCase(Locale.ROOT);
        String v = variant == null ? "" : variant.toLowerCase(Locale.ROOT);
        v = switch (given) {
            case "i386", "386" -> "";
            case "x86_64", "x86-64", "amd64" -> v.equals("v1") ? "" : v;
            case "aarch64", "arm64" -> switch (v) {
                case "8", "v8", "v8.0" -> "";
                case "9", "9.0", "v9.0" -> "v9";
                default -> v;
            };
            case "armhf" -> "v7";
            case "armel" -> "v6";
            case "arm" -> switch (v) {
                case "", "7" -> "v7";
                case "5", "6", "8" -> "v" + v;
                default -> v;
            };
            default -> v;
        };
        String arch = switch (given) {
            case "i386" -> "386";
            case "x86_64", "x86-64" -> "amd64";
            case "aarch64" -> "arm64";
            case "armhf", "armel" -> "arm";
            default -> given;
        };
        return new Platform(normalOs, architecture == null ? null : arch, v.isEmpty() ? null : v, osVersion, osFeatures,
                otherFields);
    }

    /**
     * How well a platform found in an index or config serves this requested one, both
     * {@linkplain #normalized() normalised}: 0 for the same platform, 1, 2… for the compatible
     * ones this platform also runs, in containerd's order of preference — lower variants of
     * {@code arm} down to v5 and of {@code amd64} down to v1, then {@code 386} for {@code amd64};
     * for {@code arm64} v8.x or v9.x the lower arm64 variants, then {@code arm} v8 down to v5.
     *
     * @return the rank, or -1 when the candidate is null or does not run here
     */
    public int rank(Platform candidate) {
        if (candidate == null || candidate.os == null || candidate.architecture == null) {
            return -1;
        }
        Platform found = candidate.normalized();
        return compatible().indexOf(of(found.os, found.architecture, found.variant));
    }

    /** Whether a platform found in an index satisfies this requested one: {@link #rank} is not -1. */
    public boolean matches(Platform candidate) {
        return rank(candidate) >= 0;
    }

    /**
     * The child of an index this platform prefers, by {@link #rank}, the first in index order
     * among equals. Attestations are never chosen, and children without a platform are not
     * considered.
     */
    public Optional<Descriptor> choose(List<Descriptor> children) {
        return children.stream().filter(child -> !child.isAttestation() && matches(child.platform()))
                .min(Comparator.comparingInt(child -> rank(child.platform())));
    }

    /**
     * This platform and those it also runs, normalised, best first (see {@link #rank}): os,
     * architecture and variant only.
     */
    private List<Platform> compatible() {
        Platform self = normalized();
        List<Platform> runs = new ArrayList<>();
        runs.add(of(self.os, self.architecture, self.variant));
        int[] version = variantVersion(self.variant);
        switch (self.architecture == null ? "" : self.architecture) {
            case "amd64" -> {
                for (int v = version == null ? 1 : version[0] - 1; v >= 2; v--) {
                    runs.add(of(self.os, "amd64", "v" + v));
                }
                if (self.variant != null && version != null) {
                    runs.add(of(self.os, "amd64", null));
                }
                runs.add(of(self.os, "386", null));
            }
            case "arm" -> {
                for (int v = version == null ? 0 : version[0] - 1; v >= 5; v--) {
                    runs.add(of(self.os, "arm", "v" + v));
                }
            }
            case "arm64" -> {
                int[] arm64 = self.variant == null ? new int[] {8, 0} : version;
                if (arm64 == null || arm64[0] < 8 || arm64[0] > 9) {
                    return runs;
                }
                runs.clear();
                if (arm64[0] == 9) {
                    for (int minor = arm64[1]; minor >= 0; minor--) {
                        runs.add(of(self.os, "arm64", minor == 0 ? "v9" : "v9." + minor));
                    }
                }
                // v9.x includes what v8.(x+5) has, and v9 is the newest major there is.
                for (int minor = arm64[0] == 9 ? Math.min(arm64[1] + 5, 9) : arm64[1]; minor >= 0; minor--) {
                    runs.add(of(self.os, "arm64", minor == 0 ? null : "v8." + minor));
                }
                for (int v = 8; v >= 5; v--) {
                    runs.add(of(self.os, "arm", "v" + v));
                }
            }
        }
        return runs;
    }

    /** {@code v7} → {7, 0}, {@code v8.2} → {8, 2}; null for anything else. */
    private static int[] variantVersion(String variant) {
        if (variant == null || !VARIANT.matcher(variant).matches()) {
            return null;
        }
        String[] parts = variant.substring(1).split("\\.");
        return new int[] {Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0};
    }

    /** {@code os/arch[/variant]}; a part the platform lacks reads {@code unknown}. */
    @Override
    public String toString() {
        return (os == null ? "unknown" : os) + "/" + (architecture == null ? "unknown" : architecture)
                + (variant == null || variant.isEmpty() ? "" : "/" + variant);
    }
}
