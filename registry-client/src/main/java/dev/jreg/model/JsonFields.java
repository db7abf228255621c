package dev.jreg.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.jreg.internal.json.Json;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The image model's binding. The model's records read and write themselves ({@code fromJson},
 * {@code toJson}): a record reads its object through one {@code JsonFields}, whose typed field
 * reads note the fields the record names, and keeps, in its {@code otherFields}, the fields of its
 * document that it does not write — those it did not read and named ones given as null or empty —,
 * which {@code toJson} writes back after its own: an edit changes the fields it changes and no
 * other. Jackson's reflective {@code ObjectMapper} is not used: measured through the launcher with
 * its class-data archive, binding these records with it cost {@code inspect} 0.2–0.3 s more CPU and
 * 0.3–0.5 s more wall time than this binding (its set-up, the introspection of the records, a proxy
 * class per annotation type; docs/PERFORMANCE.md).
 */
final class JsonFields {
    private final JsonNode object;
    /** The fields read so far; the others are the record's other fields. */
    private final Set<String> named = new HashSet<>();

    /**
     * Reads the fields of an object.
     *
     * @param what the kind of object, for the error when it is not one
     */
    JsonFields(JsonNode object, String what) {
        if (object == null || !object.isObject()) {
            throw new IllegalArgumentException(what + " is not a JSON object");
        }
        this.object = object;
    }

    // Binding: typed reads of the object's fields. A missing field or a JSON null reads as null
    // (or empty); a field of the wrong type is an IllegalArgumentException naming the field.

    /** A string field, or null. */
    String text(String field) {
        JsonNode value = typed(field, JsonNode::isTextual, "a string");
        return value == null ? null : value.textValue();
    }

    /** The media type field, or null. */
    MediaType mediaType() {
        String value = text("mediaType");
        return value == null || value.isBlank() ? null : MediaType.of(value);
    }

    /** An integer field, or {@code missing} when absent or null. */
    long integer(String field, long missing) {
        JsonNode value = typed(field, v -> v.isIntegralNumber() && v.canConvertToLong(), "an integer");
        return value == null ? missing : value.longValue();
    }

    /** A boolean field, false when absent. */
    boolean bool(String field) {
        JsonNode value = typed(field, JsonNode::isBoolean, "true or false");
        return value != null && value.booleanValue();
    }

    /** An object field read by {@code read}, or null. */
    <T> T object(String field, Function<JsonNode, T> read) {
        JsonNode value = typed(field, JsonNode::isObject, "an object");
        return value == null ? null : read.apply(value);
    }

    /** An array field read element by element, or null. */
    <T> List<T> list(String field, Function<JsonNode, T> element) {
        JsonNode value = typed(field, JsonNode::isArray, "an array");
        return value == null ? null : value.valueStream().map(element).toList();
    }

    /** An array of strings, or null. */
    List<String> texts(String field) {
        return list(field, e -> textOf(e, field, "an array of strings"));
    }

    /** An object of string values, null ones left out, or null. */
    Map<String, String> textMap(String field) {
        return object(field, value -> {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                if (!entry.getValue().isNull()) {
                    out.put(entry.getKey(), textOf(entry.getValue(), field, "an object of strings"));
                }
            }
            return out;
        });
    }

    /** The keys of an object field (such as a config's exposed ports), or null. */
    Map<String, Object> keys(String field) {
        return object(field, value -> {
            Map<String, Object> out = new LinkedHashMap<>();
            value.fieldNames().forEachRemaining(name -> out.put(name, Map.of()));
            return out;
        });
    }

    /** The field's value, or null when it is missing or JSON null. */
    private JsonNode typed(String field, Predicate<JsonNode> ofType, String expected) {
        named.add(field);
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!ofType.test(value)) {
            throw wrongType(field, expected);
        }
        return value;
    }

    /** An element's string, which it must be. */
    private static String textOf(JsonNode element, String field, String expected) {
        if (!element.isTextual()) {
            throw wrongType(field, expected);
        }
        return element.textValue();
    }

    private static IllegalArgumentException wrongType(String field, String expected) {
        return new IllegalArgumentException("\"" + field + "\" is not " + expected);
    }

    /**
     * The fields of the object that its record does not write: those not read, and the ones read
     * that are given as null, an empty string, array or object, or false, which the record writes
     * as absent. In document order; read last, after every field the record names.
     */
    ObjectNode otherFields() {
        ObjectNode other = Json.object();
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
        return otherFields == null ? Json.object() : otherFields.deepCopy();
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
        putAll(object, field, values, TextNode::valueOf);
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
        ObjectNode json = Json.object();
        json.put("schemaVersion", schemaVersion);
        put(json, "mediaType", mediaType == null ? null : mediaType.value());
        put(json, "artifactType", artifactType);
        body.accept(json);
        put(json, "subject", subject, Descriptor::toJson);
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

    /** Puts a value as {@code write} writes it unless it is null. */
    static <T> void put(ObjectNode object, String field, T value, Function<T, JsonNode> write) {
        if (value != null) {
            object.set(field, write.apply(value));
        }
    }

    /** Puts a list of nodes unless it is null or empty. */
    static <T> void putAll(ObjectNode object, String field, List<T> values, Function<T, JsonNode> element) {
        if (values != null && !values.isEmpty()) {
            ArrayNode array = object.putArray(field);
            values.forEach(v -> array.add(element.apply(v)));
        }
    }
}
