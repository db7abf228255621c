package dev.jreg.cli;

import dev.jreg.testing.Processes;
import dev.jreg.testing.Unprivileged;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the jreg command, in-process or as the shipped launcher, with its own environment and captured output. */
final class Cli {
    /**
     * What a run printed and returned.
     *
     * @param exitCode the exit code
     * @param out standard output
     * @param err standard error
     * @param bytes standard output as bytes
     */
    record Result(int exitCode, String out, String err, byte[] bytes) {
        /** The last line of stdout. */
        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** The launcher users run, at the repository's root (tests run in the module's folder). */
    static final Path LAUNCHER = Path.of("..", "jreg").toAbsolutePath().normalize();
    /** Generous: the launcher's first run also records its class-data archive. */
    private static final Duration LAUNCH_DEADLINE = Duration.ofMinutes(2);

    /**
     * A shell script that runs the launcher, run by the unprivileged user ({@link Unprivileged})
     * with nothing of this process's environment but {@code PATH} and {@code JAVA_HOME}: its
     * {@code HOME} and {@code JREG_HOME} are {@code home} and {@code store}.
     */
    static Processes.Result shellAsUnprivileged(Path home, Path store, String script) throws Exception {
        List<String> command = new ArrayList<>(List.of("env", "-i", "HOME=" + home,
                "PATH=" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "JREG_HOME=" + store));
        if (System.getenv("JAVA_HOME") != null) {
            command.add("JAVA_HOME=" + System.getenv("JAVA_HOME"));
        }
        command.addAll(List.of("sh", "-c", script));
        return Unprivileged.run(home, command.toArray(String[]::new));
    }

    private final Map<String, String> env = new HashMap<>();
    private final Path home;
    private byte[] stdin = new byte[0];
    private boolean stdoutTerminal;
    private boolean stderrTerminal;

    /** @param home the home directory (holds nothing unless the test writes it) */
    Cli(Path home, Path store) {
        this.home = home;
        env.put("JREG_HOME", store.toString());
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    Cli stdin(String text) {
        return stdin(text.getBytes(StandardCharsets.UTF_8));
    }

    Cli stdin(byte[] bytes) {
        stdin = bytes.clone();
        return this;
    }

    /** Runs in-process commands as if stderr were a terminal (notes wrapped to 80 columns). */
    Cli stderrTerminal() {
        stderrTerminal = true;
        return this;
    }

    /** Runs in-process commands as if stdout were a terminal. */
    Cli stdoutTerminal() {
        stdoutTerminal = true;
        return this;
    }

    Cli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** {@link #run}, asserting that the command succeeded. */
    Result ok(String... args) {
        Result result = run(args);
        org.junit.jupiter.api.Assertions.assertEquals(0, result.exitCode(), result::toString);
        return result;
    }

    Result run(String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(Map.copyOf(env), home, new java.io.ByteArrayInputStream(stdin), stdout,
                new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true), new PrintWriter(err, true), stderrTerminal,
                false, stdoutTerminal);
        int code = JregCommand.run(context, args);
        return new Result(code, stdout.toString(StandardCharsets.UTF_8), err.toString(), stdout.toByteArray());
    }

    /**
     * Runs the packaged command as a user does, through the repository's launcher script (its jar,
     * its {@code lib/}, its JVM options), in an environment of only these variables and
     * {@code HOME}, plus {@code JAVA_HOME} when the build has one, which picks the JDK.
     */
    Result launch(String... args) throws IOException, InterruptedException {
        return launchIn(null, args);
    }

    /** {@link #launch} in a working directory (null: the test's own). */
    Result launchIn(Path directory, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        return launch(directory, command);
    }

    /**
     * {@link #launch} with stdout a pipe into a shell command ({@code head -c 0}), as in
     * {@code jreg ARGS | READER}; the exit code is jreg's, the output the reader's.
     */
    Result launchPipedInto(String reader, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "\"$0\" \"$@\" | " + reader
                + "; exit \"${PIPESTATUS[0]}\"", LAUNCHER.toString()));
        command.addAll(List.of(args));
        return launch(null, command);
    }

    /** {@link #launch} with stdout redirected by the shell ({@code > /dev/full}), as in {@code jreg ARGS > FILE}. */
    Result launchRedirected(String redirection, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "exec \"$0\" \"$@\" " + redirection,
                LAUNCHER.toString()));
        command.addAll(List.of(args));
        return launch(null, command);
    }

    /**
     * Starts the packaged command as {@link #launch} runs it, without waiting: stdout and stderr go
     * to {@code log}; the caller stops the process.
     */
    Process launchInBackground(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        return builder(null, command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private ProcessBuilder builder(Path directory, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("HOME", home.toString());
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null) {
            builder.environment().put("JAVA_HOME", javaHome);
        }
        return builder;
    }

    private Result launch(Path directory, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = builder(directory, command);
        Processes.Result result = Processes.run(builder, stdin.length == 0 ? null : stdin, LAUNCH_DEADLINE);
        return new Result(result.exitCode(), new String(result.stdout(), StandardCharsets.UTF_8), result.stderr(),
                result.stdout());
    }
}
