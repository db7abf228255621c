package dev.jreg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.jreg.error.InvalidContentException;
import dev.jreg.internal.json.Json;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * jreg's configuration file ({@code ~/.config/jreg/config.json} or {@code $JREG_CONFIG}):
 *
 * <pre>{@code
 * {
 *   "insecureRegistries": ["registry.internal:5000"],
 *   "retries": 4,
 *   "registries": {
 *     "docker.io": { "mirrors": ["https://mirror.internal", "http://127.0.0.1:5001"],
 *                    "dns": ["192.0.2.53", "192.0.2.54:5353"] },
 *     "ghcr.io":   { "mirrors": ["harbor.internal/ghcr-proxy"] }
 *   }
 * }
 * }</pre>
 *
 * @param insecureRegistries hosts allowed plain HTTP and unverified TLS
 * @param mirrors per registry (as named in references), the mirrors to try first, in order
 * @param retries retries of a failed request, or null for the default
 * @param dns per registry (as named in references), the DNS servers that resolve its hosts, in
 *     order ({@link RegistryOptions#dns})
 */
public record RegistrySettings(Set<String> insecureRegistries, Map<String, List<Mirror>> mirrors, Integer retries,
        Map<String, List<DnsServer>> dns) {
    /** Nothing configured. */
    public static final RegistrySettings EMPTY = new RegistrySettings(Set.of(), Map.of(), null);

    /** Copies. */
    public RegistrySettings {
        insecureRegistries = Set.copyOf(insecureRegistries);
        mirrors = mirrors.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, entry -> List.copyOf(entry.getValue())));
        dns = dns == null ? Map.of() : dns.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, entry -> List.copyOf(entry.getValue())));
    }

    /** Without DNS servers of registries' own. */
    public RegistrySettings(Set<String> insecureRegistries, Map<String, List<Mirror>> mirrors, Integer retries) {
        this(insecureRegistries, mirrors, retries, null);
    }

    /** Reads a config file; a missing file is {@link #EMPTY}. */
    public static RegistrySettings read(Path file) throws IOException {
        JsonNode root = readJson(file);
        Set<String> insecure = root.path("insecureRegistries").valueStream().map(JsonNode::asText)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        Map<String, List<Mirror>> mirrors = new LinkedHashMap<>();
        Map<String, List<DnsServer>> dns = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.path("registries").properties()) {
            String registry = normalize(entry.getKey());
            mirrors.put(registry, mirrors(entry.getValue().path("mirrors")));
            dns.put(registry, dnsServers(file, registry, entry.getValue().path("dns")));
            if (entry.getValue().path("insecure").asBoolean(false)) {
                insecure.add(registry);
            }
        }
        JsonNode retries = root.get("retries");
        if (retries != null && (!retries.canConvertToInt() || retries.asInt() < 0)) {
            throw new InvalidContentException(file + ": \"retries\" must be a whole number, at least 0");
        }
        return new RegistrySettings(insecure, mirrors, retries == null ? null : retries.asInt(), dns);
    }

    /**
     * A registry's {@code "dns"}: absent, or a list of what {@link DnsServer#parse} reads; anything
     * else an error naming the file and the registry, before any server is asked.
     */
    private static List<DnsServer> dnsServers(Path file, String registry, JsonNode list) throws InvalidContentException {
        String where = file + ": \"dns\" of " + registry + ": ";
        if (!list.isMissingNode() && !list.isArray()) {
            throw new InvalidContentException(where + "a list of DNS servers, not " + list);
        }
        try {
            // A number or an object is its JSON text, so that the message shows what was written.
            return list.valueStream().map(server -> DnsServer.parse(server.isTextual() ? server.asText() : server.toString()))
                    .toList();
        } catch (IllegalArgumentException e) {
            throw new InvalidContentException(where + e.getMessage());
        }
    }

    /** docker's {@code daemon.json} {@code registry-mirrors}, which apply to Docker Hub only. */
    public static List<Mirror> dockerDaemonMirrors(Path daemonJson) throws IOException {
        return mirrors(readJson(daemonJson).path("registry-mirrors"));
    }

    private static List<Mirror> mirrors(JsonNode list) {
        return list.valueStream().map(mirror -> Mirror.parse(mirror.asText())).toList();
    }

    /** These settings with more mirrors for a registry, tried before the ones already listed. */
    public RegistrySettings withMirrorsFirst(String registry, List<Mirror> first) {
        return withMirrors(registry, first, List.of());
    }

    /** These settings with more mirrors for a registry, tried after the ones already listed. */
    public RegistrySettings withMirrorsLast(String registry, List<Mirror> last) {
        return withMirrors(registry, List.of(), last);
    }

    private RegistrySettings withMirrors(String registry, List<Mirror> first, List<Mirror> last) {
        Map<String, List<Mirror>> copy = new LinkedHashMap<>(mirrors);
        copy.put(normalize(registry), Stream.of(first, mirrorsOf(registry), last).flatMap(List::stream).toList());
        return new RegistrySettings(insecureRegistries, copy, retries, dns);
    }

    /** The mirrors of a registry, in order; empty when it has none. */
    public List<Mirror> mirrorsOf(String registry) {
        return mirrors.getOrDefault(normalize(registry), List.of());
    }

    private static String normalize(String registry) {
        return Reference.apiHostOf(registry).equals(Reference.DOCKER_HUB_API) ? Reference.DOCKER_HUB : registry;
    }

    /** The file's JSON; a missing file is a missing node, in which every field is absent. */
    private static JsonNode readJson(Path file) throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            return MissingNode.getInstance();
        }
        try {
            return Json.parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new InvalidContentException("cannot read " + file + ": not valid JSON", e);
        }
    }
}
