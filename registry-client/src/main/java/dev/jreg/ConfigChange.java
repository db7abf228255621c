package dev.jreg;

import java.util.List;
import java.util.Locale;

/**
 * One Dockerfile instruction that edits an image's config, as {@code docker commit --change}
 * takes it (Dockerfile reference): the instructions in {@link #INSTRUCTIONS}, applied in the order
 * given by {@link Jreg#commit}, each as docker's builder applies it:
 * <ul>
 * <li>{@code CMD}, {@code ENTRYPOINT}: a JSON array of strings (exec form) as it is, any other
 *     text (shell form) as {@code ["/bin/sh","-c",TEXT]}, or after the image's {@code Shell} when
 *     it has one; a JSON array holding anything but strings is refused; {@code ENTRYPOINT}
 *     empties the command unless a {@code CMD} came before it.
 * <li>{@code ENV K=V K2="v 2"}, or {@code ENV K the rest of the line}: sets variables, replacing
 *     one of the same name where it stands; {@code LABEL k=v k2="v 2"} sets labels the same way.
 * <li>{@code EXPOSE 80 80/tcp 53/udp 8000-8002}: exposed ports ({@code tcp} when none is given;
 *     {@code tcp}, {@code udp} or {@code sctp}; a range stands for each of its ports).
 * <li>{@code VOLUME /data /logs} or {@code VOLUME ["/data"]}: volumes added.
 * <li>{@code WORKDIR}: the working directory, a relative one joined to the one before;
 *     {@code USER}: the user; {@code STOPSIGNAL}: a signal's name ({@code SIGTERM}, {@code TERM})
 *     or number.
 * <li>{@code HEALTHCHECK [--interval=D] [--timeout=D] [--start-period=D] [--start-interval=D]
 *     [--retries=N] CMD command} (exec or shell form) or {@code HEALTHCHECK NONE}; durations as Go
 *     writes them ({@code 30s}, {@code 1m30s}), 0 or at least 1 ms.
 * <li>{@code ONBUILD INSTRUCTION}: a trigger added as written (not {@code ONBUILD}, {@code FROM}
 *     or {@code MAINTAINER}).
 * </ul>
 * In {@code ENV}, {@code EXPOSE}, {@code LABEL}, {@code STOPSIGNAL}, {@code USER}, {@code VOLUME}
 * and {@code WORKDIR}, variables ({@code $NAME}, {@code ${NAME:-default}} and the other forms of
 * "Environment replacement") are replaced from the image's environment as the changes before left
 * it, and quotes and backslash escapes resolved.
 *
 * @param instruction the keyword, upper case ({@code CMD})
 * @param arguments what follows it, without surrounding white space
 */
public record ConfigChange(String instruction, String arguments) {
    /** What a change may be: the instructions docker's commit takes. */
    public static final List<String> INSTRUCTIONS = List.of("CMD", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL",
            "ONBUILD", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR");

    /**
     * Checks the instruction and the syntax of its arguments; values that depend on variables
     * (a port, a signal) are checked when the change is applied.
     *
     * @throws IllegalArgumentException naming the change and what is wrong with it
     */
    public ConfigChange {
        String text = instruction + " " + arguments;
        if (instruction.isEmpty()) {
            throw new IllegalArgumentException("invalid change: it is empty");
        }
        if (!INSTRUCTIONS.contains(instruction)) {
            throw new IllegalArgumentException("invalid change \"" + text.strip() + "\": " + instruction
                    + " is not an instruction docker commit takes (" + String.join(", ", INSTRUCTIONS) + ")");
        }
        if (arguments.isBlank()) {
            throw new IllegalArgumentException("invalid change \"" + instruction + "\": " + instruction
                    + " needs arguments");
        }
        if (arguments.chars().anyMatch(c -> c == '\n' || c == '\r')) {
            throw new IllegalArgumentException("invalid change \"" + text + "\": a change is one line");
        }
        try {
            ConfigEdits.check(instruction, arguments);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid change \"" + text + "\": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a change as a Dockerfile line: the keyword in any case, then its arguments.
     *
     * @throws IllegalArgumentException naming the change, for an instruction not in
     *     {@link #INSTRUCTIONS}, one without arguments, or arguments it cannot take
     */
    public static ConfigChange parse(String text) {
        String line = text.strip();
        int space = line.indexOf(' ') < 0 ? line.length() : line.indexOf(' ');
        int tab = line.indexOf('\t');
        int end = tab >= 0 && tab < space ? tab : space;
        return new ConfigChange(line.substring(0, end).toUpperCase(Locale.ROOT), line.substring(end).strip());
    }

    /** The change as a Dockerfile line: {@code CMD ["./run.sh"]}. */
    @Override
    public String toString() {
        return instruction + " " + arguments;
    }
}
