package dev.jreg.internal.build;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.error.DockerfileException;
import dev.jreg.internal.json.Json;
import dev.jreg.model.GoDuration;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Dockerfile as BuildKit's Dockerfile frontend reads it (Dockerfile reference, "Format",
 * "Parser directives", "Here-Documents" and each instruction's section).
 *
 * <ul>
 * <li>Parser directives ({@code # escape=`}, {@code # syntax=…}, {@code # check=…}) only at the
 *     top, each once; {@code syntax} and {@code check} are ignored, the former with a note.
 * <li>A line whose first non-blank character is {@code #} is a comment, also inside a
 *     continuation; the escape character at a line's end (after blanks) continues the
 *     instruction on the next line, and empty lines inside a continuation are skipped with a
 *     note, as Docker warns of them.
 * <li>Keywords in any case; flags ({@code --name=value}) before the arguments; the exec form
 *     where the arguments are a JSON array of strings, else the shell form (a JSON array holding
 *     another value is an error; {@code SHELL} takes the exec form only).
 * <li>{@code RUN}, {@code COPY} and {@code ADD} in the shell form (and under {@code ONBUILD}) take
 *     here-documents: {@code <<EOF}, {@code <<-EOF}, {@code <<"EOF"} and several on one line, each
 *     read from the lines after the instruction up to its delimiter.
 * </ul>
 * Errors are {@link DockerfileException}s naming the file and the instruction's first line.
 */
final class DockerfileParser {
    private static final Pattern DIRECTIVE = Pattern.compile(
            "([a-zA-Z][a-zA-Z0-9]*)[\\t\\n\\f\\r ]*=[\\t\\n\\f\\r ]*(.+?)[\\t\\n\\f\\r ]*");
    /** The blanks that separate a keyword and words split at white space (Go's {@code [\t\v\f\r ]+}). */
    private static final Pattern BLANKS = Pattern.compile("[\\t\\x0B\\f\\r ]+");
    private static final Pattern HEREDOC = Pattern.compile("([0-9]*)<<(-?)[\\t\\n\\f\\r ]*([^<]*)");
    private static final Pattern STAGE_NAME = Pattern.compile("[a-z][a-z0-9-_.]*");
    private static final Pattern ONBUILD_PREFIX = Pattern.compile("(?i)^[\\t\\n\\f\\r ]*ONBUILD[\\t\\n\\f\\r ]*");
    private static final Set<String> DIRECTIVES = Set.of("syntax", "escape", "check");
    private static final Set<String> KEYWORDS = Set.of("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE",
            "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME",
            "WORKDIR");
    private static final Set<String> WITH_HEREDOCS = Set.of("RUN", "COPY", "ADD");
    private static final Duration MIN_INTERVAL = Duration.ofMillis(1);
    private static final Map<String, Flags.Kind> FROM_FLAGS = Flags.takes("platform=");
    private static final Map<String, Flags.Kind> RUN_FLAGS = Flags.takes("mount=...", "network=", "security=");
    private static final Map<String, Flags.Kind> ADD_FLAGS = Flags.takes("chown=", "chmod=", "link", "keep-git-dir",
            "checksum=", "unpack", "exclude=...");
    private static final Map<String, Flags.Kind> COPY_FLAGS = Flags.takes("from=", "chown=", "chmod=", "link",
            "parents", "exclude=...");
    private static final Map<String, Flags.Kind> HEALTHCHECK_FLAGS = Flags.takes("interval=", "timeout=",
            "start-period=", "start-interval=", "retries=");

    private final String file;
    private final List<String> lines;
    private final List<String> notes = new ArrayList<>();
    private final Set<String> directivesSeen = new HashSet<>();
    private boolean directivesDone;
    private char escape = '\\';
    /** The index of the next line to read. */
    private int next;

    private DockerfileParser(String file, List<String> lines) {
        this.file = file;
        this.lines = lines;
    }

    /**
     * Parses a Dockerfile.
     *
     * @param file the file's name as the user gave it ({@code Dockerfile}, {@code build/Dockerfile.dev}),
     *     which errors and notes start with
     * @param text the file's content
     * @throws DockerfileException for what Docker refuses, naming the line
     */
    static Dockerfile parse(String file, String text) {
        String withoutMark = text.startsWith("\uFEFF") ? text.substring(1) : text;
        DockerfileParser parser = new DockerfileParser(file, lines(withoutMark));
        return parser.stages(parser.instructions());
    }

    /**
     * Parses one instruction written on one line, as {@code docker commit --change} takes it: no
     * directives, continuations or here-document lines.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static Instruction instruction(String line) {
        return new DockerfileParser("", List.of()).instruction(line, 1);
    }

    /**
     * Parses an {@code ONBUILD} trigger as an image config keeps it ({@code OnBuild}): one
     * instruction, with the lines of its here-documents.
     *
     * @param file how errors name where it comes from
     * @throws DockerfileException for what Docker refuses, or a text that is not one instruction
     */
    static Instruction trigger(String file, String expression) {
        List<Instruction> instructions = new DockerfileParser(file, lines(expression)).instructions();
        if (instructions.size() != 1) {
            throw new DockerfileException(file, 1, "an ONBUILD trigger is one instruction, not " + instructions.size());
        }
        return instructions.get(0);
    }

    /** The lines of a text, each with its line end. */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            end = end < 0 ? text.length() : end + 1;
            lines.add(text.substring(start, end));
            start = end;
        }
        return lines;
    }

    private List<Instruction> instructions() {
        List<Instruction> instructions = new ArrayList<>();
        while (next < lines.size()) {
            int first = next + 1;
            String line = stripLeading(withoutLineEnd(lines.get(next++)));
            directive(line, first);
            Continued start = continued(isComment(line) ? "" : line);
            if (!start.continues() && start.text().isEmpty()) {
                continue;
            }
            StringBuilder logical = new StringBuilder(start.text());
            boolean continues = start.continues();
            int emptyLine = 0;
            while (continues && next < lines.size()) {
                String raw = withoutLineEnd(lines.get(next++));
                if (isComment(raw)) {
                    continue;
                }
                if (stripLeading(raw).isEmpty()) {
                    emptyLine = emptyLine == 0 ? next : emptyLine;
                    continue;
                }
                Continued part = continued(raw);
                logical.append(part.text());
                continues = part.continues();
            }
            if (emptyLine != 0) {
                notes.add(file + ":" + emptyLine + ": empty continuation line (Docker warns that it will be an error)");
            }
            try {
                instructions.add(instruction(logical.toString(), first));
            } catch (IllegalArgumentException e) {
                throw new DockerfileException(file, first, e.getMessage(), e);
            }
        }
        return instructions;
    }

    /** A parser directive at the top of the file, or the end of them. */
    private void directive(String line, int number) {
        if (directivesDone) {
            return;
        }
        Matcher m = line.startsWith("#") ? DIRECTIVE.matcher(stripLeading(line.substring(1))) : null;
        String key = m != null && m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
        if (key == null || !DIRECTIVES.contains(key)) {
            directivesDone = true;
            return;
        }
        if (!directivesSeen.add(key)) {
            throw new DockerfileException(file, number, "only one " + key + " parser directive can be used");
        }
        String value = m.group(2);
        if (key.equals("escape")) {
            if (!value.equals("`") && !value.equals("\\")) {
                throw new DockerfileException(file, number, "invalid escape token '" + value
                        + "' does not match ` or \\");
            }
            escape = value.charAt(0);
        } else if (key.equals("syntax")) {
            notes.add(file + ":" + number + ": syntax " + value + " ignored: jreg has its own Dockerfile frontend");
        }
    }

    /**
     * A line without the escape character that continues it: the escape character last (blanks
     * after it allowed) and not itself escaped.
     */
    private Continued continued(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        boolean continues = end > 0 && line.charAt(end - 1) == escape && (end == 1 || line.charAt(end - 2) != escape);
        return continues ? new Continued(line.substring(0, end - 1), true) : new Continued(line, false);
    }

    private record Continued(String text, boolean continues) {
    }

    /** One instruction: its keyword, flags and arguments, then its here-documents from the lines after it. */
    private Instruction instruction(String logical, int first) {
        Parts parts = Parts.of(logical, escape);
        Parts target = parts.keyword().equals("ONBUILD") ? parts.child(escape) : parts;
        List<Instruction.Heredoc> heredocs = target != null && WITH_HEREDOCS.contains(target.keyword())
                && jsonArray(target.arguments()) == null && logical.contains("<<") ? heredocs(logical) : List.of();
        return build(parts, new Instruction.Span(first, next, DockerfileWords.trim(logical)), heredocs);
    }

    /**
     * An instruction's keyword (upper case), flag words and arguments.
     *
     * @param written the keyword as written
     */
    private record Parts(String keyword, String written, List<String> flags, String arguments) {
        static Parts of(String text, char escape) {
            String[] split = BLANKS.split(DockerfileWords.trim(text), 2);
            Flags.Split flags = Flags.split(split.length > 1 ? split[1] : "", escape);
            return new Parts(split[0].toUpperCase(Locale.ROOT), split[0], flags.flags(), flags.arguments());
        }

        /** What {@code ONBUILD} triggers, or null when nothing follows it. */
        Parts child(char escape) {
            return arguments.isEmpty() ? null : of(arguments, escape);
        }
    }

    private Instruction build(Parts parts, Instruction.Span span, List<Instruction.Heredoc> heredocs) {
        String keyword = parts.keyword();
        String arguments = parts.arguments();
        return switch (keyword) {
            case "FROM" -> from(parts, span);
            case "RUN" -> run(parts, span, heredocs);
            case "CMD" -> new Instruction.Cmd(span, command(parts));
            case "ENTRYPOINT" -> new Instruction.Entrypoint(span, command(parts));
            case "SHELL" -> {
                noFlags(parts);
                List<String> shell = jsonArray(arguments);
                if (arguments.isEmpty() || shell != null && shell.isEmpty()) {
                    throw new IllegalArgumentException("SHELL requires at least one argument");
                }
                if (shell == null) {
                    throw new IllegalArgumentException("SHELL requires the arguments to be in JSON form");
                }
                yield new Instruction.Shell(span, shell);
            }
            case "LABEL" -> new Instruction.Label(span, pairs(parts));
            case "ENV" -> new Instruction.Env(span, pairs(parts));
            case "MAINTAINER" -> new Instruction.Maintainer(span, oneArgument(parts));
            case "USER" -> new Instruction.User(span, oneArgument(parts));
            case "WORKDIR" -> new Instruction.Workdir(span, oneArgument(parts));
            case "STOPSIGNAL" -> new Instruction.StopSignal(span, oneArgument(parts));
            case "EXPOSE" -> new Instruction.Expose(span, atLeastOne(parts, blankSplit(arguments)));
            case "VOLUME" -> volume(parts, span);
            case "ADD" -> add(parts, span, heredocs);
            case "COPY" -> copy(parts, span, heredocs);
            case "HEALTHCHECK" -> healthcheck(parts, span);
            case "ONBUILD" -> onbuild(parts, span, heredocs);
            case "ARG" -> arg(parts, span);
            default -> throw new IllegalArgumentException(parts.written() + " is not a Dockerfile instruction");
        };
    }

    private static Instruction.From from(Parts parts, Instruction.Span span) {
        Flags flags = new Flags("FROM", parts.flags(), FROM_FLAGS);
        List<String> words = blankSplit(parts.arguments());
        String name = null;
        if (words.size() == 3 && words.get(1).equalsIgnoreCase("AS")) {
            name = words.get(2).toLowerCase(Locale.ROOT);
            if (!STAGE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid name for build stage: \"" + words.get(2)
                        + "\", name can't start with a number or contain symbols");
            }
        } else if (words.size() != 1) {
            throw new IllegalArgumentException("FROM requires either one or three arguments: IMAGE [AS NAME]");
        }
        return new Instruction.From(span, words.get(0), flags.string("platform"), name);
    }

    private static Instruction.Run run(Parts parts, Instruction.Span span, List<Instruction.Heredoc> heredocs) {
        Flags flags = new Flags("RUN", parts.flags(), RUN_FLAGS);
        String network = flags.string("network") == null ? "default" : flags.string("network");
        if (!Set.of("default", "none", "host").contains(network)) {
            throw new IllegalArgumentException("invalid network mode \"" + network + "\" (default, none or host)");
        }
        String security = flags.string("security") == null ? "sandbox" : flags.string("security");
        if (!Set.of("sandbox", "insecure").contains(security)) {
            throw new IllegalArgumentException("security \"" + security + "\" is not valid (sandbox or insecure)");
        }
        for (String mount : flags.strings("mount")) {
            for (String field : mount.split(",")) {
                int dollar = field.indexOf('$');
                if (field.toLowerCase(Locale.ROOT).startsWith("from=") && dollar >= 0 && dollar != field.length() - 1) {
                    throw new IllegalArgumentException("'from' doesn't support variable expansion, define alias stage"
                            + " instead");
                }
            }
        }
        return new Instruction.Run(span, commandLine(parts), heredocs, flags.strings("mount"), network, security);
    }

    /** A command of {@code CMD} or {@code ENTRYPOINT}, which take no flags. */
    private static Instruction.Command command(Parts parts) {
        noFlags(parts);
        return commandLine(parts);
    }

    private static Instruction.Command commandLine(Parts parts) {
        List<String> exec = jsonArray(parts.arguments());
        if (exec != null) {
            return new Instruction.Command(exec, true);
        }
        if (parts.arguments().isEmpty()) {
            throw new IllegalArgumentException(parts.keyword() + " requires at least one argument");
        }
        return new Instruction.Command(List.of(parts.arguments()), false);
    }

    /**
     * {@code NAME=VALUE} pairs, quotes kept for {@link Expander}, or the old form
     * {@code NAME VALUE}, whose value is the rest of the line.
     */
    private List<Instruction.KeyValue> pairs(Parts parts) {
        noFlags(parts);
        String keyword = parts.keyword();
        List<String> words = DockerfileWords.split(parts.arguments(), escape, true);
        if (words.isEmpty()) {
            throw new IllegalArgumentException(keyword + " requires at least one argument");
        }
        if (!words.get(0).contains("=")) {
            String[] old = BLANKS.split(parts.arguments(), 2);
            if (old.length < 2) {
                throw new IllegalArgumentException(keyword + " " + words.get(0) + " has no value; write " + keyword
                        + " NAME=VALUE");
            }
            return List.of(new Instruction.KeyValue(old[0], old[1]));
        }
        List<Instruction.KeyValue> pairs = new ArrayList<>();
        for (String word : words) {
            int equals = word.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("\"" + word + "\" is not NAME=VALUE");
            }
            pairs.add(new Instruction.KeyValue(word.substring(0, equals), word.substring(equals + 1)));
        }
        return pairs;
    }

    private static String oneArgument(Parts parts) {
        noFlags(parts);
        if (parts.arguments().isEmpty()) {
            throw new IllegalArgumentException(parts.keyword() + " requires exactly one argument");
        }
        return parts.arguments();
    }

    private static List<String> atLeastOne(Parts parts, List<String> arguments) {
        noFlags(parts);
        if (arguments.isEmpty()) {
            throw new IllegalArgumentException(parts.keyword() + " requires at least one argument");
        }
        return arguments;
    }

    private static void noFlags(Parts parts) {
        new Flags(parts.keyword(), parts.flags(), Map.of());
    }

    private static Instruction.Volume volume(Parts parts, Instruction.Span span) {
        List<String> volumes = new ArrayList<>();
        for (String volume : atLeastOne(parts, jsonOrWords(parts.arguments()))) {
            String path = DockerfileWords.trim(volume);
            if (path.isEmpty()) {
                throw new IllegalArgumentException("a volume is an empty path");
            }
            volumes.add(path);
        }
        return new Instruction.Volume(span, volumes);
    }

    private Instruction.Add add(Parts parts, Instruction.Span span, List<Instruction.Heredoc> heredocs) {
        Flags flags = new Flags("ADD", parts.flags(), ADD_FLAGS);
        Sources sources = sources(parts, heredocs);
        return new Instruction.Add(span, sources.paths(), sources.documents(), sources.destination(),
                flags.string("chown"), flags.string("chmod"), flags.bool("link"), flags.string("checksum"),
                flags.optionalBool("keep-git-dir"), flags.optionalBool("unpack"), flags.strings("exclude"));
    }

    private Instruction.Copy copy(Parts parts, Instruction.Span span, List<Instruction.Heredoc> heredocs) {
        Flags flags = new Flags("COPY", parts.flags(), COPY_FLAGS);
        String from = flags.string("from");
        if (from != null && !from.equals(expandedWithNothing(from))) {
            throw new IllegalArgumentException("variable expansion is not supported for --from, define a new stage with"
                    + " FROM using ARG from global scope as a workaround");
        }
        Sources sources = sources(parts, heredocs);
        return new Instruction.Copy(span, sources.paths(), sources.documents(), sources.destination(), from,
                flags.string("chown"), flags.string("chmod"), flags.bool("link"), flags.bool("parents"),
                flags.strings("exclude"));
    }

    /** A word as an empty environment expands it; an expansion that fails gives null. */
    private String expandedWithNothing(String word) {
        try {
            return DockerfileWords.expand(word, escape, name -> null);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The sources and destination of {@code ADD} and {@code COPY}; a source may be a here-document. */
    private static Sources sources(Parts parts, List<Instruction.Heredoc> heredocs) {
        List<String> words = jsonOrWords(parts.arguments());
        if (words.size() < 2) {
            throw new IllegalArgumentException(parts.keyword()
                    + " requires at least two arguments: SOURCE... DESTINATION");
        }
        String destination = words.get(words.size() - 1);
        if (heredoc(destination) != null) {
            throw new IllegalArgumentException(parts.keyword() + " cannot accept a heredoc as a destination");
        }
        Map<String, Instruction.Heredoc> byName = new HashMap<>();
        heredocs.forEach(doc -> byName.put(doc.name(), doc));
        List<String> paths = new ArrayList<>();
        List<Instruction.Heredoc> documents = new ArrayList<>();
        for (String word : words.subList(0, words.size() - 1)) {
            Instruction.Heredoc doc = heredoc(word);
            if (doc == null) {
                paths.add(word);
            } else {
                Instruction.Heredoc read = byName.get(doc.name());
                documents.add(new Instruction.Heredoc(doc.name(), read == null ? "" : read.content(), doc.expand(),
                        doc.chomp(), doc.descriptor()));
            }
        }
        return new Sources(paths, documents, destination);
    }

    private record Sources(List<String> paths, List<Instruction.Heredoc> documents, String destination) {
    }

    private static Instruction.Healthcheck healthcheck(Parts parts, Instruction.Span span) {
        String arguments = parts.arguments();
        int space = 0;
        while (space < arguments.length() && !DockerfileWords.isSpace(arguments.charAt(space))) {
            space++;
        }
        String type = arguments.substring(0, space).toUpperCase(Locale.ROOT);
        String rest = DockerfileWords.trim(arguments.substring(space));
        if (type.equals("NONE")) {
            if (!rest.isEmpty() || !parts.flags().isEmpty()) {
                throw new IllegalArgumentException("HEALTHCHECK NONE takes no options or arguments");
            }
            return new Instruction.Healthcheck(span, List.of("NONE"), Duration.ZERO, Duration.ZERO, Duration.ZERO,
                    Duration.ZERO, 0);
        }
        if (!type.equals("CMD")) {
            throw new IllegalArgumentException("HEALTHCHECK takes [OPTIONS] CMD command, or NONE");
        }
        Flags flags = new Flags("HEALTHCHECK", parts.flags(), HEALTHCHECK_FLAGS);
        List<String> exec = jsonArray(rest);
        if (exec == null && rest.isEmpty() || exec != null && exec.isEmpty()) {
            throw new IllegalArgumentException("HEALTHCHECK CMD needs a command");
        }
        List<String> test = new ArrayList<>();
        test.add(exec == null ? "CMD-SHELL" : "CMD");
        test.addAll(exec == null ? List.of(rest) : exec);
        return new Instruction.Healthcheck(span, test, interval(flags, "interval"), interval(flags, "timeout"),
                interval(flags, "start-period"), interval(flags, "start-interval"), retries(flags.string("retries")));
    }

    /** A health check's duration, as Go's {@code time.ParseDuration} reads it: 0, or at least 1 ms. */
    private static Duration interval(Flags flags, String option) {
        String text = flags.string(option);
        if (text == null) {
            return Duration.ZERO;
        }
        Duration duration;
        try {
            duration = GoDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + option + " takes a duration such as 30s or 1m30s, not \""
                    + text + "\"");
        }
        if (!duration.isZero() && duration.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException("--" + option + " must be 0 or at least 1ms, not " + text);
        }
        return duration;
    }

    private static int retries(String text) {
        if (text == null) {
            return 0;
        }
        try {
            int retries = text.matches("[+-]?[0-9]+") ? Integer.parseInt(text) : -1;
            if (retries >= 0) {
                return retries;
            }
        } catch (NumberFormatException outOfRange) {
            // refused below, as Go's strconv refuses it
        }
        throw new IllegalArgumentException("--retries takes a number of at least 0, not \"" + text + "\"");
    }

    private Instruction.Onbuild onbuild(Parts parts, Instruction.Span span, List<Instruction.Heredoc> heredocs) {
        noFlags(parts);
        Parts trigger = parts.child(escape);
        if (trigger == null) {
            throw new IllegalArgumentException("ONBUILD requires at least one argument");
        }
        switch (trigger.keyword()) {
            case "ONBUILD" -> throw new IllegalArgumentException("ONBUILD cannot trigger ONBUILD");
            case "FROM", "MAINTAINER" -> throw new IllegalArgumentException(trigger.keyword()
                    + " is not allowed as an ONBUILD trigger");
            default -> {
                if (!KEYWORDS.contains(trigger.keyword())) {
                    throw new IllegalArgumentException(trigger.written() + " is not a Dockerfile instruction");
                }
            }
        }
        StringBuilder expression = new StringBuilder(ONBUILD_PREFIX.matcher(span.text()).replaceFirst(""));
        for (Instruction.Heredoc doc : heredocs) {
            expression.append('\n').append(doc.content()).append(doc.name());
        }
        Instruction.Span triggerSpan = new Instruction.Span(span.first(), span.last(), parts.arguments());
        return new Instruction.Onbuild(span, build(trigger, triggerSpan, heredocs), expression.toString());
    }

    private Instruction.Arg arg(Parts parts, Instruction.Span span) {
        List<Instruction.Arg.Declaration> declarations = new ArrayList<>();
        for (String word : atLeastOne(parts, DockerfileWords.split(parts.arguments(), escape, false))) {
            int equals = word.indexOf('=');
            if (equals == 0) {
                throw new IllegalArgumentException("\"" + word + "\" is not NAME[=DEFAULT]");
            }
            declarations.add(new Instruction.Arg.Declaration(equals < 0 ? word : word.substring(0, equals),
                    equals < 0 ? null : word.substring(equals + 1)));
        }
        return new Instruction.Arg(span, declarations);
    }

    /**
     * The exec form's strings, or null when the text is no JSON array (the shell form then).
     *
     * @throws IllegalArgumentException for a JSON array holding something else than strings
     */
    private static List<String> jsonArray(String text) {
        String json = stripLeading(text);
        if (!json.startsWith("[")) {
            return null;
        }
        JsonNode array;
        try {
            array = Json.parse(json);
        } catch (IOException notJson) {
            return null;
        }
        List<String> strings = new ArrayList<>();
        for (JsonNode value : array) {
            if (!value.isTextual()) {
                throw new IllegalArgumentException("when using JSON array syntax, arrays must be comprised of strings"
                        + " only");
            }
            strings.add(value.textValue());
        }
        return strings;
    }

    /** A JSON array's strings, or the words of the text split at blanks. */
    private static List<String> jsonOrWords(String text) {
        List<String> json = jsonArray(text);
        return json != null ? json : blankSplit(text);
    }

    private static List<String> blankSplit(String text) {
        return text.isEmpty() ? List.of() : List.of(BLANKS.split(text));
    }

    /**
     * The here-documents of an instruction's line, each with the lines after the instruction up to
     * its delimiter.
     */
    private List<Instruction.Heredoc> heredocs(String logical) {
        List<Instruction.Heredoc> docs = new ArrayList<>();
        for (String word : heredocWords(logical)) {
            Instruction.Heredoc doc = heredoc(word);
            if (doc == null) {
                continue;
            }
            StringBuilder content = new StringBuilder();
            while (true) {
                if (next >= lines.size()) {
                    throw new IllegalArgumentException("unterminated heredoc: no line " + doc.name() + " ends <<"
                            + (doc.chomp() ? "-" : "") + doc.name());
                }
                String line = lines.get(next++);
                String candidate = withoutLineEnd(line);
                if ((doc.chomp() ? candidate.replaceFirst("^\t+", "") : candidate).equals(doc.name())) {
                    break;
                }
                content.append(line);
            }
            docs.add(new Instruction.Heredoc(doc.name(), content.toString(), doc.expand(), doc.chomp(),
                    doc.descriptor()));
        }
        return docs;
    }

    /**
     * A word that opens a here-document ({@code <<EOF}, {@code 2<<-"EOF"}), without content; null
     * for any other word.
     */
    private static Instruction.Heredoc heredoc(String word) {
        Matcher m = HEREDOC.matcher(word);
        if (!m.matches() || m.group(3).isEmpty()) {
            return null;
        }
        List<String> delimiter = DockerfileWords.split(m.group(3), '\\', false);
        if (delimiter.size() != 1) {
            return null;
        }
        String name = DockerfileWords.unquote(delimiter.get(0));
        boolean quoted = DockerfileWords.quoted(delimiter.get(0));
        int descriptor = m.group(1).isEmpty() ? 0 : Integer.parseInt(m.group(1));
        return new Instruction.Heredoc(name, "", !quoted, m.group(2).equals("-"), descriptor);
    }

    /**
     * The line's words as BuildKit looks for here-documents in them: split at white space outside
     * quotes, quotes and backslash escapes kept, blanks right after {@code <<} part of the word.
     */
    private static List<String> heredocWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == 0 && DockerfileWords.isSpace(c)) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
                continue;
            }
            word.append(c);
            if (c == '\\' && quote != '\'' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
            } else if (c == quote) {
                quote = 0;
            } else if (quote == 0 && (c == '\'' || c == '"')) {
                quote = c;
            } else if (quote == 0 && line.startsWith("<<", i)) {
                word.append(line.charAt(++i));
                while (i + 1 < line.length() && " \t\r".indexOf(line.charAt(i + 1)) >= 0) {
                    word.append(line.charAt(++i));
                }
            }
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }

    /** The global arguments and the stages. */
    private Dockerfile stages(List<Instruction> instructions) {
        if (instructions.isEmpty()) {
            throw new DockerfileException(file, Math.max(1, lines.size()), "the file has no instructions");
        }
        List<Instruction.Arg> globalArgs = new ArrayList<>();
        List<Dockerfile.Stage> stages = new ArrayList<>();
        Map<String, Integer> named = new HashMap<>();
        Instruction.From from = null;
        List<Instruction> body = new ArrayList<>();
        for (Instruction instruction : instructions) {
            if (instruction instanceof Instruction.From begins) {
                if (from != null) {
                    stages.add(new Dockerfile.Stage(stages.size(), from.name(), from, body));
                }
                Integer earlier = begins.name() == null ? null
                        : named.putIfAbsent(begins.name(), begins.span().first());
                if (earlier != null) {
                    throw new DockerfileException(file, begins.span().first(), "duplicate stage name \"" + begins.name()
                            + "\" (the stage at line " + earlier + " has it)");
                }
                from = begins;
                body = new ArrayList<>();
            } else if (from != null) {
                body.add(instruction);
            } else if (instruction instanceof Instruction.Arg arg) {
                globalArgs.add(arg);
            } else {
                throw new DockerfileException(file, instruction.span().first(), instruction.keyword()
                        + " before any FROM: a Dockerfile begins with FROM, which only ARG may precede");
            }
        }
        if (from == null) {
            throw new DockerfileException(file, instructions.get(instructions.size() - 1).span().last(),
                    "no FROM: the file has no build stage");
        }
        stages.add(new Dockerfile.Stage(stages.size(), from.name(), from, body));
        return new Dockerfile(file, escape, globalArgs, stages, notes);
    }

    private static String withoutLineEnd(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
            end--;
        }
        return line.substring(0, end);
    }

    private static String stripLeading(String text) {
        int start = 0;
        while (start < text.length() && DockerfileWords.isSpace(text.charAt(start))) {
            start++;
        }
        return text.substring(start);
    }

    private static boolean isComment(String line) {
        return stripLeading(line).startsWith("#");
    }
}
