package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The commands' {@code --format json} lines: every key written, whatever its value. */
class JsonOutputTest {
    @Test
    void writesEveryMapEntryNullAndEmptyOnesToo() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("null", null);
        map.put("emptyText", "");
        map.put("emptyList", List.of());
        map.put("emptyMap", Map.of());
        map.put("zero", 0L);
        map.put("no", false);
        List<Object> list = new ArrayList<>();
        list.add("x");
        list.add(null);
        list.add("");
        map.put("list", list);
        map.put("nested", Map.of("k", "\"quoted\" é"));
        assertEquals("{\"null\":null,\"emptyText\":\"\",\"emptyList\":[],\"emptyMap\":{},\"zero\":0,\"no\":false,"
                + "\"list\":[\"x\",null,\"\"],\"nested\":{\"k\":\"\\\"quoted\\\" é\"}}", JsonOutput.write(map));
    }
}
