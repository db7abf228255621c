package dev.jreg.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Usage lines broken between options only. picocli breaks its synopsis wherever Java's line
 * breaking allows, which is inside an option too ({@code [--dns=SERVER[:} then {@code PORT]]...}).
 */
final class Synopsis {
    private Synopsis() {
    }

    /** Renders every command's synopsis of this command line, and its subcommands', this way. */
    static void install(CommandLine commandLine) {
        Map<String, CommandLine.IHelpSectionRenderer> sections = new LinkedHashMap<>(commandLine.getHelpSectionMap());
        sections.put(UsageMessageSpec.SECTION_KEY_SYNOPSIS, Synopsis::render);
        commandLine.setHelpSectionMap(sections);
    }

    private static String render(CommandLine.Help help) {
        UsageMessageSpec usage = help.commandSpec().usageMessage();
        if (usage.customSynopsis().length > 0) {
            return help.synopsis(help.synopsisHeadingLength());
        }
        int width = usage.width();
        String line;
        try {
            usage.width(Integer.MAX_VALUE / 2); // one line, which is then broken here
            line = help.synopsis(help.synopsisHeadingLength()).strip();
        } finally {
            usage.width(width);
        }
        int heading = help.synopsisHeadingLength();
        return wrap(line, width, heading, heading + help.commandSpec().qualifiedName().length() + 1);
    }

    /**
     * {@code text} broken at spaces into lines of at most {@code width} columns, the first starting
     * at column {@code start}, the later ones indented to {@code indent}.
     */
    static String wrap(String text, int width, int start, int indent) {
        StringBuilder out = new StringBuilder();
        int column = start;
        boolean first = true;
        for (String word : text.split(" ")) {
            if (!first && column + 1 + word.length() > width && column > indent) {
                out.append(System.lineSeparator()).append(" ".repeat(indent));
                column = indent;
            } else if (!first) {
                out.append(' ');
                column++;
            }
            out.append(word);
            column += word.length();
            first = false;
        }
        return out.append(System.lineSeparator()).toString();
    }
}
