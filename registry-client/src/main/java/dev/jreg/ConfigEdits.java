package dev.jreg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.internal.json.Json;
import dev.jreg.model.ImageConfig;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link ConfigChange}s applied to an image's runtime settings, in order, as docker's builder
 * dispatches them; each instruction's syntax is checked by {@link #check} when the change is
 * made, its values once variables are known.
 */
final class ConfigEdits {
    /** What an {@code ONBUILD} may trigger: a Dockerfile instruction but {@code ONBUILD}, {@code FROM}, {@code MAINTAINER}. */
    private static final Set<String> TRIGGERS = Set.of("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE",
            "HEALTHCHECK", "LABEL", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR");
    /** Linux's signals by name, as docker's {@code signal.ParseSignal} knows them, without {@code SIG}. */
    private static final Set<String> SIGNALS = Set.of("ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL",
            "INT", "IO", "IOT", "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM",
            "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ");
    private static final Pattern REALTIME_SIGNAL = Pattern.compile("RTMIN(\\+([0-9]|1[0-5]))?|RTMAX(-([0-9]|1[0-5]))?");
    private static final int MAX_SIGNAL = 64;
    private static final Pattern PORT = Pattern.compile("([0-9]{1,5})(?:-([0-9]{1,5}))?(?:/([A-Za-z]+))?");
    private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "sctp");
    private static final int MAX_PORT = 65535;
    private static final Pattern HEALTHCHECK = Pattern.compile("((?:--[A-Za-z-]+=\\S*\\s+)*)(NONE|CMD)(?:\\s+(.*))?",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    /** The health check options and the fields they set, in the order docker writes them. */
    private static final Map<String, String> HEALTHCHECK_OPTIONS = orderedOptions();
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Map<String, Long> NANOS_PER_UNIT = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L,
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);
    private static final long MIN_DURATION = 1_000_000L;

    private final List<String> env;
    private final Map<String, Object> exposedPorts;
    private final Map<String, String> labels;
    private final Map<String, Object> volumes;
    private final ObjectNode otherFields;
    private List<String> cmd;
    private List<String> entrypoint;
    private String workingDir;
    private String user;
    private String stopSignal;
    private boolean cmdSet;

    private ConfigEdits(ImageConfig.Container base) {
        ImageConfig.Container from = base != null ? base
                : new ImageConfig.Container(null, null, null, null, null, null, null, null, null, null);
        env = from.env() == null ? new ArrayList<>() : new ArrayList<>(from.env());
        exposedPorts = from.exposedPorts() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(from.exposedPorts());
        labels = from.labels() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(from.labels());
        volumes = from.volumes() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(from.volumes());
        otherFields = from.otherFields();
        cmd = from.cmd();
        entrypoint = from.entrypoint();
        workingDir = from.workingDir();
        user = from.user();
        stopSignal = from.stopSignal();
    }

    /**
     * The settings with the changes applied, in order; {@code base} itself when there are none.
     *
     * @param base the image's settings, or null when its config has none
     * @throws IllegalArgumentException naming the change whose values are wrong once variables
     *     are replaced (a port that is no number, an unknown signal, a variable required unset)
     */
    static ImageConfig.Container apply(ImageConfig.Container base, List<ConfigChange> changes) {
        if (changes.isEmpty()) {
            return base;
        }
        ConfigEdits edits = new ConfigEdits(base);
        for (ConfigChange change : changes) {
            try {
                edits.apply(change.instruction(), change.arguments());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid change \"" + change + "\": " + e.getMessage(), e);
            }
        }
        return new ImageConfig.Container(edits.env, edits.cmd, edits.entrypoint, edits.workingDir, edits.user,
                edits.exposedPorts, edits.labels, edits.volumes, edits.stopSignal, edits.otherFields);
    }

    /**
     * Checks what can be checked before variables are known: quotes closed, {@code NAME=VALUE}
     * pairs, a health check's form and options, an {@code ONBUILD} trigger.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static void check(String instruction, String arguments) {
        switch (instruction) {
            case "ENV", "LABEL" -> pairs(instruction, arguments);
            case "HEALTHCHECK" -> healthcheck(arguments);
            case "ONBUILD" -> trigger(arguments);
            case "CMD", "ENTRYPOINT" -> { } // any text that is no JSON array is the shell form
            default -> DockerfileWords.split(arguments);
        }
    }

    private void apply(String instruction, String arguments) {
        switch (instruction) {
            case "CMD" -> {
                cmd = command(arguments);
                cmdSet = true;
            }
            case "ENTRYPOINT" -> {
                entrypoint = command(arguments);
                if (!cmdSet) {
                    cmd = null; // as docker: an entrypoint set drops the command it was not given with
                }
            }
            case "ENV" -> pairs(instruction, arguments).forEach(pair -> setEnv(name(pair[0]), expand(pair[1])));
            case "LABEL" -> pairs(instruction, arguments).forEach(pair -> labels.put(name(pair[0]), expand(pair[1])));
            case "EXPOSE" -> expandedWords(arguments).forEach(port -> ports(port).forEach(p -> exposedPorts.put(p, Map.of())));
            case "VOLUME" -> volumes(arguments).forEach(volume -> volumes.put(volume, Map.of()));
            case "WORKDIR" -> workingDir = workdir(expand(arguments));
            case "USER" -> user = expand(arguments);
            case "STOPSIGNAL" -> stopSignal = signal(expand(arguments));
            case "HEALTHCHECK" -> otherFields.set("Healthcheck", healthcheck(arguments));
            case "ONBUILD" -> {
                trigger(arguments);
                if (!otherFields.path("OnBuild").isArray()) {
                    otherFields.putArray("OnBuild");
                }
                ((ArrayNode) otherFields.get("OnBuild")).add(arguments);
            }
            default -> throw new IllegalStateException(instruction); // ConfigChange admits no other
        }
    }

    /** An exec-form JSON array as it is, any other text as the shell form docker writes. */
    private static List<String> command(String arguments) {
        return jsonArray(arguments).orElseGet(() -> List.of("/bin/sh", "-c", arguments));
    }

    /** A JSON array of strings, or empty when the text is none (docker then takes the shell form). */
    private static Optional<List<String>> jsonArray(String text) {
        if (!text.startsWith("[")) {
            return Optional.empty();
        }
        JsonNode array;
        try {
            array = Json.parse(text);
        } catch (IOException notJson) {
            return Optional.empty();
        }
        List<String> values = new ArrayList<>();
        for (JsonNode value : array) {
            if (!value.isTextual()) {
                return Optional.empty();
            }
            values.add(value.textValue());
        }
        return array.isArray() ? Optional.of(values) : Optional.empty();
    }

    /**
     * {@code NAME=VALUE} pairs as written (quotes kept for {@link #expand}), or the old form
     * {@code NAME VALUE}, whose value is the rest of the line.
     */
    private static List<String[]> pairs(String instruction, String arguments) {
        List<String> words = DockerfileWords.split(arguments);
        if (!words.get(0).contains("=")) {
            String rest = arguments.substring(words.get(0).length()).strip();
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(instruction + " " + words.get(0) + " has no value; write "
                        + instruction + " NAME=VALUE");
            }
            return List.<String[]>of(new String[] {words.get(0), rest});
        }
        List<String[]> pairs = new ArrayList<>();
        for (String word : words) {
            int equals = word.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("\"" + word + "\" is not NAME=VALUE");
            }
            pairs.add(new String[] {word.substring(0, equals), word.substring(equals + 1)});
        }
        return pairs;
    }

    private String expand(String word) {
        return DockerfileWords.expand(word, this::variable);
    }

    private String name(String word) {
        String name = expand(word);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a name is empty");
        }
        return name;
    }

    /** The words of the arguments, each expanded, and split again where a variable held white space. */
    private List<String> expandedWords(String arguments) {
        List<String> words = new ArrayList<>();
        for (String word : DockerfileWords.split(arguments)) {
            for (String part : expand(word).split("\\s+")) {
                if (!part.isEmpty()) {
                    words.add(part);
                }
            }
        }
        return words;
    }

    /** The value of a variable of the environment so far, or null. */
    private String variable(String name) {
        for (String entry : env) {
            if (entry.startsWith(name + "=")) {
                return entry.substring(name.length() + 1);
            }
        }
        return null;
    }

    private void setEnv(String name, String value) {
        for (int i = 0; i < env.size(); i++) {
            if (env.get(i).startsWith(name + "=")) {
                env.set(i, name + "=" + value);
                return;
            }
        }
        env.add(name + "=" + value);
    }

    /** {@code 80}, {@code 80/tcp}, {@code 8000-8002/udp} as the keys docker writes: {@code 80/tcp} for each port. */
    private static List<String> ports(String spec) {
        Matcher m = PORT.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + spec + "\" is not a port: PORT[-PORT][/tcp|udp|sctp]");
        }
        int first = Integer.parseInt(m.group(1));
        int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
        String protocol = m.group(3) == null ? "tcp" : m.group(3).toLowerCase(Locale.ROOT);
        if (first < 1 || last > MAX_PORT || last < first) {
            throw new IllegalArgumentException("\"" + spec + "\" is not a port from 1 to " + MAX_PORT);
        }
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException("\"" + spec + "\": the protocol is tcp, udp or sctp");
        }
        List<String> ports = new ArrayList<>();
        for (int port = first; port <= last; port++) {
            ports.add(port + "/" + protocol);
        }
        return ports;
    }

    private List<String> volumes(String arguments) {
        Optional<List<String>> json = jsonArray(arguments);
        List<String> volumes = json.isPresent() ? json.get().stream().map(this::expand).toList()
                : expandedWords(arguments);
        if (volumes.isEmpty() || volumes.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("a volume is an empty path");
        }
        return volumes;
    }

    /** A relative directory joined to the working directory before, as docker's builder joins it. */
    private String workdir(String directory) {
        if (directory.isEmpty()) {
            throw new IllegalArgumentException("the directory is empty");
        }
        return directory.startsWith("/") ? directory
                : Path.of("/", workingDir == null ? "" : workingDir, directory).normalize().toString();
    }

    /** A signal as docker's {@code signal.ParseSignal} reads it, kept as written. */
    private static String signal(String text) {
        String upper = text.toUpperCase(Locale.ROOT);
        String name = upper.startsWith("SIG") ? upper.substring(3) : upper;
        boolean known = upper.matches("[0-9]{1,2}") ? Integer.parseInt(upper) >= 1 && Integer.parseInt(upper) <= MAX_SIGNAL
                : SIGNALS.contains(name) || REALTIME_SIGNAL.matcher(name).matches();
        if (!known) {
            throw new IllegalArgumentException("\"" + text + "\" is not a signal (a name such as SIGTERM, or 1 to "
                    + MAX_SIGNAL + ")");
        }
        return text;
    }

    /** The {@code Healthcheck} object docker writes: {@code Test}, then the options given, durations in nanoseconds. */
    private static ObjectNode healthcheck(String arguments) {
        Matcher m = HEALTHCHECK.matcher(arguments);
        if (!m.matches()) {
            throw new IllegalArgumentException("HEALTHCHECK takes [OPTIONS] CMD command, or NONE");
        }
        String options = m.group(1).strip();
        String command = m.group(3) == null ? "" : m.group(3).strip();
        ObjectNode healthcheck = Json.object();
        ArrayNode test = healthcheck.putArray("Test");
        if (m.group(2).equalsIgnoreCase("NONE")) {
            if (!options.isEmpty() || !command.isEmpty()) {
                throw new IllegalArgumentException("HEALTHCHECK NONE takes no options or arguments");
            }
            test.add("NONE");
            return healthcheck;
        }
        if (command.isEmpty()) {
            throw new IllegalArgumentException("HEALTHCHECK CMD needs a command");
        }
        Optional<List<String>> exec = jsonArray(command);
        if (exec.isPresent()) {
            test.add("CMD");
            exec.get().forEach(test::add);
        } else {
            test.add("CMD-SHELL").add(command);
        }
        Map<String, Long> values = new LinkedHashMap<>();
        for (String option : options.isEmpty() ? new String[0] : options.split("\\s+")) {
            int equals = option.indexOf('=');
            String name = option.substring(0, equals);
            String value = option.substring(equals + 1);
            String field = HEALTHCHECK_OPTIONS.get(name);
            if (field == null) {
                throw new IllegalArgumentException("HEALTHCHECK has no option " + name + " (it has "
                        + String.join(", ", HEALTHCHECK_OPTIONS.keySet()) + ")");
            }
            values.put(field, field.equals("Retries") ? retries(value) : duration(name, value));
        }
        HEALTHCHECK_OPTIONS.values().forEach(field -> {
            if (values.getOrDefault(field, 0L) != 0) {
                healthcheck.put(field, values.get(field));
            }
        });
        return healthcheck;
    }

    private static Map<String, String> orderedOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--interval", "Interval");
        options.put("--timeout", "Timeout");
        options.put("--start-period", "StartPeriod");
        options.put("--start-interval", "StartInterval");
        options.put("--retries", "Retries");
        return options;
    }

    private static long retries(String value) {
        if (!value.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("--retries takes a number of at least 0, not \"" + value + "\"");
        }
        return Long.parseLong(value);
    }

    /** A duration as Go's {@code time.ParseDuration} reads it ({@code 1m30s}, {@code 1.5h}), in nanoseconds. */
    private static long duration(String option, String text) {
        if (text.equals("0")) {
            return 0;
        }
        Matcher part = DURATION_PART.matcher(text);
        BigDecimal nanos = BigDecimal.ZERO;
        int end = 0;
        while (part.lookingAt()) {
            nanos = nanos.add(new BigDecimal(part.group(1).startsWith(".") ? "0" + part.group(1) : part.group(1))
                    .multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(part.group(2)))));
            end = part.end();
            part.region(end, text.length());
        }
        if (end == 0 || end != text.length()) {
            throw new IllegalArgumentException(option + " takes a duration such as 30s or 1m30s, not \"" + text + "\"");
        }
        if (nanos.compareTo(BigDecimal.valueOf(MIN_DURATION)) < 0) {
            throw new IllegalArgumentException(option + " must be 0 or at least 1ms, not " + text);
        }
        return nanos.longValue();
    }

    /** The instruction an {@code ONBUILD} adds must be one a later build can run. */
    private static void trigger(String arguments) {
        String keyword = arguments.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
        if (keyword.equals("ONBUILD")) {
            throw new IllegalArgumentException("ONBUILD cannot trigger ONBUILD");
        }
        if (keyword.equals("FROM") || keyword.equals("MAINTAINER")) {
            throw new IllegalArgumentException(keyword + " is not allowed as an ONBUILD trigger");
        }
        if (!TRIGGERS.contains(keyword)) {
            throw new IllegalArgumentException(keyword + " is not a Dockerfile instruction");
        }
    }
}
