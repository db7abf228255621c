package dev.jreg.internal.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.testing.Processes;
import dev.jreg.testing.TreeSnapshot;
import dev.jreg.testing.Unprivileged;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rootless path, from tests that run as root: a JVM of its own ({@link SandboxLauncher}) run as
 * {@code nobody} through {@code setpriv}, with a root filesystem {@code nobody} owns, as
 * {@code jreg unpack} run by that user would leave it. bubblewrap then maps that one user to the
 * uid asked for. Skipped when the tests do not run as root ({@link SandboxTest} runs rootless then)
 * or {@code setpriv} is missing.
 */
class RootlessSandboxTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path temp;

    private Path rootfs;

    @BeforeEach
    void rootfs() throws Exception {
        String unavailable = BusyboxRootfs.unavailable();
        Assumptions.assumeTrue(unavailable == null, unavailable);
        Assumptions.assumeTrue(Host.thisMachine().root(),
                "the tests do not run as root: they cannot become another user, and SandboxTest runs rootless");
        String unprivileged = Unprivileged.unavailable();
        Assumptions.assumeTrue(unprivileged == null, unprivileged);
        Unprivileged.share(temp);
        rootfs = BusyboxRootfs.make(Unprivileged.share(Files.createDirectories(temp.resolve("shared"))).resolve("rootfs"),
                true);
        try (Stream<Path> paths = Files.walk(rootfs)) {
            for (Path path : paths.toList()) {
                Files.setAttribute(path, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(path, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);
            }
        }
        BusyboxRootfs.touchAll(rootfs);
    }

    @Test
    void anOrdinaryUserRunsTheCommandAsRootOrAsTheUserAskedForWithOneIdMapped() throws Exception {
        String before = TreeSnapshot.of(rootfs).files().nodes() + " " + Files.getLastModifiedTime(rootfs);
        Processes.Result app = launch("app", "/bin/sh", "-c", "id -u; id -g; stat -c %u /bin/busybox; exit 3");
        assertEquals(List.of("1000", "1000", "1000"), lines(app), app.stderr());
        assertEquals(3, app.exitCode(), "the launcher exits with the command's status");
        Processes.Result sandbox = launch("app", "/bin/sh", "-c", "hostname; cat /etc/hosts; echo t > /tmp/t && cat /tmp/t");
        assertEquals(List.of(Sandbox.HOSTNAME, "127.0.0.1\tlocalhost buildkitsandbox",
                "::1\tlocalhost ip6-localhost ip6-loopback", "t"), lines(sandbox), sandbox.stderr());
        assertEquals(before, TreeSnapshot.of(rootfs).files().nodes() + " " + Files.getLastModifiedTime(rootfs),
                "no mount point left (proc, dev, tmp, etc/resolv.conf, etc/hosts), the times as they were");

        Processes.Result root = launch("", "/bin/sh", "-c",
                "id -u; id -g; touch /made; stat -c %u:%g /made /bin/busybox; chown 5 /made; echo chown $?");
        assertEquals(List.of("0", "0", "0:0", "0:0", "chown: /made: Invalid argument", "chown 1"), lines(root),
                root.stderr());
        assertEquals(0, root.exitCode());
        assertEquals(NOBODY + ":" + NOBODY, Files.getAttribute(rootfs.resolve("made"), "unix:uid") + ":"
                + Files.getAttribute(rootfs.resolve("made"), "unix:gid"), "what root makes inside is the user's on disk");

        Processes.Result ghost = launch("ghost", "true");
        assertEquals(1, ghost.exitCode());
        assertTrue(ghost.stderr().contains("unable to find user ghost: no matching entries in passwd file"),
                ghost.stderr());
    }

    private Processes.Result launch(String user, String... argv) throws Exception {
        List<String> args = new ArrayList<>(List.of(rootfs.toString(), user));
        args.addAll(List.of(argv));
        return Unprivileged.run(temp.resolve("home"), SandboxLauncher.command(args.toArray(String[]::new))
                .toArray(String[]::new));
    }

    private static List<String> lines(Processes.Result result) {
        return new String(result.stdout(), StandardCharsets.UTF_8).lines().toList();
    }
}
