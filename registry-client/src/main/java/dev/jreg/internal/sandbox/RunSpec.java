package dev.jreg.internal.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * One command to run in a root filesystem, as a Dockerfile's {@code RUN} gives it once its words
 * are known.
 *
 * @param argv the program and its arguments, as {@code exec} takes them: a shell form is already
 *     the image's {@code SHELL} followed by the command ({@code ["/bin/sh", "-c", "apt-get update"]});
 *     at least one element. A first element without {@code /} is looked up in the {@code PATH} of
 *     {@code env}, inside the root filesystem
 * @param env the variables, each {@code NAME=VALUE}; a later one replaces an earlier one of the
 *     same name. When none is {@code PATH}, docker's default is added
 *     ({@code /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}); when none is
 *     {@code HOME}, the user's home from {@code /etc/passwd} ({@code /} without an entry); bubblewrap
 *     sets {@code PWD}
 * @param workingDirectory an absolute path inside the root filesystem ({@code /} for an image
 *     without {@code WORKDIR}); made when missing, with the directories above it, mode 0755, owned
 *     by the user, as docker makes it
 * @param user the {@code USER} value: empty or {@code root}, a name, a uid, {@code name:group} or
 *     {@code uid:gid}, resolved as docker resolves it against the root filesystem's
 *     {@code /etc/passwd} and {@code /etc/group}
 * @param network {@link Network#DEFAULT}, the host's network as {@code docker build} gives it, or
 *     {@link Network#NONE}
 * @param binds host directories the command sees, read-only, in order
 */
public record RunSpec(List<String> argv, List<String> env, String workingDirectory, String user, Network network,
        List<ReadOnlyBind> binds) {

    /** The network a command sees: {@code RUN --network=default|none}. */
    public enum Network {
        /** The host's interfaces, with its {@code /etc/resolv.conf} and {@code /etc/hosts}. */
        DEFAULT,
        /** A network namespace of its own holding only the loopback interface. */
        NONE
    }

    /**
     * A host directory bound read-only into the sandbox, as BuildKit mounts the script of a
     * here-document with its own interpreter at {@code /dev/pipes}.
     *
     * @param source the host's directory, an absolute path; a user the command runs as must be
     *     able to read it (the directories above it need not be reachable)
     * @param destination where the command sees it: a path under {@code /dev}, which is a file
     *     system of the sandbox's own, so that nothing is made in the root filesystem for it and
     *     nothing of it can be in a layer
     */
    public record ReadOnlyBind(Path source, String destination) {
        /** @throws IllegalArgumentException when the source is relative, or the destination is not a plain path under {@code /dev} */
        public ReadOnlyBind {
            if (!source.isAbsolute()) {
                throw new IllegalArgumentException("bind source \"" + source + "\" is not absolute");
            }
            if (!destination.matches("/dev(/[^/]+)+") || destination.matches(".*/\\.\\.?(/.*)?")) {
                throw new IllegalArgumentException("bind destination \"" + destination + "\" is not a path under /dev");
            }
        }
    }

    /** A command without binds. */
    public RunSpec(List<String> argv, List<String> env, String workingDirectory, String user, Network network) {
        this(argv, env, workingDirectory, user, network, List.of());
    }

    /**
     * @throws IllegalArgumentException when {@code argv} is empty, a variable has no {@code =} or
     *     no name, or {@code workingDirectory} is not absolute
     */
    public RunSpec {
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        binds = binds == null ? List.of() : List.copyOf(binds);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least a program to run");
        }
        for (String variable : env) {
            if (variable.indexOf('=') < 1) {
                throw new IllegalArgumentException("environment variable \"" + variable + "\" is not NAME=VALUE");
            }
        }
        if (!workingDirectory.startsWith("/")) {
            throw new IllegalArgumentException("working directory \"" + workingDirectory + "\" is not absolute");
        }
        if (user == null) {
            user = "";
        }
        if (network == null) {
            network = Network.DEFAULT;
        }
    }
}
