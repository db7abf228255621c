package dev.jreg.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.layout.OciLayout;
import dev.jreg.model.Descriptor;
import dev.jreg.model.ImageIndex;
import dev.jreg.model.ManifestBlob;
import dev.jreg.model.MediaType;
import dev.jreg.model.Platform;
import dev.jreg.model.Reference;
import dev.jreg.testing.TestImages.Layer;
import dev.jreg.testing.TestImages;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command's JSON output against the tables of docs/OUTPUT.md, read from the document itself:
 * each documented field is in every object it belongs to, with its documented type (null where
 * the type allows it), each field marked "only" appears in some output, and no output has a field
 * the document does not list. A command that gains {@code --format} without a section fails too.
 */
class OutputFormatTest {
    static final Path DOC = Path.of("../docs/OUTPUT.md");
    static final Pattern SECTION = Pattern.compile("^## `jreg ([^`]*--format json[^`]*)`\\s*$");
    static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path layoutDir;
    Layer base;
    Layer top;

    static final String COPY = "COPY --chown=app:app --chmod=0755 build/output/app /usr/local/bin/app";

    /**
     * One documented field.
     *
     * @param path {@code image.layers[].digest}: keys joined by dots, {@code []} for an array's elements
     * @param types the JSON node types allowed (lower case: string, number, boolean, array, object, null)
     * @param only true when the field is left out where it does not apply
     */
    record Field(String path, Set<String> types, boolean only) {
        String parent() {
            int dot = path.lastIndexOf('.');
            return dot < 0 ? "" : path.substring(0, dot);
        }

        String key() {
            return path.substring(path.lastIndexOf('.') + 1);
        }
    }

    /** The document's JSON sections by command ({@code tags --details}), each with its fields. */
    static Map<String, List<Field>> documented() throws IOException {
        Map<String, List<Field>> sections = new LinkedHashMap<>();
        List<Field> fields = null;
        for (String line : Files.readAllLines(DOC)) {
            Matcher heading = SECTION.matcher(line);
            if (heading.matches()) {
                fields = new ArrayList<>();
                sections.put(command(heading.group(1)), fields);
            } else if (line.startsWith("## ")) {
                fields = null;
            } else if (fields != null && line.startsWith("| `")) {
                String[] cells = line.split("\\|");
                Set<String> types = new TreeSet<>();
                for (String alternative : cells[2].trim().split(" or ")) {
                    types.add(alternative.trim().split(" ")[0]);
                }
                boolean only = cells[3].trim().startsWith("only");
                Matcher code = CODE.matcher(cells[1]);
                String first = null;
                while (code.find()) {
                    String name = code.group(1);
                    // `.mediaType` after `platforms[].digest` is platforms[].mediaType.
                    String path = name.startsWith(".") ? new Field(first, types, only).parent() + name : name;
                    first = first == null ? path : first;
                    fields.add(new Field(path, types, only));
                }
            }
        }
        return sections;
    }

    /** {@code tags --details --format json REPOSITORY} → {@code tags --details}. */
    static String command(String usage) {
        List<String> words = new ArrayList<>();
        for (String word : usage.split(" ")) {
            if (!word.equals("--format") && !word.equals("json") && !word.equals(word.toUpperCase(Locale.ROOT))) {
                words.add(word);
            }
        }
        return String.join(" ", words);
    }

    /** Checks one JSON document; returns the paths of the fields it has. */
    static Set<String> check(String what, JsonNode document, List<Field> fields) {
        Map<String, Field> byPath = new LinkedHashMap<>();
        fields.forEach(f -> byPath.put(f.path(), f));
        Set<String> seen = new LinkedHashSet<>();
        walk(what, document, "", byPath, seen);
        for (Field field : fields) {
            if (!field.only()) {
                for (JsonNode parent : at(document, field.parent())) {
                    assertTrue(parent.has(field.key()), what + ": documented field " + field.path() + " missing in "
                            + parent);
                }
            }
        }
        return seen;
    }

    private static void walk(String what, JsonNode node, String path, Map<String, Field> fields, Set<String> seen) {
        String children = path.isEmpty() ? "" : path + ".";
        if (node.isObject()) {
            if (!path.isEmpty() && fields.keySet().stream().noneMatch(p -> p.startsWith(children))) {
                return; // a free-form object, such as labels
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> entry = it.next();
                String child = children + entry.getKey();
                Field field = fields.get(child);
                assertTrue(field != null, what + ": field " + child + " is not in docs/OUTPUT.md");
                String type = entry.getValue().getNodeType().name().toLowerCase(Locale.ROOT);
                assertTrue(field.types().contains(type), what + ": " + child + " is " + type + ", documented as "
                        + field.types());
                seen.add(child);
                walk(what, entry.getValue(), child, fields, seen);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                walk(what, element, path + "[]", fields, seen);
            }
        }
    }

    /** Every node at a path of the document ({@code image.layers[]}: each layer). */
    private static List<JsonNode> at(JsonNode document, String path) {
        List<JsonNode> nodes = new ArrayList<>(List.of(document));
        if (path.isEmpty()) {
            return nodes;
        }
        for (String step : path.split("\\.")) {
            boolean elements = step.endsWith("[]");
            String key = elements ? step.substring(0, step.length() - 2) : step;
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : nodes) {
                JsonNode child = key.isEmpty() ? node : node.get(key);
                if (child != null && elements) {
                    child.forEach(next::add);
                } else if (child != null && !child.isNull()) {
                    next.add(child);
                }
            }
            nodes = next;
        }
        return nodes;
    }

    @BeforeEach
    void fixtures() throws Exception {
        LocalStore local = LocalStore.open(store);
        base = TestImages.layer(71, 30_000);
        top = TestImages.layer(72, 20_000);
        // Every runtime field set, a step that made no layer, labels and ports.
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", "2024-05-06T07:08:09Z");
        config.put("author", "Jane <jane@example.com>");
        config.put("architecture", "amd64");
        config.put("os", "linux");
        config.put("config", Map.of("Env", List.of("PATH=/bin"), "Entrypoint", List.of("/app"), "Cmd", List.of("--serve"),
                "WorkingDir", "/srv", "User", "app", "ExposedPorts", Map.of("80/tcp", Map.of()),
                "Labels", Map.of("org.opencontainers.image.title", "app")));
        config.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(base.diffId().toString(), top.diffId().toString())));
        config.put("history", List.of(Map.of("created_by", "ADD base /"), Map.of("created_by", "ENV PATH=/bin",
                "empty_layer", true), Map.of("created_by", COPY, "comment", "buildkit.dockerfile.v0")));
        local.setName(Reference.parse("app:full"), TestImages.storeImage(local, config, List.of(base, top)).descriptor());
        // Nothing but the platform: every runtime field null.
        TestImages.writeImage(local, Reference.parse("app:plain"), Platform.of("linux", "amd64", null), List.of(base));

        OciLayout layout = OciLayout.open(layoutDir);
        ManifestBlob amd64 = TestImages.storeImage(layout, Platform.of("linux", "amd64", null), List.of(base));
        ManifestBlob arm64 = TestImages.storeImage(layout, Platform.of("linux", "arm64", "v8"), List.of(top));
        ManifestBlob attestation = TestImages.storeImage(layout, Map.of("architecture", "unknown", "os", "unknown"),
                List.of(TestImages.layer(73, 1_000)));
        ManifestBlob index = ManifestBlob.create(new ImageIndex(2, MediaType.OCI_INDEX, null, List.of(
                amd64.descriptor().withPlatform(Platform.of("linux", "amd64", null)),
                arm64.descriptor().withPlatform(Platform.of("linux", "arm64", "v8")),
                attestation.descriptor().withPlatform(Platform.of("unknown", "unknown", null)).withAnnotations(Map.of(
                        Descriptor.REFERENCE_TYPE, "attestation-manifest", Descriptor.REFERENCE_DIGEST,
                        amd64.digest().toString()))), null, null));
        layout.putBytes(index.digest(), index.bytes());
        layout.setName("multi", index.descriptor());
        layout.setName("single", amd64.descriptor());

        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
        registry.stubFor(get(urlPathEqualTo("/v2/_catalog")).willReturn(okJson("{\"repositories\":[\"app\",\"multi\"]}")));
        registry.stubFor(get(urlEqualTo("/v2/multi/tags/list")).willReturn(okJson("{\"name\":\"multi\",\"tags\":[]}")));
        // An image with one referrer through the referrers API, which sync reads as a source too.
        registry.stubFor(any(urlEqualTo("/v2/refd/manifests/1")).willReturn(aResponse().withBody(amd64.bytes())
                .withHeader("Content-Type", amd64.mediaType().value())
                .withHeader("Docker-Content-Digest", amd64.digest().toString())));
        registry.stubFor(get(urlEqualTo("/v2/refd/tags/list")).willReturn(okJson("{\"name\":\"refd\",\"tags\":[\"1\"]}")));
        registry.stubFor(get(urlEqualTo("/v2/refd/referrers/" + amd64.digest())).willReturn(aResponse()
                .withHeader("Content-Type", MediaType.OCI_INDEX.value())
                .withBody("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":"
                        + "[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:"
                        + "ab".repeat(32) + "\",\"size\":512,\"artifactType\":\"application/spdx+json\","
                        + "\"annotations\":{\"org.opencontainers.image.created\":\"2024-01-02T03:04:05Z\"}}]}")));
        Files.writeString(home.resolve("sync.yaml"), "127.0.0.1:" + registry.getPort() + ":\n  tls-verify: false\n"
                + "  images:\n    refd: [\"1\"]\n");
    }

    /** The runs that produce each documented output, between them every field marked "only". */
    Map<String, List<String[]>> runs() {
        String layout = "oci:" + layoutDir;
        String registryHost = "127.0.0.1:" + registry.getPort();
        Map<String, List<String[]>> runs = new LinkedHashMap<>();
        runs.put("inspect", List.of(
                new String[] {"inspect", "--format", "json", layout + ":multi"},
                new String[] {"inspect", "--format", "json", "--platform", "linux/arm64", layout + ":multi"},
                new String[] {"inspect", "--format", "json", "local:app:full"},
                new String[] {"inspect", "--format", "json", "--local", "app:plain"}));
        runs.put("tags", List.of(
                new String[] {"tags", "--format", "json", "local:app"},
                new String[] {"tags", "--format", "json", layout},
                new String[] {"tags", "--format", "json", registryHost + "/multi"}));
        runs.put("tags --details", List.of(
                new String[] {"tags", "--details", "--format", "json", "local:app"},
                new String[] {"tags", "--details", "--format", "json", layout}));
        runs.put("catalog", List.<String[]>of(new String[] {"catalog", "--format", "json", registryHost}));
        runs.put("history", List.of(new String[] {"history", "--format", "json", "local:app:full"},
                new String[] {"history", "--format", "json", "--no-human", "--no-trunc", "local:app:full"}));
        runs.put("images", List.<String[]>of(new String[] {"images", "--format", "json"}));
        runs.put("referrers", List.<String[]>of(new String[] {"referrers", "--format", "json", registryHost + "/refd:1"}));
        runs.put("sync", List.<String[]>of(new String[] {"sync", "--config", home.resolve("sync.yaml").toString(), "--dest",
                registryHost + "/mirror", "--dry-run", "--format", "json"}));
        return runs;
    }

    @Test
    void everyJsonOutputHasExactlyTheDocumentedFields() throws Exception {
        Map<String, List<Field>> sections = documented();
        Map<String, List<String[]>> runs = runs();
        assertEquals(runs.keySet(), sections.keySet(), "a run for every JSON output docs/OUTPUT.md documents");
        for (Map.Entry<String, List<Field>> section : sections.entrySet()) {
            assertFalse(section.getValue().isEmpty(), section.getKey() + ": no fields read from docs/OUTPUT.md");
            Set<String> seen = new LinkedHashSet<>();
            for (String[] args : runs.get(section.getKey())) {
                Cli.Result result = new Cli(home, store).run(args);
                assertEquals(0, result.exitCode(), result::toString);
                assertFalse(result.out().isBlank(), result::toString);
                for (String line : result.out().lines().toList()) {
                    seen.addAll(check(String.join(" ", args), Json.parse(line), section.getValue()));
                }
            }
            for (Field field : section.getValue()) {
                assertTrue(seen.contains(field.path()), section.getKey() + ": no run shows " + field.path());
            }
        }
    }

    @Test
    void everyCommandWithJsonOutputIsDocumented() throws Exception {
        Set<String> documentedCommands = new TreeSet<>();
        documented().keySet().forEach(command -> documentedCommands.add(command.split(" ")[0]));
        CliContext context = new CliContext(Map.of(), home, java.io.InputStream.nullInputStream(),
                java.io.OutputStream.nullOutputStream(), new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), false);
        JregCommand root = new JregCommand(context);
        Set<String> withFormat = new TreeSet<>();
        for (var command : new LinkedHashSet<>(JregCommand.COMMANDS.values())) {
            var spec = command.apply(root);
            // copy's and push's --format chooses a manifest format, not an output.
            if (spec.findOption("--format") != null && spec.findOption("--format").paramLabel().contains("json")) {
                withFormat.add(spec.name());
            }
        }
        assertEquals(withFormat, documentedCommands);
    }

    Cli.Result ok(String... args) {
        return new Cli(home, store).ok(args);
    }

    @Test
    void tagsNamesTheRepositoryWithoutATagAndKeepsAnEmptyList() {
        String host = "127.0.0.1:" + registry.getPort();
        assertEquals("{\"name\":\"" + host + "/multi\",\"tags\":[]}\n", ok("tags", "--format", "json", host + "/multi").out());
        assertEquals("{\"name\":\"" + host + "/multi\",\"tags\":[]}\n", ok("tags", "--format", "json", host + "/multi:7").out(),
                "a tag given is ignored");
        registry.stubFor(get(urlEqualTo("/v2/nulls/tags/list")).willReturn(okJson("{\"name\":\"nulls\",\"tags\":null}")));
        assertEquals("{\"name\":\"" + host + "/nulls\",\"tags\":[]}\n", ok("tags", "--format", "json", host + "/nulls").out());
        assertEquals("{\"name\":\"local:docker.io/library/app\",\"tags\":[\"full\",\"plain\"]}\n",
                ok("tags", "--format", "json", "local:app").out());
        assertEquals("{\"name\":\"oci:" + layoutDir + "\",\"tags\":[\"multi\",\"single\"]}\n",
                ok("tags", "--format", "json", "oci:" + layoutDir).out());
        assertEquals("{\"repositories\":[\"app\",\"multi\"]}\n", ok("catalog", "--format", "json", host).out());
    }

    @Test
    void inspectJsonHasEntrypointUserAuthorAndPortsAndNullsWhereTheConfigHasNone() throws Exception {
        JsonNode full = Json.parse(ok("inspect", "--format", "json", "local:app:full").out()).path("image");
        assertEquals("[\"/app\"]", Json.write(full.path("entrypoint")));
        assertEquals("app", full.path("user").asText());
        assertEquals("Jane <jane@example.com>", full.path("author").asText());
        assertEquals("[\"80/tcp\"]", Json.write(full.path("exposedPorts")));
        assertEquals("/srv", full.path("workingDir").asText());
        assertEquals("{\"org.opencontainers.image.title\":\"app\"}", Json.write(full.path("labels")));
        List<String> layers = new ArrayList<>();
        full.path("history").forEach(step -> layers.add(step.path("layer").isNull() ? null : step.path("layer").asText()));
        assertEquals(java.util.Arrays.asList(base.descriptor().digest().toString(), null, top.descriptor().digest().toString()),
                layers, "the step marked empty_layer made none; the others take the layers in order");

        JsonNode plain = Json.parse(ok("inspect", "--format", "json", "local:app:plain").out()).path("image");
        for (String field : List.of("entrypoint", "user", "author", "exposedPorts", "workingDir", "labels")) {
            assertTrue(plain.has(field) && plain.get(field).isNull(), field + " is there, null: " + plain);
        }
    }

    @Test
    void historyTableNamesEachStepsLayerAndCutsCommandsUnlessNoTrunc() {
        String out = ok("inspect", "local:app:full").out();
        List<String> history = out.substring(out.indexOf("History:")).lines().skip(1).toList();
        assertEquals("CREATED   LAYER          CREATED BY", history.get(0).strip());
        assertEquals(base.descriptor().digest().shortHex() + "   ADD base /", history.get(1).strip());
        assertEquals("-              ENV PATH=/bin", history.get(2).strip());
        assertEquals(top.descriptor().digest().shortHex() + "   " + COPY.substring(0, 44) + "…", history.get(3).strip());

        String whole = ok("inspect", "--no-trunc", "local:app:full").out();
        List<String> rows = whole.substring(whole.indexOf("History:")).lines().skip(1).toList();
        assertEquals(top.descriptor().digest() + "   " + COPY, rows.get(3).strip());
        assertEquals("-" + " ".repeat(top.descriptor().digest().toString().length() + 2) + "ENV PATH=/bin", rows.get(2).strip());

        // Every line but the image's own digest fits 80 columns; --no-trunc shows the config's whole.
        assertEquals(List.of(), out.lines().filter(l -> l.length() > 80 && !l.startsWith("Digest:")).toList());
        String config = whole.lines().filter(l -> l.startsWith("Config:")).findFirst().orElseThrow();
        assertTrue(config.matches("Config: +sha256:[0-9a-f]{64} \\(\\d+ bytes\\)"), config);
    }
}
