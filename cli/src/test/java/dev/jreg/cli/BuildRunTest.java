package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jreg.internal.json.Json;
import dev.jreg.internal.layout.LocalStore;
import dev.jreg.internal.sandbox.BusyboxRootfs;
import dev.jreg.model.Reference;
import dev.jreg.testing.TarBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jreg build} with {@code RUN}, on a busybox base the test stores ({@code busybox:1}):
 * the beginner's Dockerfile that makes its script executable builds, unpacks and runs under
 * bubblewrap; the command's output in the progress; a failing command's wording, exit code and no
 * name; a rebuild that runs nothing, and one after a copied file changed that runs the commands
 * after its step alone; {@code --network none}; build arguments the command sees and the config
 * does not keep; here-documents, one with its own interpreter. Skipped without bubblewrap or
 * busybox.
 */
class BuildRunTest {
    static final String DOCKERFILE = "FROM busybox:1\nCOPY . /app\nWORKDIR /app\nRUN chmod +x show_date.sh\n"
            + "CMD [\"./show_date.sh\"]\n";
    static final String SHOW_DATE = "#!/bin/sh\necho \"Today is $(date +%Y-%m-%d)\"\n";
    private static final List<String> APPLETS = List.of("sh", "chmod", "date", "echo", "cat", "ls", "test", "true",
            "touch", "ip", "wc");

    @TempDir
    Path home;
    @TempDir
    Path store;
    @TempDir
    Path work;

    @BeforeEach
    void storeBusybox() throws IOException {
        String unavailable = BusyboxRootfs.unavailable();
        Assumptions.assumeTrue(unavailable == null, unavailable);
        storeBusybox(store);
    }

    /** Stores {@code busybox:1}: busybox-static, links for the applets used here, {@code /etc} with root. */
    static void storeBusybox(Path store) throws IOException {
        TarBuilder tar = new TarBuilder().dir("bin");
        tar.add(TarBuilder.header("bin/busybox", TarConstants.LF_NORMAL, 0755),
                Files.readAllBytes(Path.of("/bin/busybox")));
        APPLETS.forEach(applet -> tar.symlink("bin/" + applet, "busybox"));
        tar.dir("etc").file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n").file("etc/group", "root:x:0:\n")
                .dir("tmp", 01777);
        BuildTest.storeBase(store, "busybox:1", tar.tar(), Map.of());
    }

    Cli cli() {
        return new Cli(home, store);
    }

    Path context(Map<String, String> files) throws IOException {
        Path dir = Files.createDirectories(work.resolve("app"));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue());
        }
        return dir;
    }

    @Test
    void theBeginnersRunDockerfileBuildsAndItsImageRunsTheScript() throws Exception {
        Path app = context(Map.of("show_date.sh", SHOW_DATE, "Dockerfile", DOCKERFILE));
        Cli.Result built = cli().ok("build", "-t", "myapp", app.toString());
        assertEquals(List.of("[1/4] FROM docker.io/library/busybox:1 CACHED", "[2/4] COPY . /app DONE",
                "[3/4] WORKDIR /app DONE", "[4/4] RUN chmod +x show_date.sh DONE"), BuildTest.steps(built.err()),
                built::toString);
        JsonNode config = Json.parse(cli().ok("config", "local:myapp").bytes());
        JsonNode last = config.path("history").path(config.path("history").size() - 2);
        assertEquals("RUN /bin/sh -c chmod +x show_date.sh # buildkit", last.path("created_by").asText());
        assertFalse(last.path("empty_layer").asBoolean(), "the mode changed: a layer");
        Path rootfs = work.resolve("rootfs");
        cli().ok("unpack", "myapp", rootfs.toString());
        assertTrue(Files.getPosixFilePermissions(rootfs.resolve("app/show_date.sh"))
                .contains(PosixFilePermission.OWNER_EXECUTE), "made executable by RUN");
        // The image's CMD in its WorkingDir, as a runtime would start it.
        Process process = new ProcessBuilder("bwrap", "--bind", rootfs.toString(), "/", "--proc", "/proc", "--dev",
                "/dev", "--chdir", config.path("config").path("WorkingDir").asText(), "--unshare-all", "--clearenv",
                "--setenv", "PATH", "/bin", config.path("config").path("Cmd").path(0).asText())
                .redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the CMD ends");
        String out = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.exitValue(), out);
        assertTrue(out.matches("Today is \\d{4}-\\d{2}-\\d{2}\n"), out);
    }

    @Test
    void outputShowsUnderItsStepAndARebuildRunsNothing() throws Exception {
        // A command whose layer differs each time it runs: the same image ID proves the rebuild ran nothing.
        Path app = context(Map.of("Dockerfile", "FROM busybox:1\nRUN echo hello from run && date +%s%N > /stamp\n"
                + "RUN true\n"));
        Cli.Result first = cli().ok("build", "--progress", "plain", "-t", "ran", app.toString());
        assertTrue(first.err().lines().anyMatch(line -> line.matches("#2 \\d\\.\\d{3} hello from run")),
                "the step's number, the seconds since it began, the line: " + first.err());
        long blobs = blobs();
        Cli.Result again = cli().ok("build", "--progress", "plain", "-t", "ran", app.toString());
        assertEquals(first.out(), again.out(), "the same image: the stamp was not written again");
        assertEquals(List.of("[1/3] FROM docker.io/library/busybox:1 CACHED",
                "[2/3] RUN echo hello from run && date +%s%N > /stamp CACHED", "[3/3] RUN true CACHED"),
                BuildTest.steps(again.err()));
        assertFalse(again.err().lines().anyMatch(line -> line.matches("#\\d+ [0-9.]+ hello from run")), again.err());
        assertEquals(blobs, blobs(), "no blob written");
        JsonNode history = Json.parse(cli().ok("config", "local:ran").bytes()).path("history");
        JsonNode unchanged = history.path(history.size() - 1);
        assertEquals("RUN /bin/sh -c true # buildkit", unchanged.path("created_by").asText());
        assertTrue(unchanged.path("empty_layer").asBoolean(), "no change, no layer: as BuildKit");
    }

    @Test
    void aChangedCopiedFileRunsTheRunAfterItAgainWhileTheRunBeforeItStaysCached() throws Exception {
        Path app = context(Map.of("data.txt", "one\n", "Dockerfile", "FROM busybox:1\nRUN echo before > /before\n"
                + "COPY data.txt /data.txt\nRUN cat /data.txt > /after\n"));
        Cli.Result first = cli().ok("build", "--progress", "plain", "-t", "copied", app.toString());
        assertEquals(List.of("[1/4] FROM docker.io/library/busybox:1 CACHED", "[2/4] RUN echo before > /before DONE",
                "[3/4] COPY data.txt /data.txt DONE", "[4/4] RUN cat /data.txt > /after DONE"),
                BuildTest.steps(first.err()), first::toString);

        Files.writeString(app.resolve("data.txt"), "two\n");
        Cli.Result changed = cli().ok("build", "--progress", "plain", "-t", "copied", app.toString());
        assertEquals(List.of("[1/4] FROM docker.io/library/busybox:1 CACHED", "[2/4] RUN echo before > /before CACHED",
                "[3/4] COPY data.txt /data.txt DONE", "[4/4] RUN cat /data.txt > /after DONE"),
                BuildTest.steps(changed.err()), changed::toString);
        Path rootfs = work.resolve("copied");
        cli().ok("unpack", "copied", rootfs.toString());
        assertEquals("two\n", Files.readString(rootfs.resolve("after")), "the command ran on the new file");
        assertEquals("before\n", Files.readString(rootfs.resolve("before")));
    }

    @Test
    void aFailingCommandStopsTheBuildWithBuildKitsWordsAndNamesNothing() throws Exception {
        Path app = context(Map.of("Dockerfile", "FROM busybox:1\nRUN echo before\nRUN exit 3\n"));
        Cli.Result failed = cli().run("build", "-t", "failed", app.toString());
        assertEquals(9, failed.exitCode(), failed::toString);
        assertTrue(failed.err().endsWith("jreg: Dockerfile:3: process \"/bin/sh -c exit 3\" did not complete"
                + " successfully: exit code: 3\n"), failed.err());
        assertEquals("", failed.out());
        assertFalse(LocalStore.open(store).lookup(Reference.parse("failed")).isPresent(), "no name");
        try (Stream<Path> left = Files.list(store.resolve("build"))) {
            assertEquals(List.of(), left.toList(), "the root filesystem removed");
        }

        Cli.Result plain = cli().run("build", "--progress", "plain", app.toString());
        assertEquals(9, plain.exitCode(), plain::toString);
        assertTrue(plain.err().contains("#3 [3/3] RUN exit 3\n#3 ERROR: process \"/bin/sh -c exit 3\" did not complete"
                + " successfully: exit code: 3\n"), "the step marked as BuildKit marks it: " + plain.err());
        Cli.Result json = cli().run("build", "--progress", "json", app.toString());
        assertTrue(json.err().lines().anyMatch(line -> line.startsWith("{\"id\":3,\"status\":\"error\",")
                && line.endsWith(",\"error\":\"process \\\"/bin/sh -c exit 3\\\" did not complete successfully: exit"
                + " code: 3\"}")), json::toString);
    }

    @Test
    void networkNoneLeavesOnlyLoopback() throws Exception {
        Path app = context(Map.of("Dockerfile", "FROM busybox:1\nRUN ip -o link | wc -l\n"));
        Cli.Result none = cli().ok("build", "--progress", "plain", "--network", "none", app.toString());
        assertTrue(none.err().lines().anyMatch(line -> line.matches("#2 \\d+\\.\\d+ 1")), "lo alone: " + none.err());
        Files.writeString(app.resolve("Dockerfile"), "FROM busybox:1\nRUN --network=none ip -o link | wc -l && true\n");
        Cli.Result flag = cli().ok("build", "--progress", "plain", app.toString());
        assertTrue(flag.err().lines().anyMatch(line -> line.matches("#2 \\d+\\.\\d+ 1")),
                "RUN's own flag: " + flag.err());
    }

    @Test
    void buildArgumentsReachTheCommandAndStayOutOfTheConfig() throws Exception {
        Path app = context(Map.of("Dockerfile", "FROM busybox:1\nARG GREETING\nRUN echo \"greeting=$GREETING\" > /g\n"));
        Cli.Result built = cli().ok("build", "--progress", "plain", "--build-arg", "GREETING=hi", "-t", "args",
                app.toString());
        Path rootfs = work.resolve("args");
        cli().ok("unpack", "args", rootfs.toString());
        assertEquals("greeting=hi\n", Files.readString(rootfs.resolve("g")), built::toString);
        JsonNode config = Json.parse(cli().ok("config", "local:args").bytes());
        assertFalse(config.path("config").path("Env").toString().contains("GREETING"), config.toString());
        JsonNode history = config.path("history");
        assertEquals("RUN |1 GREETING=hi /bin/sh -c echo \"greeting=$GREETING\" > /g # buildkit",
                history.path(history.size() - 1).path("created_by").asText());
    }

    @Test
    void hereDocumentsRunAsTheShellRunsThem() throws Exception {
        Path app = context(Map.of("Dockerfile", "FROM busybox:1\nRUN <<EOF\necho one > /one\necho two >> /one\nEOF\n"
                + "RUN cat <<DATA > /data\nline $HOME\nDATA\n"));
        cli().ok("build", "-t", "heredoc", app.toString());
        Path rootfs = work.resolve("heredoc");
        cli().ok("unpack", "heredoc", rootfs.toString());
        assertEquals("one\ntwo\n", Files.readString(rootfs.resolve("one")));
        assertEquals("line /root\n", Files.readString(rootfs.resolve("data")), "the shell replaces the variable");
    }

    @Test
    void aHereDocumentWithItsOwnInterpreterRunsAsAFileInDevPipesThatItsContentKeys() throws Exception {
        String script = "#!/bin/sh\necho \"ran as $0\" > /made\ntest -x \"$0\" && echo executable >> /made\n"
                + "touch \"$0\" 2>/dev/null || echo read-only >> /made\n";
        Path app = context(Map.of("Dockerfile", "FROM busybox:1\nRUN <<EOF\n" + script + "EOF\n"));
        Cli.Result built = cli().ok("build", "--progress", "plain", "-t", "shebang", app.toString());
        assertEquals(List.of("[1/2] FROM docker.io/library/busybox:1 CACHED", "[2/2] RUN <<EOF DONE"),
                BuildTest.steps(built.err()), built::toString);
        Path rootfs = work.resolve("shebang");
        cli().ok("unpack", "shebang", rootfs.toString());
        assertEquals("ran as /dev/pipes/EOF\nexecutable\nread-only\n", Files.readString(rootfs.resolve("made")),
                "run by its path, mode 0755, read-only");
        assertFalse(Files.exists(rootfs.resolve("dev")), "neither /dev/pipes nor /dev in a layer");
        JsonNode history = Json.parse(cli().ok("config", "local:shebang").bytes()).path("history");
        assertEquals("RUN /bin/sh -c /dev/pipes/EOF # buildkit",
                history.path(history.size() - 1).path("created_by").asText(), "as BuildKit's history");

        assertEquals(List.of("[1/2] FROM docker.io/library/busybox:1 CACHED", "[2/2] RUN <<EOF CACHED"),
                BuildTest.steps(cli().ok("build", "--progress", "plain", "-t", "shebang", app.toString()).err()));
        Files.writeString(app.resolve("Dockerfile"), "FROM busybox:1\nRUN <<EOF\n#!/bin/sh\necho changed > /made\nEOF\n");
        Cli.Result changed = cli().ok("build", "--progress", "plain", "-t", "shebang", app.toString());
        assertEquals(List.of("[1/2] FROM docker.io/library/busybox:1 CACHED", "[2/2] RUN <<EOF DONE"),
                BuildTest.steps(changed.err()), "the same history, another script: run again");
        Path again = work.resolve("changed");
        cli().ok("unpack", "shebang", again.toString());
        assertEquals("changed\n", Files.readString(again.resolve("made")));
    }

    long blobs() throws IOException {
        try (Stream<Path> files = Files.list(store.resolve("blobs/sha256"))) {
            return files.count();
        }
    }


    @Test
    void aRunCommandTooLongForOneArgumentIsTheDockerfilesErrorOnItsLine() throws Exception {
        Path app = context(Map.of("Dockerfile", "FROM busybox:1\nRUN echo " + "x".repeat(200_000) + "\n"));
        Cli.Result bad = cli().run("build", "-t", "long", app.toString());
        assertEquals(8, bad.exitCode(), bad::toString);
        assertTrue(bad.err().endsWith("jreg: Dockerfile:2: the RUN command is too long for the system (200005 bytes;"
                + " Linux passes at most 131071 in one argument): put it in a file the build copies, and RUN that\n"),
                bad::toString);
    }
}
