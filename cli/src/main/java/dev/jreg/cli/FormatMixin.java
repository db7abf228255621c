package dev.jreg.cli;

import java.util.List;

/** {@code --format table|json}, shared by the listing commands; with templates, also docker's Go templates. */
final class FormatMixin {
    private final boolean templates;
    private String format = "table";

    FormatMixin() {
        this(false);
    }

    /** @param templates whether {@code --format} also takes a {@link FormatTemplate} */
    FormatMixin(boolean templates) {
        this.templates = templates;
    }

    void declare(CommandModel command) {
        command.option("--format", templates ? "table|json|TEMPLATE" : "table|json", templates
                ? "Output format: table (default), json, or a Go template as docker takes it (examples below)."
                : "Output format: table (default) or json.", v -> format = v);
    }

    /** The template {@code --format} gives, or null for {@code table} and {@code json}. */
    FormatTemplate template(List<String> fields) {
        return format.equals("table") || format.equals("json") ? null : FormatTemplate.parse(format, fields);
    }

    /** True for JSON; fails on anything but the two formats. */
    boolean json() {
        if (!format.equals("table") && !format.equals("json")) {
            throw new IllegalArgumentException("--format must be table or json, not \"" + format + "\"");
        }
        return format.equals("json");
    }
}
