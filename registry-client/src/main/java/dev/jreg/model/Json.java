package dev.jreg.model;

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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * JSON for every package: one configured parser factory, trees of Jackson's {@link JsonNode}, and
 * the image model's binding. The model's records read and write themselves ({@code fromJson},
 * {@code toJson}) through the typed field reads below, and each keeps, in its
 * {@code otherFields}, the fields of its document that it does not write — those it does not name
 * and named ones given as null or empty —, which {@code toJson} writes back after its own: an edit
 * changes the fields it changes and no other. Jackson's reflective {@code ObjectMapper} is not
 * used: measured through the launcher with its class-data archive, binding these records with it
 * cost {@code inspect} 0.2–0.3 s more CPU and 0.3–0.5 s more wall time than this binding (its
 * set-up, the introspection of the records, a proxy class per annotation type; docs/PERFORMANCE.md).
 * Public so that every package shares it; not part of the supported API.
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

    /** Like {@link #parse(byte[])}, for text. */
    public static JsonNode parse(String text) throws IOException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            return document(parser);
        }
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
        switch (token) {
            case START_OBJECT:
                ObjectNode object = NODES.objectNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName();
                    object.set(name, value(parser, parser.nextToken()));
                }
                return object;
            case START_ARRAY:
                ArrayNode array = NODES.arrayNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    array.add(value(parser, t));
                }
                return array;
            case VALUE_STRING:
                return NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT:
                return switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                // As written: 1.10 stays 1.10, and 1e400 is no infinity.
                return NODES.numberNode(parser.getDecimalValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new JsonParseException(parser, "unexpected " + token);
        }
    }

    /** A new, empty JSON object. */
    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** A new, empty JSON array. */
    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** A map value that {@link #write} writes as {@code null}, where leaving the field out would say less. */
    public static final Object NULL = com.fasterxml.jackson.databind.node.NullNode.getInstance();

    /**
     * One line of JSON for a value jreg built itself: a {@link JsonNode}, or maps, collections,
     * strings, numbers and booleans. Every map entry is written, a null one as {@code null}: the
     * commands' JSON output has each documented key whatever its value.
     */
    public static String write(Object value) {
        return new String(bytes(value), StandardCharsets.UTF_8);
    }

    /** {@link #write} as UTF-8 bytes. */
    public static byte[] bytes(Object value) {
        return serialise(value, false);
    }

    /** {@link #write} indented, as UTF-8 bytes, for files people read. */
    public static byte[] pretty(Object value) {
        return serialise(value, true);
    }

    private static byte[] serialise(Object value, boolean pretty) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            if (pretty) {
                generator.useDefaultPrettyPrinter();
            }
            write(generator, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator out, Object value) throws IOException {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof JsonNode node) {
            writeNode(out, node);
        } else if (value instanceof String s) {
            out.writeString(s);
        } else if (value instanceof Boolean b) {
            out.writeBoolean(b);
        } else if (value instanceof Integer i) {
            out.writeNumber(i);
        } else if (value instanceof Long l) {
            out.writeNumber(l);
        } else if (value instanceof Number n) {
            out.writeNumber(n.toString());
        } else if (value instanceof Map<?, ?> map) {
            out.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.writeFieldName(String.valueOf(entry.getKey()));
                write(out, entry.getValue());
            }
            out.writeEndObject();
        } else if (value instanceof Collection<?> collection) {
            out.writeStartArray();
            for (Object element : collection) {
                write(out, element);
            }
            out.writeEndArray();
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON");
        }
    }

    private static void writeNode(JsonGenerator out, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                out.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> field = it.next();
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
            case NUMBER -> {
                if (node.isInt()) {
                    out.writeNumber(node.intValue());
                } else if (node.isLong()) {
                    out.writeNumber(node.longValue());
                } else if (node.isBigInteger()) {
                    out.writeNumber(node.bigIntegerValue());
                } else {
                    out.writeNumber(node.decimalValue());
                }
            }
            case BOOLEAN -> out.writeBoolean(node.booleanValue());
            case NULL -> out.writeNull();
            default -> throw new IllegalArgumentException("cannot write a " + node.getNodeType() + " JSON node");
        }
    }

    // Binding: typed reads of an object's fields. A missing field or a JSON null reads as null
    // (or empty); a field of the wrong type is an IllegalArgumentException naming the field.

    /** The object itself, checked to be one. */
    static JsonNode requireObject(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(what + " is not a JSON object");
        }
        return node;
    }

    /** A string field, or null. */
    static String text(JsonNode object, String field) {
        JsonNode value = typed(object, field, JsonNode::isTextual, "a string");
        return value == null ? null : value.textValue();
    }

    /** A media type field, or null. */
    static MediaType mediaType(JsonNode object) {
        String value = text(object, "mediaType");
        return value == null || value.isBlank() ? null : MediaType.of(value);
    }

    /** An integer field, or {@code missing} when absent. */
    static long integer(JsonNode object, String field, long missing) {
        JsonNode value = typed(object, field, v -> v.isIntegralNumber() && v.canConvertToLong(), "an integer");
        return value == null ? missing : value.longValue();
    }

    /** A boolean field, false when absent. */
    static boolean bool(JsonNode object, String field) {
        JsonNode value = typed(object, field, JsonNode::isBoolean, "true or false");
        return value != null && value.booleanValue();
    }

    /** An object field, or null. */
    static JsonNode object(JsonNode object, String field) {
        return typed(object, field, JsonNode::isObject, "an object");
    }

    /** An array field read element by element, or null. */
    static <T> List<T> list(JsonNode object, String field, Function<JsonNode, T> element) {
        JsonNode value = typed(object, field, JsonNode::isArray, "an array");
        if (value == null) {
            return null;
        }
        List<T> out = new ArrayList<>(value.size());
        for (JsonNode e : value) {
            out.add(element.apply(e));
        }
        return out;
    }

    /** An array of strings, or null. */
    static List<String> texts(JsonNode object, String field) {
        return list(object, field, e -> {
            if (!e.isTextual()) {
                throw wrongType(field, "an array of strings");
            }
            return e.textValue();
        });
    }

    /** An object of string values, or null. */
    static Map<String, String> textMap(JsonNode object, String field) {
        JsonNode value = object(object, field);
        if (value == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getValue().isNull()) {
                continue;
            }
            if (!entry.getValue().isTextual()) {
                throw wrongType(field, "an object of strings");
            }
            out.put(entry.getKey(), entry.getValue().textValue());
        }
        return out;
    }

    /** The keys of an object field (such as a config's exposed ports), or null. */
    static Map<String, Object> keys(JsonNode object, String field) {
        JsonNode value = object(object, field);
        if (value == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        value.fieldNames().forEachRemaining(name -> out.put(name, Map.of()));
        return out;
    }

    /** The field's value, or null when it is missing or JSON null. */
    private static JsonNode typed(JsonNode object, String field, Predicate<JsonNode> ofType, String expected) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!ofType.test(value)) {
            throw wrongType(field, expected);
        }
        return value;
    }

    private static IllegalArgumentException wrongType(String field, String expected) {
        return new IllegalArgumentException("\"" + field + "\" is not " + expected);
    }

    /**
     * The fields of a document that its record does not write: those not in {@code named}, and
     * named ones given as null, an empty string, array or object, or false, which the record
     * writes as absent. In document order.
     */
    static ObjectNode otherFields(JsonNode object, Set<String> named) {
        ObjectNode other = object();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            JsonNode value = field.getValue();
            if (!named.contains(field.getKey()) || value.isNull() || value.isContainerNode() && value.isEmpty()
                    || value.isTextual() && value.textValue().isEmpty() || value.isBoolean() && !value.booleanValue()) {
                other.set(field.getKey(), value);
            }
        }
        return other;
    }

    /** A record's other fields as it keeps them: a copy, empty for none. */
    static ObjectNode own(ObjectNode otherFields) {
        return otherFields == null ? object() : otherFields.deepCopy();
    }

    /**
     * A record's JSON: the fields it wrote, then each of its other fields that it did not write
     * (a named field it now has a value for is written from the record), in document order.
     */
    static ObjectNode withOtherFields(ObjectNode written, ObjectNode otherFields) {
        for (Map.Entry<String, JsonNode> field : otherFields.properties()) {
            if (!written.has(field.getKey())) {
                written.set(field.getKey(), field.getValue().deepCopy());
            }
        }
        return written;
    }

    // Writing the model: fields in declaration order, and empty ones left out, as registries and
    // other clients write them.

    /** Puts a string unless it is null or empty. */
    static void put(ObjectNode object, String field, String value) {
        if (value != null && !value.isEmpty()) {
            object.put(field, value);
        }
    }

    /** Puts a string list unless it is null or empty. */
    static void put(ObjectNode object, String field, List<String> values) {
        if (values != null && !values.isEmpty()) {
            ArrayNode array = object.putArray(field);
            values.forEach(array::add);
        }
    }

    /** Puts a string map unless it is null or empty, keys sorted so that the bytes are repeatable. */
    static void put(ObjectNode object, String field, Map<String, String> values) {
        if (values != null && !values.isEmpty()) {
            ObjectNode map = object.putObject(field);
            new TreeMap<>(values).forEach(map::put);
        }
    }

    /**
     * An image manifest's or index's object: the fields both have, in the spec's order, around
     * the ones {@code body} puts in between, then the other fields.
     */
    static ObjectNode manifest(int schemaVersion, MediaType mediaType, String artifactType, Descriptor subject,
            Map<String, String> annotations, ObjectNode otherFields, Consumer<ObjectNode> body) {
        ObjectNode json = object();
        json.put("schemaVersion", schemaVersion);
        put(json, "mediaType", mediaType == null ? null : mediaType.value());
        put(json, "artifactType", artifactType);
        body.accept(json);
        if (subject != null) {
            json.set("subject", subject.toJson());
        }
        put(json, "annotations", annotations);
        return withOtherFields(json, otherFields);
    }

    /** Puts an object of the given keys, each with an empty object, unless there are none. */
    static void putKeys(ObjectNode object, String field, Map<String, Object> keys) {
        if (keys != null && !keys.isEmpty()) {
            ObjectNode map = object.putObject(field);
            keys.keySet().forEach(map::putObject);
        }
    }

    /** Puts a list of nodes unless it is empty. */
    static <T> void putAll(ObjectNode object, String field, List<T> values, Function<T, JsonNode> element) {
        if (values != null && !values.isEmpty()) {
            ArrayNode array = object.putArray(field);
            values.forEach(v -> array.add(element.apply(v)));
        }
    }
}
