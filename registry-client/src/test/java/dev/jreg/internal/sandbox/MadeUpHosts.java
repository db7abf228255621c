package dev.jreg.internal.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Sandboxes of made-up machines, an ordinary user's each but {@link #asRoot}'s, for tests of what is said where
 * commands cannot run: scripts stand in for {@code bwrap}, a folder for
 * {@code /proc/sys/fs/binfmt_misc}. Their preflight gives the real lines.
 */
public final class MadeUpHosts {
    private MadeUpHosts() {
    }

    /** An amd64 machine without bubblewrap. */
    public static Sandbox withoutBubblewrap(Path dir) {
        return new Sandbox(new Host(null, null, dir, "amd64", false));
    }

    /** An amd64 machine whose kernel refuses user namespaces: bubblewrap says so, as it does there. */
    public static Sandbox refusingUserNamespaces(Path dir) throws IOException {
        Path bwrap = script(dir, "bwrap", "echo 'bwrap: setting up uid map: Permission denied' >&2\nexit 1");
        return new Sandbox(new Host(bwrap, null, dir, "amd64", false));
    }

    /** An amd64 machine whose bubblewrap works and where no emulator is registered ({@code dir/binfmt_misc} empty). */
    public static Sandbox withoutEmulators(Path dir) throws IOException {
        Path binfmt = Files.createDirectories(dir.resolve("binfmt_misc"));
        return new Sandbox(new Host(script(dir, "bwrap", "exit 0"), null, binfmt, "amd64", false));
    }

    /** An amd64 machine where jreg runs as root and bubblewrap and {@code setpriv} work. */
    public static Sandbox asRoot(Path dir) throws IOException {
        return new Sandbox(new Host(script(dir, "bwrap", "exit 0"), script(dir, "setpriv", "exit 0"), dir, "amd64", true));
    }

    /** An executable {@code sh} script of that name and body, in a folder of its own under {@code dir}. */
    public static Path script(Path dir, String name, String body) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("bin-" + name + "-" + Integer.toHexString(body.hashCode())));
        Path script = Files.writeString(folder.resolve(name), "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }
}
