package dev.jreg.internal.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether this machine can run a command at all, said in one line with what is missing and how
 * to get it. bubblewrap is tried once per process and command line: a probe runs the host's
 * {@code true} in the host's own root, with the same namespaces, ids and capabilities as a run.
 */
final class Preflight {
    /** A probe's verdict by its command line: empty when bubblewrap worked, else why not. */
    private static final Map<List<String>, String> PROBES = new ConcurrentHashMap<>();
    /** The architectures this machine's CPU runs beside its own (a 64-bit kernel runs 32-bit code). */
    private static final Map<String, Set<String>> NATIVE = Map.of("amd64", Set.of("amd64", "386"),
            "arm64", Set.of("arm64", "arm"));
    /** The names binfmt handlers go by (qemu's {@code qemu-binfmt-conf.sh}, Debian's qemu-user-static), by OCI architecture. */
    private static final Map<String, String> QEMU = Map.of("amd64", "x86_64", "386", "i386", "arm64", "aarch64",
            "arm", "arm", "ppc64le", "ppc64le", "s390x", "s390x", "riscv64", "riscv64", "mips64le", "mips64el",
            "mips64", "mips64", "loong64", "loongarch64");
    private static final String QEMU_PACKAGE = "install qemu-user-static (apt-get install qemu-user-static)";

    private Preflight() {
    }

    /**
     * Checks that bubblewrap runs a command as {@code user} here.
     *
     * @throws SandboxUnavailableException when bubblewrap or {@code setpriv} is not installed, or
     *     the probe fails (user namespaces refused, namespaces or mounts not allowed)
     */
    static void checkBubblewrap(Host host, ExecUser user) throws SandboxUnavailableException {
        if (host.bwrap() == null) {
            throw new SandboxUnavailableException("bwrap is not installed: install bubblewrap (apt-get install bubblewrap)");
        }
        if (host.root() && host.setpriv() == null) {
            throw new SandboxUnavailableException("setpriv is not installed: install util-linux (apt-get install util-linux)");
        }
        // The host's own root holds the mount points already, and true writes nothing in it.
        List<String> probe = Bubblewrap.command(host, user, true, Path.of("/"),
                List.of("--proc", "/proc", "--dev", "/dev"), List.of(), List.of(), "/", List.of("true"));
        String failure = PROBES.get(probe);
        if (failure == null) {
            // Threads probing at once each run it, and agree.
            failure = probe(probe);
            PROBES.put(probe, failure);
        }
        if (failure.isEmpty()) {
            return;
        }
        if (host.root() && user.uid() == 0) {
            throw new SandboxUnavailableException("bwrap cannot make a sandbox here (" + failure + "); RUN needs mount and"
                    + " PID namespaces, which a container grants only with --privileged or CAP_SYS_ADMIN");
        }
        throw new SandboxUnavailableException("bwrap cannot make a user namespace" + (host.root()
                ? " for a USER other than root" : "") + " (" + failure + "); allow unprivileged user namespaces"
                + " (sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0, and on Ubuntu"
                + " kernel.apparmor_restrict_unprivileged_userns=0)");
    }

    /** Runs a probe: empty when it exits 0, else its last line of output (bubblewrap's reason). */
    private static String probe(List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().clear();
            Process process = builder.start();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            int status = Launch.waitUninterruptibly(process);
            if (status == 0) {
                return "";
            }
            return output.isEmpty() ? "bwrap exited " + status : output.substring(output.lastIndexOf('\n') + 1);
        } catch (IOException e) {
            return "cannot run bwrap: " + e.getMessage();
        }
    }

    /**
     * Checks that this machine runs the programs of an image of this platform: its own
     * architecture and those its CPU runs beside it, or another one through a {@code binfmt_misc}
     * handler (qemu's) that is enabled and has the {@code F} flag, without which its interpreter
     * would be looked for inside the root filesystem.
     *
     * @param os the image's {@code os}, {@code linux} to run here
     * @param architecture the image's {@code architecture}, as OCI names it ({@code arm64})
     * @throws SandboxUnavailableException when it cannot, naming the package that registers handlers
     */
    static void checkPlatform(Host host, String os, String architecture) throws IOException {
        String image = os + "/" + architecture;
        String here = "linux/" + host.architecture();
        if (!os.toLowerCase(Locale.ROOT).equals("linux")) {
            throw new SandboxUnavailableException("cannot run commands of a " + image + " image on this " + here
                    + " machine: RUN runs linux images only");
        }
        if (architecture.equals(host.architecture())
                || NATIVE.getOrDefault(host.architecture(), Set.of()).contains(architecture)) {
            return;
        }
        String qemu = QEMU.get(architecture);
        String cannot = "cannot run " + image + " commands on this " + here + " machine: ";
        if (qemu == null) {
            throw new SandboxUnavailableException(cannot + "no emulator is known for " + architecture);
        }
        Path handler = host.binfmtMisc().resolve("qemu-" + qemu);
        if (!Files.isRegularFile(handler)) {
            throw new SandboxUnavailableException(cannot + "no binfmt_misc handler for " + architecture
                    + " is registered in " + host.binfmtMisc() + "; " + QEMU_PACKAGE);
        }
        List<String> lines = Files.readAllLines(handler, StandardCharsets.UTF_8);
        Path status = host.binfmtMisc().resolve("status");
        if (lines.isEmpty() || !lines.get(0).equals("enabled")
                || Files.isRegularFile(status) && !Files.readString(status).strip().equals("enabled")) {
            throw new SandboxUnavailableException(cannot + "the binfmt_misc handler " + handler + " is disabled;"
                    + " enable it (echo 1 > " + handler + ")");
        }
        for (String line : lines) {
            if (line.startsWith("flags:") && line.substring("flags:".length()).strip().contains("F")) {
                return;
            }
        }
        throw new SandboxUnavailableException(cannot + "the binfmt_misc handler " + handler + " lacks the F flag, so its"
                + " emulator is looked for inside the image; " + QEMU_PACKAGE + ", which registers it with F");
    }
}
