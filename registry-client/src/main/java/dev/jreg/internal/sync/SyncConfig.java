package dev.jreg.internal.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.auth.Credentials;
import dev.jreg.internal.json.Json;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A {@code skopeo sync} YAML file (skopeo-sync(1), "YAML file content"): source registries, each
 * with {@code images}, {@code images-by-tag-regex}, {@code images-by-semver}, {@code tls-verify},
 * {@code credentials} and {@code cert-dir}, plus jreg's {@code destination}, {@code tags},
 * {@code platforms}, {@code all-tags}, {@code concurrency} and {@code include-referrers}. Public
 * for the façade; not part of the supported API.
 *
 * @param sources the registries, in the file's order
 */
public record SyncConfig(List<Source> sources) {
    private static final Set<String> KEYS = Set.of("images", "images-by-tag-regex", "images-by-semver", "tls-verify",
            "credentials", "cert-dir", "destination", "tags", "platforms", "all-tags", "concurrency",
            "include-referrers");

    /**
     * One source registry.
     *
     * @param registry the registry as in references ({@code quay.io}, {@code host:port})
     * @param images repository → tags or digests; an empty list for every tag (every list empty with
     *     {@code all-tags: true})
     * @param tagPatterns repository → the tags to take, those in which the pattern is found (Go's
     *     {@code regexp.MatchString}, as skopeo; anchor with {@code ^…$})
     * @param semverConstraints repository → the version tags to take ({@code images-by-semver})
     * @param tags what is kept of every repository's chosen tags; {@link TagFilter#NONE} for all
     * @param platforms the platforms an index is copied with, as a new index of just them; empty for
     *     the whole index
     * @param tlsVerify false to allow plain HTTP and unverified TLS; null when the file does not say
     * @param credentials for this registry, or null
     * @param certDir a folder of {@code *.crt} CAs and a {@code *.cert}/{@code *.key} client pair, or null
     * @param destination {@code REGISTRY[/PREFIX]} this source's images go to, or null for the run's
     * @param concurrency this source's images synced at once, at least 1; null for no bound but the run's
     * @param includeReferrers true to copy what refers to this source's images too
     */
    public record Source(String registry, Map<String, List<String>> images, Map<String, Pattern> tagPatterns,
            Map<String, SemverConstraint> semverConstraints, TagFilter tags, List<Platform> platforms,
            Boolean tlsVerify, Credentials credentials, Path certDir, String destination, Integer concurrency,
            boolean includeReferrers) {
    }

    /**
     * Reads and checks a file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong in it
     * @throws IOException when the file cannot be read
     */
    public static SyncConfig read(Path file) throws IOException {
        JsonNode root;
        try {
            root = Json.parseYaml(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": " + yamlError(e));
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new IllegalArgumentException(file + ": expected a mapping of source registries");
        }
        List<Source> sources = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            sources.add(source(file, entry.getKey(), entry.getValue()));
        }
        return new SyncConfig(List.copyOf(sources));
    }

    private static Source source(Path file, String registry, JsonNode node) {
        String at = file + ": " + registry;
        if (!node.isObject()) {
            throw new IllegalArgumentException(at + ": expected a mapping");
        }
        for (String key : (Iterable<String>) () -> node.fieldNames()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(at + ": unknown key \"" + key + "\" (known: " + String.join(", ",
                        KEYS.stream().sorted().toList()) + ")");
            }
        }
        JsonNode allTags = node.get("all-tags");
        if (allTags != null && !allTags.isBoolean()) {
            throw new IllegalArgumentException(at + ": all-tags: expected true or false");
        }
        Map<String, List<String>> images = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> image : mapping(at, node, "images")) {
            JsonNode refs = image.getValue();
            if (!refs.isArray() && !refs.isNull()) {
                throw new IllegalArgumentException(at + ": images: " + image.getKey() + ": expected a list of tags");
            }
            List<String> tags = new ArrayList<>();
            for (JsonNode ref : refs) {
                String tag = ref.asText();
                String named = registry + "/" + image.getKey() + (tag.contains(":") ? "@" : ":") + tag;
                if (!ref.isValueNode() || Reference.tryParse(named).isEmpty()) {
                    throw new IllegalArgumentException(at + ": images: " + image.getKey() + ": not a tag or digest: "
                            + (ref.isValueNode() ? tag : ref.toString()));
                }
                tags.add(tag);
            }
            // all-tags: the list says which repositories, not which tags: every tag, as an empty list.
            images.put(repository(at, registry, image.getKey()),
                    allTags != null && allTags.asBoolean() ? List.of() : List.copyOf(tags));
        }
        Map<String, Pattern> patterns = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> regex : mapping(at, node, "images-by-tag-regex")) {
            patterns.put(repository(at, registry, regex.getKey()),
                    pattern(at + ": images-by-tag-regex: " + regex.getKey(), regex.getValue().asText()));
        }
        Map<String, SemverConstraint> constraints = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> semver : mapping(at, node, "images-by-semver")) {
            constraints.put(repository(at, registry, semver.getKey()),
                    constraint(at + ": images-by-semver: " + semver.getKey(), semver.getValue()));
        }
        TagFilter filter = TagFilter.read(at, node.get("tags"));
        List<Platform> platforms = platforms(at, node.get("platforms"));
        JsonNode tls = node.get("tls-verify");
        if (tls != null && !tls.isBoolean()) {
            throw new IllegalArgumentException(at + ": tls-verify: expected true or false");
        }
        JsonNode credentials = node.get("credentials");
        Credentials login = null;
        if (credentials != null && !credentials.isNull()) {
            if (!credentials.path("username").isTextual() || !credentials.path("password").isTextual()) {
                throw new IllegalArgumentException(at + ": credentials: expected username and password");
            }
            login = Credentials.basic(credentials.get("username").asText(), credentials.get("password").asText());
        }
        String certDir = text(at, node, "cert-dir");
        String destination = text(at, node, "destination");
        if (destination != null) {
            checkDestination(at + ": destination", destination);
        }
        JsonNode referrers = node.get("include-referrers");
        if (referrers != null && !referrers.isBoolean()) {
            throw new IllegalArgumentException(at + ": include-referrers: expected true or false");
        }
        return new Source(registry, images, patterns, constraints, filter, platforms,
                tls == null ? null : tls.asBoolean(), login, certDir == null ? null : Path.of(certDir), destination,
                concurrency(at, node), referrers != null && referrers.asBoolean());
    }

    /** A regular expression, or one line naming {@code where} and what is wrong in it. */
    static Pattern pattern(String where, String expression) {
        try {
            return Pattern.compile(expression);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(where + ": invalid regular expression: " + e.getDescription());
        }
    }

    /** A semver constraint (a string), or one line naming {@code where} and what is wrong in it. */
    static SemverConstraint constraint(String where, JsonNode node) {
        if (!node.isTextual()) {
            throw new IllegalArgumentException(where + ": expected a constraint in quotes, such as \">= 1.2, < 2\"");
        }
        try {
            return SemverConstraint.parse(node.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static List<Platform> platforms(String at, JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException(at + ": platforms: expected a list such as [linux/amd64, linux/arm64]");
        }
        List<Platform> platforms = new ArrayList<>();
        for (JsonNode platform : node) {
            try {
                platforms.add(Platform.parse(platform.asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": platforms: " + e.getMessage());
            }
        }
        return List.copyOf(platforms);
    }

    /** jreg's {@code concurrency} key: a whole number, at least 1; null when not given. */
    private static Integer concurrency(String at, JsonNode node) {
        JsonNode value = node.get("concurrency");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 1) {
            throw new IllegalArgumentException(at + ": concurrency: expected a whole number of at least 1");
        }
        return value.intValue();
    }

    /** What is wrong in a YAML file, and where: {@code line 3, column 5: not valid YAML: …}, or a key given twice. */
    private static String yamlError(com.fasterxml.jackson.core.JacksonException e) {
        String where = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": ";
        java.util.regex.Matcher duplicate = Pattern.compile("Duplicate field '(.*)' for").matcher(
                e.getOriginalMessage());
        if (duplicate.find()) {
            // no line: the parser knows only where the mapping holding it ends
            return "key \"" + duplicate.group(1) + "\" given twice";
        }
        String problem = e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked
                && marked.getProblem() != null ? marked.getProblem() : e.getOriginalMessage();
        return where + "not valid YAML: " + problem.strip();
    }

    /**
     * Checks a {@code REGISTRY[/PREFIX]} destination: a repository can be named under it.
     *
     * @throws IllegalArgumentException prefixed by {@code what}
     */
    public static void checkDestination(String what, String destination) {
        if (destination.isEmpty() || Reference.tryParse(destination + "/x:1").isEmpty()) {
            throw new IllegalArgumentException(what + ": not REGISTRY[/PREFIX]: " + destination);
        }
    }

    /** The repository path, checked as a reference under the registry would be. */
    private static String repository(String at, String registry, String repository) {
        return Reference.tryParse(registry + "/" + repository + ":latest").map(Reference::repository)
                .orElseThrow(() -> new IllegalArgumentException(at + ": invalid repository: " + repository));
    }

    private static Iterable<Map.Entry<String, JsonNode>> mapping(String at, JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isObject()) {
            throw new IllegalArgumentException(at + ": " + key + ": expected a mapping of repositories");
        }
        return value.properties();
    }

    private static String text(String at, JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(at + ": " + key + ": expected a string");
        }
        return value.asText();
    }
}
