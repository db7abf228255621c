package dev.jreg.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jreg.internal.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * JSON documents tests write from maps and lists, which the library's own JSON, writing only
 * trees, does not take: Jackson's mapper turns them into a tree first (in order, nulls kept).
 */
public final class TestJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TestJson() {
    }

    /** One line of JSON for maps, lists, strings, numbers and booleans. */
    public static String write(Object value) {
        return new String(bytes(value), StandardCharsets.UTF_8);
    }

    /** {@link #write} as UTF-8 bytes. */
    public static byte[] bytes(Object value) {
        return Json.bytes(MAPPER.valueToTree(value));
    }

    /** {@link #write} indented. */
    public static byte[] pretty(Object value) {
        return Json.pretty(MAPPER.valueToTree(value));
    }
}
