package dev.jreg.internal.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a command inside an unpacked root filesystem, as {@code docker build} runs a {@code RUN}
 * step in a container: through bubblewrap ({@code bwrap}, Debian's {@code bubblewrap}), launched
 * as a child process, since a JVM, always multi-threaded, cannot enter a user namespace itself.
 *
 * <p>The command gets PID, mount, IPC, UTS and cgroup namespaces of its own, and a network
 * namespace of its own holding only the loopback interface unless the network is on; a fresh
 * {@code /proc} (its {@code sys}, {@code sysrq-trigger}, {@code irq} and {@code bus} read-only,
 * as bubblewrap mounts it) and a minimal {@code /dev}, with the spec's read-only binds in it; a
 * tmpfs at {@code /tmp} (mode 1777) when the image has no {@code /tmp} (an image's own is used as it
 * is, and what a command writes there is its change); BuildKit's host name ({@value #HOSTNAME}) and
 * an {@code /etc/hosts} as BuildKit generates it, and, with the network, the host's
 * {@code /etc/resolv.conf}, both bound read-only over the image's, which stay as they are. No {@code /sys}. Its environment is the {@link RunSpec}'s and nothing of the
 * host's, but for {@code PWD}, the working directory, which bubblewrap sets as a shell would. A Ctrl-C or {@code kill} of jreg, and an interrupt of the calling thread, kill it and
 * everything it started; the mount points made for it are removed afterwards in every case but
 * {@code kill -9} of jreg.
 *
 * <p>Who runs jreg decides how ids work:
 *
 * <ul>
 * <li>as root, the command runs with real ids: root (uid 0, with docker's default capabilities)
 *     works on the files' real owners, and another user runs with its own uid, gid and
 *     supplementary groups, its files made as that user's on disk;
 * <li>as an ordinary user, the command runs in a user namespace that maps that one user to the
 *     uid and gid asked for, and nothing else. So: the root filesystem must be the user's own (as
 *     {@code jreg unpack} makes it when that user runs it) for root inside to write it; files of
 *     any other owner show as {@code nobody} (65534); {@code chown} to any other id, and so
 *     {@code useradd} and {@code apt-get}'s switch to its {@code _apt} user, fail with
 *     {@code EINVAL} ({@code Invalid argument}); supplementary groups are not set (the kernel
 *     refuses {@code setgroups} there); and user namespaces must be allowed ({@link #preflight}
 *     says when not).
 * </ul>
 *
 * <p>Thread-safe; runs do not share state.
 */
public final class Sandbox {
    /** docker's {@code PATH} for an image that sets none. */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** Who the probes run as: root, and, for commands of other users when jreg runs as root, {@code nobody}. */
    private static final ExecUser ROOT = new ExecUser(0, 0, List.of(), "/root");
    private static final ExecUser NOBODY = new ExecUser(65534, 65534, List.of(), "/");
    /** The host name a command sees, BuildKit's. */
    static final String HOSTNAME = "buildkitsandbox";
    /** The {@code /etc/hosts} a command sees, as BuildKit's executor writes it ({@code executor/oci/hosts.go}). */
    static final String HOSTS = "127.0.0.1\tlocalhost " + HOSTNAME + "\n::1\tlocalhost ip6-localhost ip6-loopback\n";
    private static final String RESOLV_CONF = "/etc/resolv.conf";

    private final Host host;

    Sandbox(Host host) {
        this.host = host;
    }

    /** This machine's sandbox: {@code bwrap} and {@code setpriv} from {@code PATH}. */
    public static Sandbox onThisMachine() {
        return new Sandbox(Host.thisMachine());
    }

    /**
     * Whether commands run in a user namespace mapping jreg's one user (jreg runs as an ordinary
     * user): files a command gives other owners are root's in the image, and {@code chown} to
     * other ids fails.
     */
    public boolean mapsOneUser() {
        return !host.root();
    }

    /**
     * Checks, before any work, that commands of an image of this platform can run here: bubblewrap
     * is installed and makes a sandbox (tried once per process), and the image's programs run on
     * this machine's CPU, natively or through a registered {@code binfmt_misc} emulator.
     *
     * @param os the image config's {@code os} ({@code linux})
     * @param architecture the image config's {@code architecture}, as OCI names it ({@code amd64},
     *     {@code arm64})
     * @throws SandboxUnavailableException when not, in one line saying what is missing and how to
     *     get it
     * @throws IOException when {@code /proc/sys/fs/binfmt_misc} cannot be read
     */
    public void preflight(String os, String architecture) throws IOException {
        Preflight.checkBubblewrap(host, ROOT);
        Preflight.checkPlatform(host, os, architecture);
    }

    /**
     * Runs a command in {@code rootfs} and waits for it to end, handing on its output as it comes.
     * What it changes in {@code rootfs} is all that changes there, but for the working directory,
     * made as docker makes it.
     *
     * @param rootfs the root filesystem, an unpacked image
     * @param output each line the command writes, stdout and stderr in the order written, without
     *     its line end (a line over 64 KiB in pieces); called one line at a time, from a thread of
     *     the sandbox's while the command runs. A program that cannot be found gets one line in runc's words
     *     ({@code exec: "nosuch": executable file not found in $PATH}) and nothing is started
     * @return the exit status: the command's; 128 + N when a signal N ended it; 127 when its
     *     program is not there, 126 when it is there and cannot run; bubblewrap's 1 when it cannot
     *     set the sandbox up (its line, {@code bwrap: …}, in the output)
     * @throws IllegalArgumentException with docker's message when the user or group is not in the
     *     root filesystem's {@code /etc/passwd} or {@code /etc/group}
     * @throws SandboxUnavailableException as {@link #preflight} throws it, for the bubblewrap it
     *     needs for this user
     * @throws java.nio.file.FileAlreadyExistsException when the working directory or a mount
     *     point is in the root filesystem as a file of the wrong kind
     * @throws InterruptedException when the calling thread is interrupted: the command and
     *     everything it started are killed, and the mount points removed, first
     * @throws IOException when the root filesystem cannot be read or written
     */
    public int run(Path rootfs, RunSpec spec, Consumer<String> output) throws IOException, InterruptedException {
        Path root = rootfs.toRealPath();
        if (!Files.isDirectory(root)) {
            throw new NotDirectoryException(rootfs.toString());
        }
        ExecUser user = ExecUser.resolve(spec.user(), root);
        Preflight.checkBubblewrap(host, host.root() && user.uid() != 0 ? NOBODY : ROOT);
        List<String> env = environment(spec.env(), user);
        Path workingDirectory = RootPath.resolve(root, spec.workingDirectory());
        RootPath.makeDirectories(root, workingDirectory, host.root() ? user : null);
        String inside = RootPath.inside(root, workingDirectory);
        String path = env.stream().filter(v -> v.startsWith("PATH=")).findFirst().orElseThrow().substring(5);
        ProgramLookup.Refusal refusal = ProgramLookup.check(root, inside, spec.argv().get(0), path);
        if (refusal != null) {
            output.accept(refusal.message());
            return refusal.status();
        }
        boolean network = spec.network() == RunSpec.Network.DEFAULT;
        Path hosts = Files.createTempFile("jreg-hosts-", "");
        MountPoints mounts;
        try {
            Files.writeString(hosts, HOSTS, StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(hosts, PosixFilePermissions.fromString("rw-r--r--"));
            mounts = MountPoints.prepare(root, mounts(root, network, hosts));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(hosts);
            throw e;
        }
        int status;
        try {
            status = Launch.run(Bubblewrap.command(host, user, network, root, mounts.options(), spec.binds(), env, inside,
                    spec.argv()), output, () -> removeOnShutdown(mounts, hosts));
        } catch (Throwable e) {
            try {
                remove(mounts, hosts);
            } catch (IOException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        remove(mounts, hosts);
        return status;
    }

    private static void remove(MountPoints mounts, Path hosts) throws IOException {
        try {
            mounts.remove();
        } finally {
            Files.deleteIfExists(hosts);
        }
    }

    /** The command's variables: {@code env}, then docker's {@code PATH} and the user's {@code HOME} where it sets none. */
    static List<String> environment(List<String> env, ExecUser user) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String variable : env) {
            int equals = variable.indexOf('=');
            variables.put(variable.substring(0, equals), variable.substring(equals + 1));
        }
        variables.putIfAbsent("PATH", DEFAULT_PATH);
        variables.putIfAbsent("HOME", user.home());
        List<String> list = new ArrayList<>();
        variables.forEach((name, value) -> list.add(name + "=" + value));
        return list;
    }

    /**
     * {@code /proc}, {@code /dev}, the generated {@code /etc/hosts}, with the network the host's
     * {@code /etc/resolv.conf} (DNS must work), and a tmpfs at {@code /tmp} when the image has
     * none there; an image's own {@code /tmp} is its, and what a command writes there is in the
     * layer, as in docker.
     */
    private static List<MountPoints.Mount> mounts(Path root, boolean network, Path hosts) throws IOException {
        List<MountPoints.Mount> mounts = new ArrayList<>(List.of(new MountPoints.Mount("--proc", null, "/proc"),
                new MountPoints.Mount("--dev", null, "/dev")));
        if (!Files.exists(RootPath.resolve(root, "/tmp"), LinkOption.NOFOLLOW_LINKS)) {
            mounts.add(new MountPoints.Mount("--tmpfs", null, "/tmp"));
        }
        mounts.add(new MountPoints.Mount("--ro-bind", hosts, "/etc/hosts"));
        if (network && Files.isRegularFile(Path.of(RESOLV_CONF))) {
            mounts.add(new MountPoints.Mount("--ro-bind", Path.of(RESOLV_CONF), RESOLV_CONF));
        }
        return mounts;
    }

    private static void removeOnShutdown(MountPoints mounts, Path hosts) {
        try {
            remove(mounts, hosts);
        } catch (IOException e) {
            // The JVM is on its way out, with no one left to tell.
        }
    }
}
