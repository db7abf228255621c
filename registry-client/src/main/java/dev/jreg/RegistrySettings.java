package dev.jreg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.json.Json;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * jreg's configuration file ({@code ~/.config/jreg/config.json} or {@code $JREG_CONFIG}):
 *
 * <pre>{@code
 * {
 *   "insecureRegistries": ["registry.internal:5000"],
 *   "retries": 4,
 *   "registries": {
 *     "docker.io": { "mirrors": ["https://mirror.internal", "http://127.0.0.1:5001"] },
 *     "ghcr.io":   { "mirrors": ["harbor.internal/ghcr-proxy"] }
 *   }
 * }
 * }</pre>
 *
 * @param insecureRegistries hosts allowed plain HTTP and unverified TLS
 * @param mirrors per registry (as named in references), the mirrors to try first, in order
 * @param retries retries of a failed request, or null for the default
 */
public record RegistrySettings(Set<String> insecureRegistries, Map<String, List<Mirror>> mirrors, Integer retries) {
    /** Nothing configured. */
    public static final RegistrySettings EMPTY = new RegistrySettings(Set.of(), Map.of(), null);

    /** Copies. */
    public RegistrySettings {
        insecureRegistries = Set.copyOf(insecureRegistries);
        Map<String, List<Mirror>> copy = new LinkedHashMap<>();
        mirrors.forEach((registry, list) -> copy.put(registry, List.copyOf(list)));
        mirrors = Map.copyOf(copy);
    }

    /** Reads a config file; a missing file is {@link #EMPTY}. */
    public static RegistrySettings read(Path file) throws IOException {
        JsonNode root = readJson(file);
        if (root == null) {
            return EMPTY;
        }
        Set<String> insecure = new LinkedHashSet<>();
        for (JsonNode host : root.path("insecureRegistries")) {
            insecure.add(host.asText());
        }
        Map<String, List<Mirror>> mirrors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("registries").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            String registry = normalize(entry.getKey());
            List<Mirror> list = new ArrayList<>();
            for (JsonNode mirror : entry.getValue().path("mirrors")) {
                list.add(Mirror.parse(mirror.asText()));
            }
            mirrors.put(registry, list);
            if (entry.getValue().path("insecure").asBoolean(false)) {
                insecure.add(registry);
            }
        }
        JsonNode retries = root.get("retries");
        if (retries != null && (!retries.canConvertToInt() || retries.asInt() < 0)) {
            throw new InvalidContentException(file + ": \"retries\" must be a whole number, at least 0");
        }
        return new RegistrySettings(insecure, mirrors, retries == null ? null : retries.asInt());
    }

    /** docker's {@code daemon.json} {@code registry-mirrors}, which apply to Docker Hub only. */
    public static List<Mirror> dockerDaemonMirrors(Path daemonJson) throws IOException {
        JsonNode root = readJson(daemonJson);
        List<Mirror> mirrors = new ArrayList<>();
        if (root != null) {
            for (JsonNode mirror : root.path("registry-mirrors")) {
                mirrors.add(Mirror.parse(mirror.asText()));
            }
        }
        return mirrors;
    }

    /** These settings with more mirrors for a registry, tried before the ones already listed. */
    public RegistrySettings withMirrorsFirst(String registry, List<Mirror> first) {
        Map<String, List<Mirror>> copy = new LinkedHashMap<>(mirrors);
        List<Mirror> list = new ArrayList<>(first);
        list.addAll(copy.getOrDefault(normalize(registry), List.of()));
        copy.put(normalize(registry), list);
        return new RegistrySettings(insecureRegistries, copy, retries);
    }

    /** These settings with more mirrors for a registry, tried after the ones already listed. */
    public RegistrySettings withMirrorsLast(String registry, List<Mirror> last) {
        Map<String, List<Mirror>> copy = new LinkedHashMap<>(mirrors);
        List<Mirror> list = new ArrayList<>(copy.getOrDefault(normalize(registry), List.of()));
        list.addAll(last);
        copy.put(normalize(registry), list);
        return new RegistrySettings(insecureRegistries, copy, retries);
    }

    /** The mirrors of a registry, in order; empty when it has none. */
    public List<Mirror> mirrorsOf(String registry) {
        return mirrors.getOrDefault(normalize(registry), List.of());
    }

    private static String normalize(String registry) {
        return Reference.apiHostOf(registry).equals(Reference.DOCKER_HUB_API) ? Reference.DOCKER_HUB : registry;
    }

    private static JsonNode readJson(Path file) throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Json.parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new InvalidContentException("cannot read " + file + ": not valid JSON", e);
        }
    }
}
