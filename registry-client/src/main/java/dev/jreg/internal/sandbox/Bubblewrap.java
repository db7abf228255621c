package dev.jreg.internal.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * bubblewrap's command lines. Three shapes, after who runs jreg and as whom the command runs:
 *
 * <ul>
 * <li>jreg as an ordinary user: {@code bwrap --unshare-all} (a user namespace, with a PID, mount,
 *     IPC, UTS, cgroup and, without the network, network namespace) mapping the user to the uid
 *     and gid asked for. Only that one id is mapped.
 * <li>jreg as root, the command as uid 0: {@code setpriv} sets the gid and supplementary groups,
 *     then {@code bwrap} with every namespace of {@code --unshare-all} but the user namespace, so
 *     that the command works on the root filesystem's real owners ({@code chown app /app}
 *     works), with docker's default capabilities only.
 * <li>jreg as root, the command as another uid: a first {@code bwrap} binds the root filesystem
 *     where every user can reach it (a fresh {@code /tmp}, private to its mount namespace, since
 *     the directories above the root filesystem may be root's alone), {@code setpriv} becomes the
 *     user with its groups, and a second {@code bwrap --unshare-all} runs as that user: the
 *     command has the user's real ids and permissions, and what it makes is the user's on disk.
 * </ul>
 *
 * <p>Every shape dies with its parent ({@code --die-with-parent}: a stopped jreg takes the command
 * with it), runs in a session of its own ({@code --new-session}) and with {@code no_new_privs}
 * (bubblewrap always sets it: a setuid program gains nothing, so {@code sudo} by a user other than
 * root fails).
 */
final class Bubblewrap {
    /** docker's default capabilities of a container's root (moby's {@code DefaultCapabilities}). */
    static final List<String> ROOT_CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
    /** Where the first of two bubblewraps puts the root filesystem for the second. */
    private static final String RELAY = "/tmp/rootfs";
    /** Where it puts each directory bound read-only, numbered from 0, for the second. */
    private static final String RELAYED_BIND = "/tmp/bind-";
    /** Where it puts each file bound over the image's, by its place among the mount options, for the second. */
    private static final String RELAYED_FILE = "/tmp/file-";

    private Bubblewrap() {
    }

    /**
     * The command line that runs {@code argv}.
     *
     * @param rootfs the root filesystem, a real path
     * @param mounts bubblewrap's options for the mount points, {@link MountPoints#options()}
     * @param binds host directories bound read-only after the mount points (under {@code /dev},
     *     which they mount)
     * @param env the command's whole environment, {@code NAME=VALUE}
     * @param workingDirectory the directory to start in, inside the root filesystem
     */
    static List<String> command(Host host, ExecUser user, boolean network, Path rootfs, List<String> mounts,
            List<RunSpec.ReadOnlyBind> binds, List<String> env, String workingDirectory, List<String> argv) {
        List<String> command = new ArrayList<>();
        String root = rootfs.toString();
        List<String> sources = new ArrayList<>(binds.stream().map(bind -> bind.source().toString()).toList());
        List<String> mountOptions = new ArrayList<>(mounts);
        if (!host.root()) {
            command.add(host.bwrap().toString());
            command.addAll(userNamespace(user, network));
        } else if (user.uid() == 0) {
            command.addAll(setpriv(host, user));
            command.add(host.bwrap().toString());
            command.addAll(List.of("--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"));
            if (!network) {
                command.add("--unshare-net");
            }
            command.addAll(common(user));
        } else {
            command.addAll(List.of(host.bwrap().toString(), "--dev-bind", "/", "/", "--tmpfs", "/tmp", "--dir", RELAY,
                    "--bind", root, RELAY));
            // The user may not reach a bound directory where it is (the store's may be root's alone).
            for (int i = 0; i < sources.size(); i++) {
                command.addAll(List.of("--ro-bind", sources.get(i), RELAYED_BIND + i));
                sources.set(i, RELAYED_BIND + i);
            }
            // Nor a file bound over the image's: the generated /etc/hosts is in the /tmp hidden here.
            for (int i = 0; i + 1 < mountOptions.size(); i++) {
                if (mountOptions.get(i).equals("--ro-bind")) {
                    command.addAll(List.of("--ro-bind", mountOptions.get(i + 1), RELAYED_FILE + i));
                    mountOptions.set(i + 1, RELAYED_FILE + i);
                }
            }
            command.addAll(List.of("--unshare-pid", "--die-with-parent", "--"));
            command.addAll(setpriv(host, user));
            command.add(host.bwrap().toString());
            command.addAll(userNamespace(user, network));
            root = RELAY;
        }
        command.add("--clearenv");
        for (String variable : env) {
            int equals = variable.indexOf('=');
            command.addAll(List.of("--setenv", variable.substring(0, equals), variable.substring(equals + 1)));
        }
        command.addAll(List.of("--bind", root, "/"));
        command.addAll(mountOptions);
        for (int i = 0; i < sources.size(); i++) {
            command.addAll(List.of("--ro-bind", sources.get(i), binds.get(i).destination()));
        }
        command.addAll(List.of("--chdir", workingDirectory, "--"));
        command.addAll(argv);
        return command;
    }

    private static List<String> userNamespace(ExecUser user, boolean network) {
        List<String> options = new ArrayList<>(List.of("--unshare-all"));
        if (network) {
            options.add("--share-net");
        }
        options.addAll(List.of("--uid", Integer.toString(user.uid()), "--gid", Integer.toString(user.gid())));
        options.addAll(common(user));
        return options;
    }

    private static List<String> common(ExecUser user) {
        List<String> options = new ArrayList<>(List.of("--die-with-parent", "--new-session", "--hostname",
                Sandbox.HOSTNAME));
        if (user.uid() == 0) {
            options.addAll(List.of("--cap-drop", "ALL"));
            for (String capability : ROOT_CAPABILITIES) {
                options.addAll(List.of("--cap-add", capability));
            }
        }
        return options;
    }

    private static List<String> setpriv(Host host, ExecUser user) {
        List<String> command = new ArrayList<>(List.of(host.setpriv().toString(), "--reuid=" + user.uid(),
                "--regid=" + user.gid()));
        if (user.groups().isEmpty()) {
            command.add("--clear-groups");
        } else {
            command.add("--groups=" + user.groups().stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        command.add("--");
        return command;
    }
}
