package dev.jreg.internal.sandbox;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * bubblewrap started and waited for: its output, stdout and stderr merged in one pipe so that
 * their lines keep the order they were written in, handed on line by line by a thread of its own
 * (a read from a pipe cannot be interrupted, a wait for the process can); stdin empty, as a
 * build's is; no environment of the host's. An interrupt of the waiting thread, and a JVM that is
 * stopped (Ctrl-C, {@code kill}), kill the process tree.
 */
final class Launch {
    /** How long the output may take to end once the process tree is killed. */
    private static final long DRAIN_SECONDS = 10;

    private Launch() {
    }

    /**
     * Runs {@code command} to its end.
     *
     * @param output each line of the output, called on a thread of the launch's, one line at a time
     * @param stopped what to do once the process tree is killed when the JVM is stopped meanwhile
     * @return the exit status: the command's, or 128 + the signal that ended it
     * @throws InterruptedException when the calling thread is interrupted: the process tree is
     *     killed first, and its remaining output handed on
     * @throws IOException when the output cannot be read; the process tree is killed
     * @throws RuntimeException what {@code output} threw; the process tree is killed
     */
    static int run(List<String> command, Consumer<String> output, Runnable stopped) throws IOException, InterruptedException {
        AtomicReference<Process> running = new AtomicReference<>();
        Thread hook = new Thread(() -> {
            Process process = running.get();
            if (process != null) {
                stop(process);
            }
            stopped.run();
        }, "jreg-sandbox-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().clear();
            Process process = builder.start();
            running.set(process);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread pump = new Thread(() -> {
                try {
                    OutputLines.forward(process.getInputStream(), output);
                } catch (IOException | RuntimeException | Error e) {
                    failure.set(e);
                    stop(process);
                }
            }, "jreg-sandbox-output");
            pump.setDaemon(true);
            pump.start();
            int status;
            try {
                status = process.waitFor();
                pump.join();
            } catch (InterruptedException e) {
                stop(process);
                drain(pump);
                throw e;
            }
            Throwable failed = failure.get();
            if (failed instanceof IOException io) {
                throw new IOException("cannot read the command's output: " + io.getMessage(), io);
            } else if (failed instanceof RuntimeException runtime) {
                throw runtime;
            } else if (failed instanceof Error error) {
                throw error;
            }
            return status;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs, or ran
            }
        }
    }

    /**
     * Kills bubblewrap and every process below it, and waits for bubblewrap to end. Killing
     * bubblewrap alone would do: its {@code --die-with-parent} takes the command, and the command's
     * PID namespace everything else; those found below it are killed too, in case.
     */
    static void stop(Process process) {
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        waitUninterruptibly(process);
    }

    /** Waits for {@code process} to end, keeping an interrupt for the caller to see afterwards. */
    static int waitUninterruptibly(Process process) {
        boolean interrupted = false;
        while (true) {
            try {
                int status = process.waitFor();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return status;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    /** Lets the output thread hand on what is left, for a while, whatever interrupts come. */
    private static void drain(Thread pump) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
        for (long left = deadline - System.nanoTime(); pump.isAlive() && left > 0; left = deadline - System.nanoTime()) {
            try {
                pump.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException again) {
                // the caller's interrupt is already being answered
            }
        }
    }
}
