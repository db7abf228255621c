package dev.jreg.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code --format} template as docker's listings take it, the part of Go's text/template they
 * use: {@code {{.Field}}}, {@code {{json .}}}, {@code {{json .Field}}}, literal text in which
 * {@code \t} and {@code \n} are a tab and a newline, and a {@code table} prefix that adds a header
 * row and aligns the tab-separated columns. A row is the map of its fields; a field is printed as
 * its text ({@code null} as nothing), {@code json} prints JSON.
 */
final class FormatTemplate {
    private static final Pattern ACTION = Pattern.compile("\\{\\{-?\\s*(.*?)\\s*-?}}");
    private static final Pattern FIELD = Pattern.compile("\\.([A-Za-z][A-Za-z0-9]*)");
    private static final Pattern JSON = Pattern.compile("json\\s+(\\.|\\.[A-Za-z][A-Za-z0-9]*)");

    /** Literal text, or a field ({@code name}; null for the whole row), printed as text or as JSON. */
    private record Part(String text, String field, boolean json) {
    }

    private final boolean table;
    private final List<Part> parts;

    private FormatTemplate(boolean table, List<Part> parts) {
        this.table = table;
        this.parts = parts;
    }

    /**
     * Reads a template.
     *
     * @param format the text given to {@code --format}
     * @param fields the fields a row has
     * @throws IllegalArgumentException for a field not in {@code fields} (naming it and the fields
     *     there are), an action other than those above, or a {@code {{} without its {@code }}}
     */
    static FormatTemplate parse(String format, List<String> fields) {
        boolean table = format.startsWith("table");
        String body = table ? format.substring("table".length()).stripLeading() : format;
        List<Part> parts = new ArrayList<>();
        Matcher action = ACTION.matcher(body);
        int at = 0;
        while (action.find()) {
            parts.add(text(body.substring(at, action.start())));
            parts.add(part(action.group(1), fields));
            at = action.end();
        }
        parts.add(text(body.substring(at)));
        return new FormatTemplate(table, parts);
    }

    /** Text between actions; a {@code {{} there opens an action never closed, which Go's parser refuses too. */
    private static Part text(String text) {
        int open = text.indexOf("{{");
        if (open >= 0) {
            throw new IllegalArgumentException("--format: unclosed action: " + text.substring(open)
                    + " has no closing }}");
        }
        return new Part(unescape(text), null, false);
    }

    private static Part part(String action, List<String> fields) {
        Matcher json = JSON.matcher(action);
        boolean asJson = json.matches();
        String path = asJson ? json.group(1) : action;
        if (asJson && path.equals(".")) {
            return new Part(null, null, true);
        }
        Matcher field = FIELD.matcher(path);
        if (!field.matches()) {
            throw new IllegalArgumentException("--format: cannot read {{" + action + "}}; use {{.Field}}, {{json .}} or "
                    + "{{json .Field}} with a field of " + String.join(", ", fields));
        }
        if (!fields.contains(field.group(1))) {
            throw new IllegalArgumentException("--format: no field " + field.group(1) + "; fields: " + String.join(", ", fields));
        }
        return new Part(null, field.group(1), asJson);
    }

    private static String unescape(String text) {
        return text.replace("\\t", "\t").replace("\\n", "\n");
    }

    /**
     * Prints the rows; with {@code table}, a header row first (each field's name from
     * {@code headers}, else the field's in capitals) and the tab-separated columns aligned.
     */
    void print(PrintWriter out, List<Map<String, Object>> rows, Map<String, String> headers) {
        if (!table) {
            rows.forEach(row -> out.println(render(row, null)));
            return;
        }
        Table aligned = new Table(render(Map.of(), headers).split("\t", -1));
        rows.forEach(row -> aligned.row(render(row, null).split("\t", -1)));
        aligned.print(out, "");
    }

    private String render(Map<String, Object> row, Map<String, String> headers) {
        StringBuilder line = new StringBuilder();
        for (Part part : parts) {
            if (part.text() != null) {
                line.append(part.text());
            } else if (headers != null) {
                line.append(part.field() == null ? "" : headers.getOrDefault(part.field(), part.field().toUpperCase()));
            } else if (part.json()) {
                line.append(JsonOutput.write(part.field() == null ? row : row.get(part.field())));
            } else {
                Object value = row.get(part.field());
                line.append(value == null ? "" : value);
            }
        }
        return line.toString();
    }
}
