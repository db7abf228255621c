package dev.jreg.internal.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jreg.internal.json.Json;
import dev.jreg.model.ImageConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image's runtime settings (its config's {@code config}) changed by Dockerfile instructions,
 * in order, as docker's builder dispatches them: {@code CMD}, {@code ENTRYPOINT}, {@code ENV},
 * {@code EXPOSE}, {@code HEALTHCHECK}, {@code LABEL}, {@code ONBUILD}, {@code SHELL},
 * {@code STOPSIGNAL}, {@code USER}, {@code VOLUME}, {@code WORKDIR}. Public for the façade's
 * {@code commit -c} ({@link #change}); a build applies its stages' instructions through
 * {@link #apply}.
 */
public final class ConfigEditor {
    private static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");
    /** Linux's signals by name, as docker's {@code signal.ParseSignal} knows them, without {@code SIG}. */
    private static final Set<String> SIGNALS = Set.of("ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL",
            "INT", "IO", "IOT", "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM",
            "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ");
    private static final Pattern REALTIME_SIGNAL = Pattern.compile("RTMIN(\\+([0-9]|1[0-5]))?|RTMAX(-([0-9]|1[0-5]))?");
    private static final int MAX_SIGNAL = 64;
    private static final Pattern PORT = Pattern.compile("([0-9]{1,5})(?:-([0-9]{1,5}))?(?:/([A-Za-z]+))?");
    private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "sctp");
    private static final int MAX_PORT = 65535;

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

    /** @param base the settings to change, or null for an image whose config has none */
    public ConfigEditor(ImageConfig.Container base) {
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
     * Checks an instruction written on one line, as {@code docker commit --change} takes it, for
     * what can be checked before its variables are known: its syntax, flags and arguments.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void check(String line) {
        DockerfileParser.instruction(line);
    }

    /**
     * Applies an instruction written on one line, its variables replaced from the environment as
     * the changes before left it.
     *
     * @throws IllegalArgumentException saying what is wrong: the syntax, a value once variables
     *     are replaced (a port that is no number, an unknown signal, a variable required unset),
     *     or an instruction that does not change these settings
     */
    public void change(String line) {
        apply(DockerfileParser.instruction(line).expand(new Expander('\\', this::env)));
    }

    /** The settings as the instructions left them. */
    public ImageConfig.Container container() {
        return new ImageConfig.Container(env, cmd, entrypoint, workingDir, user, exposedPorts, labels, volumes,
                stopSignal, otherFields);
    }

    /** A variable of the environment so far, or null. */
    String env(String name) {
        for (String entry : env) {
            if (entry.startsWith(name + "=")) {
                return entry.substring(name.length() + 1);
            }
        }
        return null;
    }

    /**
     * Applies an instruction whose variables are replaced.
     *
     * @throws IllegalArgumentException for a value docker refuses, or an instruction that does
     *     not change these settings
     */
    void apply(Instruction instruction) {
        if (instruction instanceof Instruction.Cmd c) {
            cmd = c.command().withShell(shell());
            cmdSet = true;
        } else if (instruction instanceof Instruction.Entrypoint e) {
            entrypoint = e.command().withShell(shell());
            if (!cmdSet) {
                cmd = null; // as docker: an entrypoint set drops the command it was not given with
            }
        } else if (instruction instanceof Instruction.Env e) {
            e.variables().forEach(pair -> setEnv(name(pair.key()), pair.value()));
        } else if (instruction instanceof Instruction.Label l) {
            l.labels().forEach(pair -> labels.put(name(pair.key()), pair.value()));
        } else if (instruction instanceof Instruction.Expose e) {
            e.ports().forEach(spec -> ports(spec).forEach(port -> exposedPorts.put(port, Map.of())));
        } else if (instruction instanceof Instruction.Volume v) {
            for (String volume : v.volumes()) {
                if (volume.isBlank()) {
                    throw new IllegalArgumentException("a volume is an empty path");
                }
                volumes.put(volume, Map.of());
            }
        } else if (instruction instanceof Instruction.Workdir w) {
            workingDir = workdir(w.path());
        } else if (instruction instanceof Instruction.User u) {
            user = u.user();
        } else if (instruction instanceof Instruction.StopSignal s) {
            stopSignal = signal(s.signal());
        } else if (instruction instanceof Instruction.Healthcheck h) {
            otherFields.set("Healthcheck", healthcheck(h));
        } else if (instruction instanceof Instruction.Onbuild o) {
            if (!otherFields.path("OnBuild").isArray()) {
                otherFields.putArray("OnBuild");
            }
            ((ArrayNode) otherFields.get("OnBuild")).add(o.expression());
        } else if (instruction instanceof Instruction.Shell s) {
            ArrayNode shell = otherFields.putArray("Shell");
            s.shell().forEach(shell::add);
        } else {
            throw new IllegalArgumentException(instruction.keyword() + " does not change an image's settings");
        }
    }

    /** The shell the shell form runs in: the image's {@code Shell}, else {@code /bin/sh -c}. */
    List<String> shell() {
        JsonNode shell = otherFields.path("Shell");
        if (!shell.isArray() || shell.isEmpty()) {
            return DEFAULT_SHELL;
        }
        List<String> words = new ArrayList<>();
        shell.forEach(word -> words.add(word.asText()));
        return words;
    }

    private static String name(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a name is empty");
        }
        return name;
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
    static List<String> ports(String spec) {
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
        boolean known = upper.matches("[0-9]{1,2}")
                ? Integer.parseInt(upper) >= 1 && Integer.parseInt(upper) <= MAX_SIGNAL
                : SIGNALS.contains(name) || REALTIME_SIGNAL.matcher(name).matches();
        if (!known) {
            throw new IllegalArgumentException("\"" + text + "\" is not a signal (a name such as SIGTERM, or 1 to "
                    + MAX_SIGNAL + ")");
        }
        return text;
    }

    /** The {@code Healthcheck} object docker writes: {@code Test}, then the options given, durations in nanoseconds. */
    private static ObjectNode healthcheck(Instruction.Healthcheck check) {
        ObjectNode healthcheck = Json.object();
        ArrayNode test = healthcheck.putArray("Test");
        check.test().forEach(test::add);
        Map<String, Duration> durations = new LinkedHashMap<>();
        durations.put("Interval", check.interval());
        durations.put("Timeout", check.timeout());
        durations.put("StartPeriod", check.startPeriod());
        durations.put("StartInterval", check.startInterval());
        durations.forEach((field, duration) -> {
            if (!duration.isZero()) {
                healthcheck.put(field, duration.toNanos());
            }
        });
        if (check.retries() != 0) {
            healthcheck.put("Retries", check.retries());
        }
        return healthcheck;
    }
}
