package dev.jreg.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the jreg command as a separate JVM (for kill -9 and concurrency tests), on the test classpath. */
public final class JregProcess {
    private JregProcess() {
    }

    /**
     * Starts {@code jreg ARGS} with this environment; output goes to {@code log}.
     *
     * @param env variables added to a minimal environment (JREG_HOME, HOME…)
     */
    public static Process start(Map<String, String> env, Path log, String... args) throws IOException {
        return start(command(args), env, log);
    }

    /**
     * {@link #start}, with a limit on the size of each file the process writes ({@code ulimit -f}, in
     * the shell's blocks): a write past it fails as a full disk would, with {@code File too large}.
     */
    public static Process startWithFileSizeLimit(Map<String, String> env, Path log, int blocks, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "ulimit -f " + blocks + " && exec \"$@\"", "sh"));
        command.addAll(command(args));
        return start(command, env, log);
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String hosts = System.getProperty("jdk.net.hosts.file");
        if (hosts != null) {
            command.add("-Djdk.net.hosts.file=" + hosts);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.jreg.cli.Main");
        command.addAll(List.of(args));
        return command;
    }

    private static Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("JREG_") || k.startsWith("DOCKER_") || k.endsWith("_PROXY")
                || k.endsWith("_proxy"));
        builder.environment().putAll(env);
        return builder.start();
    }
}
