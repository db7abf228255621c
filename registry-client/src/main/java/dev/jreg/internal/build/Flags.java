package dev.jreg.internal.build;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An instruction's flags ({@code COPY --from=build --link ...}): the {@code --} words at the start
 * of its arguments, checked against the flags the instruction takes, as BuildKit checks them.
 */
final class Flags {
    /** What a flag takes. */
    enum Kind {
        /** {@code --link}, {@code --link=true}, {@code --link=false}. */
        BOOLEAN,
        /** {@code --from=VALUE}, once. */
        STRING,
        /** {@code --mount=VALUE}, any number of times. */
        STRINGS
    }

    private final Map<String, List<String>> values = new LinkedHashMap<>();

    /**
     * @param keyword the instruction, for messages
     * @param given the flag words, quotes and escapes resolved ({@code --chown=a b})
     * @param takes the flags the instruction takes, in the order messages list them
     * @throws IllegalArgumentException for a flag it does not take, one given twice, a missing
     *     value, or a boolean that is neither true nor false
     */
    Flags(String keyword, List<String> given, Map<String, Kind> takes) {
        for (String word : given) {
            int equals = word.indexOf('=');
            String name = word.substring(2, equals < 0 ? word.length() : equals);
            String value = equals < 0 ? null : word.substring(equals + 1);
            Kind kind = takes.get(name);
            if (kind == null) {
                throw new IllegalArgumentException(takes.isEmpty() ? keyword + " takes no options, not --" + name
                        : keyword + " has no option --" + name + " (it has --" + String.join(", --", takes.keySet())
                        + ")");
            }
            if (values.containsKey(name) && kind != Kind.STRINGS) {
                throw new IllegalArgumentException("--" + name + " is given twice");
            }
            if (kind == Kind.BOOLEAN) {
                value = value == null ? "true" : value.toLowerCase(Locale.ROOT);
                if (!value.equals("true") && !value.equals("false")) {
                    throw new IllegalArgumentException("--" + name + " takes true or false, not \""
                            + word.substring(equals + 1) + "\"");
                }
            } else if (value == null) {
                throw new IllegalArgumentException("--" + name + " needs a value: --" + name + "=VALUE");
            }
            values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
    }

    /** A flag's value; null when it is not given, or given empty, which BuildKit takes as not given. */
    String string(String name) {
        List<String> given = values.get(name);
        return given == null || given.get(0).isEmpty() ? null : given.get(0);
    }

    /** A boolean flag's value; false when not given. */
    boolean bool(String name) {
        return Boolean.TRUE.equals(optionalBool(name));
    }

    /** A boolean flag's value, or null when not given. */
    Boolean optionalBool(String name) {
        List<String> given = values.get(name);
        return given == null ? null : Boolean.valueOf(given.get(0));
    }

    /** Every value of a flag given several times, in order. */
    List<String> strings(String name) {
        return values.getOrDefault(name, List.of());
    }

    /**
     * The flags an instruction takes, in order: {@code name} a boolean, {@code name=} a value,
     * {@code name=...} a value given any number of times.
     */
    static Map<String, Kind> takes(String... flags) {
        Map<String, Kind> takes = new LinkedHashMap<>();
        for (String flag : flags) {
            Kind kind = flag.endsWith("=...") ? Kind.STRINGS : flag.endsWith("=") ? Kind.STRING : Kind.BOOLEAN;
            takes.put(flag.substring(0, kind == Kind.STRINGS ? flag.length() - 4 : kind == Kind.STRING
                    ? flag.length() - 1 : flag.length()), kind);
        }
        return takes;
    }

    /**
     * Splits an instruction's arguments into its leading flag words, with quotes and escapes
     * resolved, and the rest as written; {@code --} alone ends the flags.
     */
    static Split split(String arguments, char escape) {
        List<String> flags = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int at = 0;
        while (true) {
            while (at < arguments.length() && DockerfileWords.isSpace(arguments.charAt(at))) {
                at++;
            }
            if (!arguments.startsWith("--", at)) {
                return new Split(flags, DockerfileWords.trim(arguments.substring(at)));
            }
            char quote = 0;
            word.setLength(0);
            for (; at < arguments.length() && (quote != 0 || !DockerfileWords.isSpace(arguments.charAt(at))); at++) {
                char c = arguments.charAt(at);
                if (quote == 0 && (c == '\'' || c == '"')) {
                    quote = c;
                } else if (c == quote) {
                    quote = 0;
                } else if (c == escape && at + 1 < arguments.length()) {
                    word.append(arguments.charAt(++at));
                } else if (c != escape) {
                    word.append(c);
                }
            }
            if (word.toString().equals("--")) {
                return new Split(flags, DockerfileWords.trim(arguments.substring(at)));
            }
            flags.add(word.toString());
        }
    }

    /** Flag words and the arguments after them. */
    record Split(List<String> flags, String arguments) {
    }
}
