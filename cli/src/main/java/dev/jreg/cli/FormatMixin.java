package dev.jreg.cli;

import picocli.CommandLine.Option;

/** {@code --format table|json}, shared by the listing commands. */
final class FormatMixin {
    @Option(names = "--format", paramLabel = "table|json", description = "Output format: table (default) or json.")
    private String format = "table";

    /** True for JSON; fails on anything but the two formats. */
    boolean json() {
        if (!format.equals("table") && !format.equals("json")) {
            throw new IllegalArgumentException("--format must be table or json, not \"" + format + "\"");
        }
        return format.equals("json");
    }
}
