package dev.jreg.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
    private static final Digest CONFIG = Digest.parse("sha256:" + "a".repeat(64));
    private static final Digest LAYER = Digest.parse("sha256:" + "b".repeat(64));

    @Test
    void parsesEveryKindOfValue() throws Exception {
        JsonNode root = Json.parse("{\"s\":\"é\\n\",\"i\":7,\"l\":12345678901,\"big\":123456789012345678901234,"
                + "\"f\":1.5,\"t\":true,\"n\":null,\"a\":[1,[],{}],\"o\":{\"k\":\"v\"}}");
        assertEquals("é\n", root.get("s").textValue());
        assertTrue(root.get("i").isInt());
        assertTrue(root.get("l").isLong());
        assertTrue(root.get("big").isBigInteger());
        assertEquals(1.5, root.get("f").doubleValue());
        assertTrue(root.get("t").booleanValue());
        assertTrue(root.get("n").isNull());
        assertEquals(3, root.get("a").size());
        assertEquals("v", root.get("o").get("k").textValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{} {}", "{\"a\":1} x", "[1,2", "{\"a\":}", "{'a':1}", "[1,]"})
    void refusesWhatIsNotOneJsonValue(String text) {
        assertThrows(JacksonException.class, () -> Json.parse(text));
    }

    @Test
    void refusesDeepNesting() {
        String deep = "[".repeat(100) + "]".repeat(100);
        assertThrows(JacksonException.class, () -> Json.parse(deep));
    }

    @Test
    void emptyInputIsMissing() throws Exception {
        assertTrue(Json.parse(new byte[0]).isMissingNode());
        assertTrue(Json.parse("  ").isMissingNode());
    }

    @Test
    void writesTreesAsTheyAreAndPrettyAsJacksonDoes() throws Exception {
        JsonNode tree = Json.parse("{\"a\":{\"b\":[1,2,{}],\"c\":[]},\"d\":\"\",\"e\":null}");
        assertEquals("{\"a\":{\"b\":[1,2,{}],\"c\":[]},\"d\":\"\",\"e\":null}", Json.write(tree));
        assertEquals("{\n  \"a\" : {\n    \"b\" : [ 1, 2, { } ],\n    \"c\" : [ ]\n  },\n  \"d\" : \"\",\n  \"e\" : null\n}",
                new String(Json.pretty(tree), StandardCharsets.UTF_8));
    }

    @Test
    void manifestsSerialiseInTheSpecsOrderWithoutEmptyFieldsAndWithSortedAnnotations() {
        Descriptor layer = new Descriptor(MediaType.OCI_LAYER_GZIP, LAYER, 20, null, Map.of("z", "1", "a", "2", "m", "3", "c", "4", "x", "5"), null, null);
        ImageManifest manifest = new ImageManifest(2, MediaType.OCI_MANIFEST, null,
                Descriptor.of(MediaType.OCI_CONFIG, CONFIG, 10), List.of(layer), null, Map.of());
        assertEquals("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + CONFIG
                + "\",\"size\":10},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\"" + LAYER + "\",\"size\":20,\"annotations\":{\"a\":\"2\",\"c\":\"4\",\"m\":\"3\",\"x\":\"5\",\"z\":\"1\"}}]}",
                Json.write(manifest.toJson()));
    }

    @Test
    void theModelSurvivesARoundTrip() throws Exception {
        Descriptor child = new Descriptor(MediaType.OCI_MANIFEST, LAYER, 300,
                new Platform("linux", "arm64", "v8", "1.0", List.of("f")), Map.of("k", "v"), List.of("https://x/y"), "t");
        ImageIndex index = new ImageIndex(2, MediaType.OCI_INDEX, "art", List.of(child),
                Descriptor.of(MediaType.OCI_MANIFEST, CONFIG, 5), Map.of("a", "b"));
        assertEquals(index, ImageIndex.fromJson(Json.parse(Json.bytes(index.toJson()))));
        assertEquals("{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\",\"os.version\":\"1.0\","
                + "\"os.features\":[\"f\"]}", Json.write(child.platform().toJson()));
    }

    @Test
    void descriptorsSayWhatIsWrong() throws Exception {
        String digest = "\"digest\":\"" + CONFIG + "\"";
        assertEquals("descriptor without size", assertThrows(IllegalArgumentException.class,
                () -> Descriptor.fromJson(Json.parse("{\"mediaType\":\"a/b\"," + digest + "}"))).getMessage());
        assertEquals("\"size\" is not an integer", assertThrows(IllegalArgumentException.class,
                () -> Descriptor.fromJson(Json.parse("{\"mediaType\":\"a/b\"," + digest + ",\"size\":\"12\"}"))).getMessage());
        assertEquals("\"size\" is not an integer", assertThrows(IllegalArgumentException.class,
                () -> Descriptor.fromJson(Json.parse("{\"mediaType\":\"a/b\"," + digest + ",\"size\":1.5}"))).getMessage());
        assertEquals("descriptor without mediaType", assertThrows(IllegalArgumentException.class,
                () -> Descriptor.fromJson(Json.parse("{" + digest + ",\"size\":1}"))).getMessage());
        assertEquals("\"urls\" is not an array of strings", assertThrows(IllegalArgumentException.class,
                () -> Descriptor.fromJson(Json.parse("{\"mediaType\":\"a/b\"," + digest + ",\"size\":1,\"urls\":[1]}")))
                .getMessage());
        assertEquals("descriptor is not a JSON object", assertThrows(IllegalArgumentException.class,
                () -> Descriptor.fromJson(Json.parse("[]"))).getMessage());
    }

    @Test
    void configsKeepWhatJregShowsAndIgnoreTheRest() throws Exception {
        ImageConfig config = ImageConfig.fromJson(Json.parse("{\"architecture\":\"amd64\",\"os\":\"linux\","
                + "\"unknown\":{\"deep\":[1]},\"config\":{\"Env\":[\"A=1\"],\"Cmd\":null,\"ExposedPorts\":{\"80/tcp\":{}},"
                + "\"Labels\":{\"a\":\"b\",\"gone\":null},\"Hostname\":\"\"},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + "c".repeat(64) + "\"]},"
                + "\"history\":[{\"created_by\":\"RUN x\",\"empty_layer\":true},{\"comment\":\"c\"}]}"));
        assertEquals(Platform.of("linux", "amd64", null), config.platform());
        assertEquals(List.of("A=1"), config.config().env());
        assertNull(config.config().cmd());
        assertEquals(List.of("80/tcp"), List.copyOf(config.config().exposedPorts().keySet()));
        assertEquals(Map.of("a", "b"), config.config().labels());
        assertEquals(1, config.rootfs().diffIds().size());
        assertEquals(2, config.history().size());
        assertTrue(config.history().get(0).emptyLayer());
        assertFalse(config.history().get(1).emptyLayer());
        assertEquals("\"empty_layer\" is not true or false", assertThrows(IllegalArgumentException.class,
                () -> ImageConfig.fromJson(Json.parse("{\"history\":[{\"empty_layer\":\"yes\"}]}"))).getMessage());
    }

    /** The descriptor's {@code data} (image spec: the embedded content), which the model does not name, survives an edit. */
    @Test
    void aDescriptorKeepsItsData() throws Exception {
        String empty = "{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":"
                + "\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2,\"data\":\"e30=\"}";
        Descriptor descriptor = Descriptor.fromJson(Json.parse(empty));
        assertEquals(empty, Json.write(descriptor.toJson()));
        assertEquals("{\"data\":\"e30=\"}", Json.write(descriptor.otherFields()));
        assertEquals("{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":"
                + "\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2,"
                + "\"annotations\":{\"k\":\"v\"},\"data\":\"e30=\"}",
                Json.write(descriptor.withAnnotations(Map.of("k", "v")).toJson()));
        assertNotEquals(Descriptor.of(descriptor.mediaType(), descriptor.digest(), 2), descriptor, "a descriptor with data is another");
    }

    /**
     * More shapes: a field of a platform the model does not name (the manifest list's old
     * {@code features}), a layout entry's own field, named fields given as null or empty, in the
     * document's order after the ones the model writes.
     */
    @Test
    void everyLevelKeepsWhatItDoesNotName() throws Exception {
        String entry = "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"x-first\":1,\"digest\":\"" + LAYER
                + "\",\"size\":7,\"urls\":null,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\","
                + "\"features\":[\"sse4\"],\"os.features\":[]},\"annotations\":{},\"x-last\":{\"b\":[true],\"a\":null}}";
        Descriptor read = Descriptor.fromJson(Json.parse(entry));
        assertEquals("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + LAYER + "\",\"size\":7,"
                + "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\",\"features\":[\"sse4\"],\"os.features\":[]},"
                + "\"x-first\":1,\"urls\":null,\"annotations\":{},\"x-last\":{\"b\":[true],\"a\":null}}",
                Json.write(read.toJson()));
        Descriptor normalised = read.withPlatform(read.platform().normalized());
        assertEquals("[\"sse4\"]", Json.write(normalised.toJson().get("platform").get("features")));
        Descriptor annotated = read.withAnnotations(Map.of("a", "b"));
        assertEquals("{\"a\":\"b\"}", Json.write(annotated.toJson().get("annotations")), "a value given replaces the empty one");
    }

    /** Records made in code equal the same records read back: they keep nothing else. */
    @Test
    void aConfigMadeInCodeReadsBackEqual() throws Exception {
        ImageConfig config = new ImageConfig("2024-01-02T03:04:05.123456789Z", null, "linux", "arm64", "v8",
                new ImageConfig.Container(List.of("A=1"), List.of("sh"), null, "/w", "1000", Map.of("80/tcp", Map.of()),
                        Map.of("b", "2", "a", "1"), null, "SIGTERM", null),
                new ImageConfig.RootFs("layers", List.of("sha256:" + "c".repeat(64)), null),
                List.of(new ImageConfig.History("2024-01-02T03:04:05Z", "RUN x", true, null, null, null)));
        assertEquals("{\"created\":\"2024-01-02T03:04:05.123456789Z\",\"architecture\":\"arm64\",\"os\":\"linux\","
                + "\"variant\":\"v8\",\"config\":{\"User\":\"1000\",\"ExposedPorts\":{\"80/tcp\":{}},\"Env\":[\"A=1\"],"
                + "\"Cmd\":[\"sh\"],\"WorkingDir\":\"/w\",\"Labels\":{\"a\":\"1\",\"b\":\"2\"},\"StopSignal\":\"SIGTERM\"},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + "c".repeat(64) + "\"]},"
                + "\"history\":[{\"created\":\"2024-01-02T03:04:05Z\",\"created_by\":\"RUN x\",\"empty_layer\":true}]}",
                Json.write(config.toJson()));
        assertEquals(config, ImageConfig.fromJson(Json.parse(Json.bytes(config.toJson()))));
    }

    /** A key given twice keeps its last value, as Go's encoding/json reads it in registries and runtimes. */
    @Test
    void aKeyGivenTwiceKeepsItsLastValue() throws Exception {
        assertEquals(2, Json.parse("{\"a\":1,\"a\":2}").get("a").intValue());
        Descriptor d = Descriptor.fromJson(Json.parse("{\"mediaType\":\"a/b\",\"digest\":\"" + CONFIG + "\",\"size\":1,"
                + "\"size\":5,\"digest\":\"" + LAYER + "\"}"));
        assertEquals(5, d.size());
        assertEquals(LAYER, d.digest());
    }
}
