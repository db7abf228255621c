package dev.jreg.internal.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the sandbox needs to know of the machine it runs on.
 *
 * @param bwrap bubblewrap's program, or null when it is not installed
 * @param setpriv util-linux's {@code setpriv}, or null when it is not installed (needed as root only)
 * @param binfmtMisc where the kernel lists its {@code binfmt_misc} handlers
 * @param architecture this machine's architecture, as OCI names it ({@code amd64}, {@code arm64})
 * @param root whether jreg runs as root (uid 0); otherwise every command runs in a user namespace
 */
record Host(Path bwrap, Path setpriv, Path binfmtMisc, String architecture, boolean root) {

    /** This machine: programs found on {@code PATH}, the JVM's architecture, the process's uid. */
    static Host thisMachine() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        try {
            boolean root = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
            return new Host(onPath(path, "bwrap"), onPath(path, "setpriv"), Path.of("/proc/sys/fs/binfmt_misc"),
                    architecture(System.getProperty("os.arch")), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell this process's uid from /proc/self", e);
        }
    }

    private static Path onPath(String path, String program) {
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        return null;
    }

    /** The JVM's {@code os.arch} as OCI names architectures. */
    static String architecture(String osArch) {
        String arch = osArch.toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i486", "i586", "i686" -> "386";
            default -> arch.startsWith("arm") ? "arm" : arch;
        };
    }
}
