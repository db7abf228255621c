package dev.jreg.internal.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.testing.TreeSnapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands run by bubblewrap in a busybox root filesystem, as this process runs them: as root
 * (real ids, the command as root or as another user) or, when the tests run as an ordinary user,
 * in a user namespace. {@link RootlessSandboxTest} runs the rootless path from root.
 */
class SandboxTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final boolean ROOT = Host.thisMachine().root();

    @TempDir
    Path temp;

    private final Sandbox sandbox = Sandbox.onThisMachine();
    private Path rootfs;

    /** What a run gave: its status and its lines. */
    record Ran(int status, List<String> lines) {
    }

    @BeforeEach
    void rootfs() throws IOException {
        String unavailable = BusyboxRootfs.unavailable();
        Assumptions.assumeTrue(unavailable == null, unavailable);
        rootfs = BusyboxRootfs.make(temp.resolve("rootfs"), true);
    }

    @Test
    void theCommandSeesItsOwnEnvironmentAndNoneOfTheHosts() throws Exception {
        Ran ran = run(rootfs, new RunSpec(List.of("env"), List.of("A=1", "B=two words", "A=again"), "/", "",
                RunSpec.Network.DEFAULT));
        assertEquals(0, ran.status());
        assertEquals(new TreeSet<>(List.of("A=again", "B=two words", "PATH=" + Sandbox.DEFAULT_PATH, "HOME=/root",
                "PWD=/")), new TreeSet<>(ran.lines()), "only the given variables, docker's PATH, root's HOME and"
                        + " bubblewrap's PWD; none of " + System.getenv().keySet());

        Ran app = run(rootfs, new RunSpec(List.of("/bin/sh", "-c", "echo \"hello $B, HOME=$HOME PATH=$PATH\""),
                List.of("PATH=/bin", "B=you"), "/", "app", RunSpec.Network.NONE));
        assertEquals(new Ran(0, List.of("hello you, HOME=/home/app PATH=/bin")), app,
                "the user's HOME from /etc/passwd, the given PATH alone");
    }

    @Test
    void theWorkingDirectoryIsMadeForTheUserWhenMissing() throws Exception {
        Ran ran = run(rootfs, new RunSpec(List.of("/bin/sh", "-c", "pwd; touch made"), List.of("PATH=/bin"),
                "/srv/app/data", "app", RunSpec.Network.NONE));
        assertEquals(new Ran(0, List.of("/srv/app/data")), ran);
        String owner = ROOT ? "1000:1000" : uidGidOf(temp);
        for (String dir : List.of("srv", "srv/app", "srv/app/data")) {
            Path path = rootfs.resolve(dir);
            assertTrue(Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS), dir);
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)), dir);
            assertEquals(owner, uidGidOf(path), dir);
        }
        assertEquals(owner, uidGidOf(rootfs.resolve("srv/app/data/made")), "what the user makes is its own on disk");
    }

    @Test
    void theUserIsResolvedAgainstTheImagesPasswdAndGroupAsDockerDoes() throws Exception {
        assertEquals("0 0", ids(""));
        assertEquals("0 0", ids("root"));
        assertEquals("1000 1000", ids("app"));
        assertEquals("1000 1000", ids("1000"));
        assertEquals("1000 50", ids("app:staff"));
        assertEquals("1001 1002", ids("1001:1002"));
        assertEquals("4242 0", ids("4242"));

        IllegalArgumentException user = assertThrows(IllegalArgumentException.class, () -> ids("ghost"));
        assertEquals("unable to find user ghost: no matching entries in passwd file", user.getMessage());
        IllegalArgumentException group = assertThrows(IllegalArgumentException.class, () -> ids("app:ghosts"));
        assertEquals("unable to find group ghosts: no matching entries in group file", group.getMessage());
    }

    @Test
    void asRootTheCommandWorksOnRealOwnersAndAnotherUserHasItsGroups() throws Exception {
        Assumptions.assumeTrue(ROOT, "real ids need jreg to run as root; as an ordinary user one id is mapped");
        Ran chown = run(rootfs, shell("", "touch /owned && chown 1234:5678 /owned && stat -c %u:%g /owned"));
        assertEquals(new Ran(0, List.of("1234:5678")), chown);
        assertEquals("1234:5678", uidGidOf(rootfs.resolve("owned")));

        Path secret = Files.writeString(rootfs.resolve("secret"), "for staff\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r-----"));
        Files.setAttribute(secret, "unix:gid", 50);
        assertEquals(new Ran(0, List.of("for staff")), run(rootfs, shell("app", "cat /secret")),
                "app is a member of staff in /etc/group");
        Ran stranger = run(rootfs, shell("1001:1002", "cat /secret"));
        assertEquals(new Ran(1, List.of("cat: can't open '/secret': Permission denied")), stranger);
    }

    @Test
    void exitStatusesAreTheCommandsOr128AndTheSignalOrDockersForAMissingProgram() throws Exception {
        assertEquals(new Ran(3, List.of()), run(rootfs, shell("", "exit 3")));
        assertEquals(new Ran(137, List.of()), run(rootfs, shell("", "kill -9 $$")));
        assertEquals(new Ran(143, List.of()), run(rootfs, shell("", "kill -TERM $$")));
        assertEquals(new Ran(127, List.of("/bin/sh: nosuch: not found")), run(rootfs, shell("", "nosuch")));
        assertEquals(new Ran(127, List.of("exec: \"nosuch\": executable file not found in $PATH")),
                run(rootfs, command("", "nosuch")));
        assertEquals(new Ran(127, List.of("exec: \"/bin/nosuch\": stat /bin/nosuch: no such file or directory")),
                run(rootfs, command("", "/bin/nosuch")));
        assertEquals(new Ran(126, List.of("exec: \"/etc/passwd\": permission denied")),
                run(rootfs, command("", "/etc/passwd")));
        assertEquals(new Ran(0, List.of("found in /bin")), run(rootfs, command("app", "echo", "found in /bin")));
    }

    @Test
    void withoutTheNetworkOnlyLoopbackIsThere() throws Exception {
        assertEquals(List.of("lo"), interfaces(RunSpec.Network.NONE));
        assertEquals(interfaces(Files.readAllLines(Path.of("/proc/net/dev"))), interfaces(RunSpec.Network.DEFAULT),
                "with the network, the host's interfaces");

        List<String> hostResolvConf = Files.readAllLines(Path.of("/etc/resolv.conf"));
        assertEquals(new Ran(0, hostResolvConf), run(rootfs, shell("", "cat /etc/resolv.conf")));
        Ran none = run(rootfs, new RunSpec(List.of("cat", "/etc/resolv.conf"), List.of("PATH=/bin"), "/", "",
                RunSpec.Network.NONE));
        assertEquals(new Ran(1, List.of("cat: can't open '/etc/resolv.conf': No such file or directory")), none);
    }

    @Test
    void outputComesLineByLineInTheOrderWrittenAsItIsWritten() throws Exception {
        Ran ran = run(rootfs, shell("", "echo one; echo two >&2; echo three >&2; echo four; printf 'five\\r\\nsix'"));
        assertEquals(new Ran(0, List.of("one", "two", "three", "four", "five", "six")), ran);

        // The command waits on a FIFO that the test writes only once it has the first line: output
        // held until the end would leave both waiting, until the deadline.
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Path gate = rootfs.resolve("gate");
        int status = assertTimeoutPreemptively(DEADLINE, () -> sandbox.run(rootfs,
                shell("", "mkfifo /gate; echo first; read word < /gate; echo \"second $word\""), line -> {
                    lines.add(line);
                    if (line.equals("first")) {
                        try (OutputStream out = Files.newOutputStream(gate)) {
                            out.write("streamed\n".getBytes(StandardCharsets.UTF_8));
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                    }
                }));
        assertEquals(0, status);
        assertEquals(List.of("first", "second streamed"), new ArrayList<>(lines));
    }

    @Test
    void mountPointsTheImageLacksAreRemovedAfterwardsWithTheTimesOfTheirDirectories() throws Exception {
        Path bare = BusyboxRootfs.make(temp.resolve("bare"), false);
        String before = snapshot(bare);

        Ran ran = run(bare, shell("", "ls /proc/self/fd > /dev/null && ls /dev/null && cat /etc/resolv.conf /etc/hosts"
                + " > /dev/null && echo ok"));
        assertEquals(new Ran(0, List.of("/dev/null", "ok")), ran);
        assertEquals(before, snapshot(bare), "proc, dev, etc/resolv.conf, etc/hosts and etc removed, times restored");

        assertEquals(5, run(bare, shell("", "exit 5")).status());
        assertEquals(before, snapshot(bare), "removed after a command that fails too");

        Set<String> paths = TreeSnapshot.of(bare).nodes().keySet();
        assertEquals(0, run(bare, shell("", "echo kept > /etc/written")).status());
        Set<String> added = new TreeSet<>(TreeSnapshot.of(bare).nodes().keySet());
        added.removeAll(paths);
        assertEquals(Set.of("etc", "etc/written"), added, "the directory the command wrote into stays, with what it wrote");
        assertEquals("kept\n", Files.readString(bare.resolve("etc/written")));
    }

    @Test
    void theImagesOwnResolvConfAndHostsAreMountedOverNeverWritten() throws Exception {
        Files.writeString(rootfs.resolve("etc/resolv.conf"), "nameserver 192.0.2.53\n");
        Files.writeString(rootfs.resolve("etc/hosts"), "192.0.2.1 image\n");
        BusyboxRootfs.touchAll(rootfs);
        String before = snapshot(rootfs);

        Ran ran = run(rootfs, shell("", "cat /etc/resolv.conf; echo nameserver 192.0.2.99 > /etc/resolv.conf"));
        List<String> expected = new ArrayList<>(Files.readAllLines(Path.of("/etc/resolv.conf")));
        expected.add("/bin/sh: can't create /etc/resolv.conf: Read-only file system");
        assertEquals(new Ran(1, expected), ran);
        assertEquals(before, snapshot(rootfs), "content and times as they were");
        assertEquals("nameserver 192.0.2.53\n", Files.readString(rootfs.resolve("etc/resolv.conf")));
        assertEquals("192.0.2.1 image\n", Files.readString(rootfs.resolve("etc/hosts")));
    }

    @Test
    void theHostnameAndHostsFileAreBuildKitsWithOrWithoutTheNetworkAndLeaveNothingBehind() throws Exception {
        Path bare = BusyboxRootfs.make(temp.resolve("bare"), false);
        String before = snapshot(bare);
        List<String> expected = List.of("buildkitsandbox", "127.0.0.1\tlocalhost buildkitsandbox",
                "::1\tlocalhost ip6-localhost ip6-loopback");
        for (RunSpec.Network network : RunSpec.Network.values()) {
            Ran ran = run(bare, new RunSpec(List.of("/bin/sh", "-c", "hostname; cat /etc/hosts"), List.of("PATH=/bin"),
                    "/", "", network));
            assertEquals(new Ran(0, expected), ran, network.toString());
        }
        assertEquals(before, snapshot(bare), "no etc/hosts, no etc left in the root filesystem");

        Files.writeString(rootfs.resolve("etc/hosts"), "192.0.2.1 image\n");
        BusyboxRootfs.touchAll(rootfs);
        String image = snapshot(rootfs);
        for (String user : ROOT ? List.of("", "app") : List.of("")) {
            assertEquals(new Ran(0, expected), run(rootfs, shell(user, "hostname; cat /etc/hosts")), user);
        }
        assertEquals(image, snapshot(rootfs), "the image's own /etc/hosts as it was");
    }

    @Test
    void anImageWithoutTmpGetsATmpfsThereAndAnImagesOwnTmpKeepsWhatIsWritten() throws Exception {
        Path bare = BusyboxRootfs.make(temp.resolve("bare"), false);
        String before = snapshot(bare);
        Ran ran = run(bare, shell("", "echo scratch > /tmp/t && cat /tmp/t && stat -c %a /tmp"));
        assertEquals(new Ran(0, List.of("scratch", "1777")), ran);
        assertEquals(before, snapshot(bare), "neither tmp nor what was written there is in the root filesystem");
        if (ROOT) {
            assertEquals(new Ran(0, List.of("by app")), run(rootfs, shell("app", "echo by app > /tmp/t && cat /tmp/t")),
                    "every user may write it");
        }

        Path tmp = Files.createDirectory(rootfs.resolve("tmp"));
        assertEquals(new Ran(0, List.of()), run(rootfs, shell("", "echo kept > /tmp/t")));
        assertEquals("kept\n", Files.readString(tmp.resolve("t")), "the image's /tmp is the image's");
    }

    @Test
    void linksOnTheWayToAMountPointAreResolvedInsideTheRootFilesystem() throws Exception {
        // As in images where /etc/resolv.conf points at systemd-resolved's file, which is not there.
        Files.createSymbolicLink(rootfs.resolve("etc/resolv.conf"), Path.of("../run/systemd/resolve/stub-resolv.conf"));
        Files.createSymbolicLink(rootfs.resolve("etc/hosts"), Path.of("/../../../../../etc/hosts-of-the-image"));
        BusyboxRootfs.touchAll(rootfs);
        String before = snapshot(rootfs);

        Ran ran = run(rootfs, shell("", "cat /etc/resolv.conf /run/systemd/resolve/stub-resolv.conf /etc/hosts-of-the-image"));
        List<String> expected = new ArrayList<>(Files.readAllLines(Path.of("/etc/resolv.conf")));
        expected.addAll(Files.readAllLines(Path.of("/etc/resolv.conf")));
        expected.addAll(Sandbox.HOSTS.lines().toList());
        assertEquals(new Ran(0, expected), ran);
        assertEquals(before, snapshot(rootfs), "run/ and etc/hosts-of-the-image removed, the links as they were");
        assertFalse(Files.exists(Path.of("/etc/hosts-of-the-image")), "nothing made outside the root filesystem");
    }

    @Test
    void aDirectoryBoundUnderDevIsSeenReadOnlyByEveryUserAndLeavesNothingInTheRootFilesystem() throws Exception {
        // The directory is where no other user reaches it (the test's temp directory is root's alone
        // when the tests run as root): the sandbox brings it to the user.
        Path pipes = Files.createDirectories(temp.resolve("private/pipes"));
        Path script = Files.writeString(pipes.resolve("EOF"), "#!/bin/sh\necho \"$0 as $(id -u)\"\n");
        Files.setPosixFilePermissions(pipes, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(temp.resolve("private"), PosixFilePermissions.fromString("rwx------"));
        String before = snapshot(rootfs);
        for (String user : ROOT ? List.of("", "app") : List.of("")) {
            Ran ran = run(rootfs, new RunSpec(List.of("/bin/sh", "-c", "/dev/pipes/EOF && touch /dev/pipes/EOF"),
                    List.of("PATH=/bin"), "/", user, RunSpec.Network.NONE,
                    List.of(new RunSpec.ReadOnlyBind(pipes, "/dev/pipes"))));
            assertEquals(new Ran(1, List.of("/dev/pipes/EOF as " + (user.isEmpty() ? 0 : 1000),
                    "touch: /dev/pipes/EOF: Read-only file system")), ran, user);
        }
        assertEquals(before, snapshot(rootfs), "nothing made for the bind in the root filesystem");

        assertThrows(IllegalArgumentException.class, () -> new RunSpec.ReadOnlyBind(pipes, "/etc/pipes"));
        assertThrows(IllegalArgumentException.class, () -> new RunSpec.ReadOnlyBind(pipes, "/dev/../etc"));
        assertThrows(IllegalArgumentException.class, () -> new RunSpec.ReadOnlyBind(Path.of("pipes"), "/dev/pipes"));
    }

    @Test
    void anInterruptKillsTheCommandAndWhatItStartedAndRemovesTheMountPoints() throws Exception {
        Path bare = BusyboxRootfs.make(temp.resolve("bare"), false);
        String before = snapshot(bare);
        String marker = Integer.toString(60_000 + ThreadLocalRandom.current().nextInt(30_000));
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                sandbox.run(bare, shell("", "echo started; sleep " + marker + "; echo not reached"), lines::add);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        runner.start();
        assertEquals("started", lines.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertTrue(running(marker), "bubblewrap and the shell hold the marker");

        runner.interrupt();
        runner.join(DEADLINE.toMillis());
        assertFalse(runner.isAlive(), "run returns once interrupted");
        assertInstanceOf(InterruptedException.class, thrown.get());
        awaitEnd(marker);
        assertEquals(before, snapshot(bare));
        assertFalse(lines.contains("not reached"));
    }

    @Test
    void aStoppedJvmTakesTheCommandWithItAndRemovesTheMountPoints() throws Exception {
        Path bare = BusyboxRootfs.make(temp.resolve("bare"), false);
        String before = snapshot(bare);
        String marker = Integer.toString(60_000 + ThreadLocalRandom.current().nextInt(30_000));
        Process jvm = new ProcessBuilder(SandboxLauncher.command(bare.toString(), "", "/bin/sh", "-c",
                "echo started; sleep " + marker)).redirectErrorStream(true).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("started", assertTimeoutPreemptively(DEADLINE, output::readLine));
            assertTrue(running(marker), "bubblewrap and the shell hold the marker");
            jvm.destroy();
            assertTrue(jvm.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the JVM ends on SIGTERM");
            assertEquals(143, jvm.exitValue());
            awaitEnd(marker);
            assertEquals(before, snapshot(bare));
        } finally {
            jvm.destroyForcibly();
        }
    }

    @Test
    void twentyRunsOfTrueMeasureTheOverheadOfARun() throws Exception {
        for (String user : ROOT ? List.of("", "app") : List.of("")) {
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                long start = System.nanoTime();
                assertEquals(new Ran(0, List.of()), run(rootfs, command(user, "true")));
                millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
            Collections.sort(millis);
            System.out.printf("[jreg] sandbox: 20 runs of true as %s: median %d ms, min %d ms, max %d ms, mean %d ms%n",
                    user.isEmpty() ? "root" : user, millis.get(10), millis.get(0), millis.get(19),
                    millis.stream().mapToLong(Long::longValue).sum() / 20);
        }
    }

    private Ran run(Path root, RunSpec spec) throws IOException, InterruptedException {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        int status = sandbox.run(root, spec, lines::add);
        return new Ran(status, List.copyOf(lines));
    }

    private static RunSpec shell(String user, String script) {
        return command(user, "/bin/sh", "-c", script);
    }

    private static RunSpec command(String user, String... argv) {
        return new RunSpec(List.of(argv), List.of("PATH=/bin"), "/", user, RunSpec.Network.DEFAULT);
    }

    private String ids(String user) throws Exception {
        Ran ran = run(rootfs, shell(user, "echo \"$(id -u) $(id -g)\""));
        assertEquals(0, ran.status(), ran.lines().toString());
        return String.join("\n", ran.lines());
    }

    private List<String> interfaces(RunSpec.Network network) throws Exception {
        Ran ran = run(rootfs, new RunSpec(List.of("cat", "/proc/net/dev"), List.of("PATH=/bin"), "/", "", network));
        assertEquals(0, ran.status());
        return interfaces(ran.lines());
    }

    /** The interface names of {@code /proc/net/dev}'s lines, after its two of headings, sorted. */
    private static List<String> interfaces(List<String> procNetDev) {
        return procNetDev.stream().skip(2).map(line -> line.substring(0, line.indexOf(':')).strip()).sorted().toList();
    }

    /** Every path with its type, mode, content and time, and the root's own time. */
    private static String snapshot(Path root) throws IOException {
        return TreeSnapshot.of(root).files().nodes() + " root mtime " + Files.getLastModifiedTime(root);
    }

    private static String uidGidOf(Path path) throws IOException {
        return Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS) + ":"
                + Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    /** Whether a process runs whose command line holds {@code marker}. */
    static boolean running(String marker) {
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(marker));
    }

    /** Waits for every process whose command line holds {@code marker} to end, failing at the deadline. */
    static void awaitEnd(String marker) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        for (ProcessHandle process : ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(marker)).toList()) {
            try {
                process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError(process.info().commandLine().orElse("") + " still runs after " + DEADLINE, e);
            }
        }
    }
}
