package dev.jreg.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.internal.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest, index and config in testdata, rewritten through the model: unchanged, and after
 * an edit of one known field, every other field is as it was — values, numbers exactly, and the
 * order of the fields the model does not name.
 */
class DocumentRoundTripTest {
    static final List<Path> FOLDERS = List.of(Path.of("..", "testdata", "documents"), ManifestBlobTest.GOLDEN);
    /** Every field name the model writes itself; the others are kept as they came. */
    static final Set<String> NAMED = Set.of("schemaVersion", "mediaType", "artifactType", "config", "layers", "manifests",
            "subject", "annotations", "digest", "size", "platform", "urls", "os", "architecture", "variant", "os.version",
            "os.features", "created", "author", "rootfs", "history", "type", "diff_ids", "created_by", "comment",
            "empty_layer", "Env", "Cmd", "Entrypoint", "WorkingDir", "User", "ExposedPorts", "Labels", "Volumes",
            "StopSignal");
    /** Named fields that are maps of data, whose keys the model writes in its own order. */
    static final Set<String> MAPS = Set.of("annotations", "Labels", "ExposedPorts", "Volumes");
    static final String EDITED = "org.example.edited";

    static Stream<Path> documents() throws Exception {
        List<Path> files = new ArrayList<>();
        for (Path folder : FOLDERS) {
            try (Stream<Path> list = Files.list(folder)) {
                // schema 1 is refused before the model reads it.
                list.filter(p -> p.toString().endsWith(".json") && !p.endsWith("schema1.json")).sorted().forEach(files::add);
            }
        }
        return files.stream();
    }

    enum Kind { INDEX, MANIFEST, CONFIG }

    static Kind kind(JsonNode document) {
        if (document.has("manifests")) {
            return Kind.INDEX;
        }
        return document.path("config").has("mediaType") ? Kind.MANIFEST : Kind.CONFIG;
    }

    static ObjectNode read(Path file) throws Exception {
        return (ObjectNode) Json.parse(Files.readAllBytes(file));
    }

    /** The document as the model writes it back, read again. */
    static JsonNode rewritten(Object record) throws Exception {
        ObjectNode json = record instanceof Manifest m ? m.toJson() : record instanceof ImageConfig c ? c.toJson() : null;
        return Json.parse(Json.bytes(json));
    }

    static Object model(JsonNode document) {
        return switch (kind(document)) {
            case INDEX -> ImageIndex.fromJson(document);
            case MANIFEST -> ImageManifest.fromJson(document);
            case CONFIG -> ImageConfig.fromJson(document);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void rewritingWithoutAnEditChangesNothing(Path file) throws Exception {
        ObjectNode original = read(file);
        assertSameDocument(original, rewritten(model(original)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void anEditChangesItsFieldAndNothingElse(Path file) throws Exception {
        ObjectNode original = read(file);
        ObjectNode expected = original.deepCopy();
        Object edited = switch (kind(original)) {
            case INDEX -> {
                // A child's annotations: the other fields of that descriptor, of its platform and of the index stay.
                ImageIndex index = ImageIndex.fromJson(original);
                List<Descriptor> children = new ArrayList<>(index.manifests());
                children.set(0, annotated(children.get(0)));
                annotate((ObjectNode) expected.get("manifests").get(0));
                yield new ImageIndex(index.schemaVersion(), index.mediaType(), index.artifactType(), children,
                        index.subject(), index.annotations(), index.otherFields());
            }
            case MANIFEST -> {
                // The manifest's annotations and its first layer's.
                ImageManifest manifest = ImageManifest.fromJson(original);
                List<Descriptor> layers = new ArrayList<>(manifest.layers());
                layers.set(0, annotated(layers.get(0)));
                annotate((ObjectNode) expected.get("layers").get(0));
                annotate(expected);
                Map<String, String> annotations = new HashMap<>(manifest.annotations());
                annotations.put(EDITED, "yes");
                yield new ImageManifest(manifest.schemaVersion(), manifest.mediaType(), manifest.artifactType(),
                        manifest.config(), layers, manifest.subject(), annotations, manifest.otherFields());
            }
            case CONFIG -> {
                // The environment, as a commit would change it, and the creation time.
                ImageConfig config = ImageConfig.fromJson(original);
                ImageConfig.Container c = config.config();
                List<String> env = new ArrayList<>(c.env());
                env.add("EDITED=1");
                ((ArrayNode) expected.get("config").get("Env")).add("EDITED=1");
                expected.put("created", "2030-01-02T03:04:05.123456789Z");
                yield new ImageConfig("2030-01-02T03:04:05.123456789Z", config.author(), config.os(), config.architecture(),
                        config.variant(), new ImageConfig.Container(env, c.cmd(), c.entrypoint(), c.workingDir(), c.user(),
                                c.exposedPorts(), c.labels(), c.volumes(), c.stopSignal(), c.otherFields()),
                        config.rootfs(), config.history(), config.otherFields());
            }
        };
        JsonNode actual = rewritten(edited);
        assertNotEquals(original, actual, "the edit is written");
        assertSameDocument(expected, actual);
    }

    private static Descriptor annotated(Descriptor descriptor) {
        Map<String, String> annotations = new HashMap<>(descriptor.annotations());
        annotations.put(EDITED, "yes");
        return descriptor.withAnnotations(annotations);
    }

    private static void annotate(ObjectNode expected) {
        (expected.has("annotations") ? (ObjectNode) expected.get("annotations") : expected.putObject("annotations"))
                .put(EDITED, "yes");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void manifestBytesAreKeptAsTheyCame(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        if (kind(Json.parse(bytes)) != Kind.CONFIG) {
            ManifestBlob blob = ManifestBlob.of(bytes, null);
            assertArrayEquals(bytes, blob.bytes());
            assertEquals(Digest.sha256(bytes), blob.digest());
        }
    }

    /** Values beyond long and double, in fields the model does not name, keep their exact values. */
    @Test
    void numbersKeepTheirExactValues() throws Exception {
        String text = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"x-big\":18446744073709551617,"
                + "\"x-negative\":-9223372036854775809,\"x-decimal\":1.10,\"x-tiny\":4.9e-324,\"x-huge\":1e400,"
                + "\"x-precise\":0.1000000000000000055511151231257827,\"config\":{\"Memory\":3221225472,\"CpuShares\":0}}";
        ObjectNode original = (ObjectNode) Json.parse(text);
        String written = Json.write(ImageConfig.fromJson(original).toJson());
        assertSameDocument(original, Json.parse(written));
        for (String number : List.of("18446744073709551617", "-9223372036854775809", "1.10", "0.1000000000000000055511151231257827",
                "3221225472")) {
            assertEquals(true, written.contains(":" + number), number + " in " + written);
        }
    }

    /** Equal as trees (numbers by type and value), and the fields the model does not name in their order, byte for byte. */
    static void assertSameDocument(JsonNode expected, JsonNode actual) {
        assertEquals(expected, actual);
        assertSameOrder(expected, actual, "$");
    }

    private static void assertSameOrder(JsonNode expected, JsonNode actual, String path) {
        if (expected.isObject()) {
            assertEquals(others(expected), others(actual), path + ": fields the model does not name, in order");
            for (Map.Entry<String, JsonNode> field : expected.properties()) {
                String at = path + "." + field.getKey();
                if (!NAMED.contains(field.getKey())) {
                    assertEquals(Json.write(field.getValue()), Json.write(actual.get(field.getKey())), at);
                } else if (!MAPS.contains(field.getKey())) {
                    assertSameOrder(field.getValue(), actual.get(field.getKey()), at);
                }
            }
        } else if (expected.isArray()) {
            for (int i = 0; i < expected.size(); i++) {
                assertSameOrder(expected.get(i), actual.get(i), path + "[" + i + "]");
            }
        }
    }

    private static List<String> others(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(name -> {
            if (!NAMED.contains(name)) {
                names.add(name);
            }
        });
        return names;
    }
}
