package dev.jreg.cli;

/** {@code --format table|json}, shared by the listing commands. */
final class FormatMixin {
    private String format = "table";

    void declare(CommandModel command) {
        command.option("--format", "table|json", "Output format: table (default) or json.", v -> format = v);
    }

    /** True for JSON; fails on anything but the two formats. */
    boolean json() {
        if (!format.equals("table") && !format.equals("json")) {
            throw new IllegalArgumentException("--format must be table or json, not \"" + format + "\"");
        }
        return format.equals("json");
    }
}
