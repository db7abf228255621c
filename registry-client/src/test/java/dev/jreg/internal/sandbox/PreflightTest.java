package dev.jreg.internal.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the preflight says of a machine, on machines made up of scripts standing in for
 * {@code bwrap} and {@code setpriv} and a folder standing in for {@code /proc/sys/fs/binfmt_misc}.
 */
class PreflightTest {
    private static final String HANDLER = "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n"
            + "flags: %s\noffset 0\nmagic 7f454c460201010000000000000000000200b700\n"
            + "mask ffffffffffffff00fffffffffffffffffeffffff\n";

    @TempDir
    Path temp;

    @Test
    void aMissingBubblewrapIsNamedWithItsPackage() throws IOException {
        Sandbox sandbox = new Sandbox(new Host(null, null, temp, "amd64", false));
        SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class,
                () -> sandbox.preflight("linux", "amd64"));
        assertEquals("bwrap is not installed: install bubblewrap (apt-get install bubblewrap)", e.getMessage());

        Sandbox asRoot = new Sandbox(new Host(script("bwrap", "exit 0"), null, temp, "amd64", true));
        e = assertThrows(SandboxUnavailableException.class, () -> asRoot.preflight("linux", "amd64"));
        assertEquals("setpriv is not installed: install util-linux (apt-get install util-linux)", e.getMessage());
    }

    @Test
    void refusedUserNamespacesAreSaidWithBubblewrapsReasonAndProbedOncePerProcess() throws Exception {
        Path count = temp.resolve("probes");
        Path bwrap = script("bwrap", "echo probe >> " + count + "\n"
                + "echo 'bwrap: setting up uid map: Permission denied' >&2\nexit 1");
        Sandbox sandbox = new Sandbox(new Host(bwrap, null, temp, "amd64", false));
        for (int i = 0; i < 2; i++) {
            SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class,
                    () -> sandbox.preflight("linux", "amd64"));
            assertEquals("bwrap cannot make a user namespace (bwrap: setting up uid map: Permission denied); allow"
                    + " unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1,"
                    + " user.max_user_namespaces > 0, and on Ubuntu kernel.apparmor_restrict_unprivileged_userns=0)",
                    e.getMessage());
        }
        assertEquals(List.of("probe"), Files.readAllLines(count), "the probe's verdict is kept");
    }

    @Test
    void asRootAProbeThatFailsSaysWhatTheSandboxNeeds() throws Exception {
        Path bwrap = script("bwrap", "echo 'bwrap: Creating new namespace failed: Operation not permitted' >&2\nexit 1");
        Sandbox sandbox = new Sandbox(new Host(bwrap, setpriv(), temp, "amd64", true));
        SandboxUnavailableException e = assertThrows(SandboxUnavailableException.class,
                () -> sandbox.preflight("linux", "amd64"));
        assertEquals("bwrap cannot make a sandbox here (bwrap: Creating new namespace failed: Operation not permitted);"
                + " RUN needs mount and PID namespaces, which a container grants only with --privileged or"
                + " CAP_SYS_ADMIN", e.getMessage());
    }

    @Test
    void anotherArchitectureRunsOnlyThroughAnEnabledBinfmtHandlerWithTheFixBinaryFlag() throws Exception {
        Path binfmt = Files.createDirectories(temp.resolve("binfmt_misc"));
        Sandbox sandbox = new Sandbox(new Host(script("bwrap", "exit 0"), setpriv(), binfmt, "amd64", true));
        sandbox.preflight("linux", "amd64");
        sandbox.preflight("linux", "386");
        new Sandbox(new Host(script("bwrap", "exit 0"), setpriv(), binfmt, "arm64", true)).preflight("linux", "arm");

        String cannot = "cannot run linux/arm64 commands on this linux/amd64 machine: ";
        assertEquals(cannot + "no binfmt_misc handler for arm64 is registered in " + binfmt
                + "; install qemu-user-static (apt-get install qemu-user-static)", refusal(sandbox, "arm64"));

        Path handler = Files.writeString(binfmt.resolve("qemu-aarch64"), HANDLER.formatted("P"));
        assertEquals(cannot + "the binfmt_misc handler " + handler + " lacks the F flag, so its emulator is looked for"
                + " inside the image; install qemu-user-static (apt-get install qemu-user-static), which registers it"
                + " with F", refusal(sandbox, "arm64"));

        Files.writeString(handler, HANDLER.formatted("PF").replace("enabled", "disabled"));
        assertEquals(cannot + "the binfmt_misc handler " + handler + " is disabled; enable it (echo 1 > " + handler + ")",
                refusal(sandbox, "arm64"));

        Files.writeString(handler, HANDLER.formatted("POCF"));
        sandbox.preflight("linux", "arm64");

        assertEquals("cannot run linux/mips commands on this linux/amd64 machine: no emulator is known for mips",
                refusal(sandbox, "mips"));
        SandboxUnavailableException windows = assertThrows(SandboxUnavailableException.class,
                () -> sandbox.preflight("windows", "amd64"));
        assertEquals("cannot run commands of a windows/amd64 image on this linux/amd64 machine: RUN runs linux images"
                + " only", windows.getMessage());
    }

    @Test
    void theJvmsArchitectureIsNamedAsOciNamesIt() {
        assertEquals("amd64", Host.architecture("amd64"));
        assertEquals("amd64", Host.architecture("x86_64"));
        assertEquals("arm64", Host.architecture("aarch64"));
        assertEquals("386", Host.architecture("x86"));
        assertEquals("arm", Host.architecture("arm"));
        assertEquals("ppc64le", Host.architecture("ppc64le"));
    }

    private String refusal(Sandbox sandbox, String architecture) {
        return assertThrows(SandboxUnavailableException.class, () -> sandbox.preflight("linux", architecture))
                .getMessage();
    }

    /** A {@code setpriv} that runs what follows {@code --}, changing nothing. */
    private Path setpriv() throws IOException {
        return script("setpriv", "while [ \"$1\" != -- ]; do shift; done\nshift\nexec \"$@\"");
    }

    private Path script(String name, String body) throws IOException {
        return MadeUpHosts.script(temp, name, body);
    }
}
