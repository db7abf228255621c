package dev.jreg.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * JSON for every package: one configured parser factory and generator, and trees of Jackson's
 * {@link JsonNode}. The image model binds itself on these trees ({@code JsonFields}). Public so
 * that every package shares it; not part of the supported API.
 *
 * <p>Every document is parsed the same way: at most 64 levels of nesting, strings of at most
 * 4 MiB, numbers of at most 64 digits; integers exact whatever their size, and decimals as
 * {@link java.math.BigDecimal}, so that a number is written back with the value it was read with.
 * A key given twice in one object keeps its last value, as Go's {@code encoding/json} does in the
 * registry, containerd and docker: jreg reads the value they read (RFC 8259 leaves it to the
 * reader; the image spec asks only annotation keys to be unique).
 */
public final class Json {
    /** Documents from registries are untrusted: keep nesting and string sizes small. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(64)
                    .maxStringLength(1 << 22)
                    .maxNumberLength(64)
                    .build())
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    /**
     * Parses one JSON document; empty input gives a {@link MissingNode}.
     *
     * @throws com.fasterxml.jackson.core.JacksonException when the bytes are not one JSON value
     */
    public static JsonNode parse(byte[] bytes) throws IOException {
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            return document(parser);
        }
    }

    /**
     * Parses one YAML document into the same trees; empty input gives null.
     *
     * @throws com.fasterxml.jackson.core.JacksonException when the bytes are not YAML, or a
     *     mapping gives a key twice
     */
    public static JsonNode parseYaml(byte[] bytes) throws IOException {
        return Yaml.MAPPER.readTree(bytes);
    }

    /**
     * A user's YAML file ({@code jreg sync}'s), with the same limits on its values: in a class of
     * its own, so that only a command that reads YAML loads the YAML parser's classes.
     */
    private static final class Yaml {
        // A key given twice is refused: a second block for one registry would silently replace the first.
        static final YAMLMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
                .streamReadConstraints(FACTORY.streamReadConstraints()).build())
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();
    }

    /** Like {@link #parse(byte[])}, for text. */
    public static JsonNode parse(String text) throws IOException {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode document(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            return MissingNode.getInstance();
        }
        JsonNode root = value(parser, first);
        if (parser.nextToken() != null) {
            throw new JsonParseException(parser, "trailing content after the JSON value");
        }
        return root;
    }

    /** The value that starts at {@code token}; the parser limits the depth of this recursion. */
    private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName();
                    object.set(name, value(parser, parser.nextToken()));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    array.add(value(parser, t));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            // As written: 1.10 stays 1.10, and 1e400 is no infinity.
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDecimalValue());
            case VALUE_TRUE, VALUE_FALSE -> NODES.booleanNode(token == JsonToken.VALUE_TRUE);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new JsonParseException(parser, "unexpected " + token);
        };
    }

    /** A new, empty JSON object. */
    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** A new, empty JSON array. */
    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** One line of JSON: a tree jreg built or parsed, written as it is. */
    public static String write(JsonNode value) {
        return new String(bytes(value), StandardCharsets.UTF_8);
    }

    /** {@link #write} as UTF-8 bytes. */
    public static byte[] bytes(JsonNode value) {
        return serialise(value, false);
    }

    /** {@link #write} indented, as UTF-8 bytes, for files people read. */
    public static byte[] pretty(JsonNode value) {
        return serialise(value, true);
    }

    private static byte[] serialise(JsonNode value, boolean pretty) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            if (pretty) {
                generator.useDefaultPrettyPrinter();
            }
            writeNode(generator, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    private static void writeNode(JsonGenerator out, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                out.writeStartObject();
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    out.writeFieldName(field.getKey());
                    writeNode(out, field.getValue());
                }
                out.writeEndObject();
            }
            case ARRAY -> {
                out.writeStartArray();
                for (JsonNode element : node) {
                    writeNode(out, element);
                }
                out.writeEndArray();
            }
            case STRING -> out.writeString(node.textValue());
            // Every number as the decimal it is: an integer's has no fraction, and is written as the integer.
            case NUMBER -> out.writeNumber(node.decimalValue());
            case BOOLEAN -> out.writeBoolean(node.booleanValue());
            case NULL -> out.writeNull();
            default -> throw new IllegalArgumentException("cannot write a " + node.getNodeType() + " JSON node");
        }
    }
}
