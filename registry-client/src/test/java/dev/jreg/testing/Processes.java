package dev.jreg.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs helper programs (skopeo, the jreg launcher) for tests, capturing their output. */
public final class Processes {
    private Processes() {
    }

    /**
     * The result of a finished process.
     *
     * @param exitCode its exit code
     * @param stdout the exact bytes it wrote to stdout
     * @param stderr what it wrote to stderr
     */
    public record Result(int exitCode, byte[] stdout, String stderr) {
        /** Fails with the output when the process did not exit 0. */
        public Result assertOk(List<String> command) {
            if (exitCode != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + exitCode + ":\n" + stderr
                        + new String(stdout, StandardCharsets.UTF_8));
            }
            return this;
        }
    }

    /** Runs a command to completion within the timeout. */
    public static Result run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        return run(new ProcessBuilder(command), null, timeout);
    }

    /**
     * Runs a prepared process (its command and environment) to completion within the timeout.
     *
     * @param stdin what it reads on stdin, or null for {@code /dev/null}
     */
    public static Result run(ProcessBuilder builder, byte[] stdin, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("jreg-proc", ".out");
        Path err = Files.createTempFile("jreg-proc", ".err");
        try {
            // Output goes to files, so a process that writes a lot never blocks on a full pipe.
            builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(stdin == null
                    ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null")) : ProcessBuilder.Redirect.PIPE);
            Process process = builder.start();
            if (stdin != null) {
                try (java.io.OutputStream in = process.getOutputStream()) {
                    in.write(stdin);
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // A script's children (the launcher's JVM while it records its archive) go with it.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", builder.command()) + " did not finish within " + timeout
                        + ":\n" + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readAllBytes(out), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
