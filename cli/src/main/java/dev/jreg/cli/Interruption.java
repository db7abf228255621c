package dev.jreg.cli;

import java.io.PrintWriter;

/**
 * What jreg says when it is stopped (Ctrl-C, {@code kill}): the JVM runs its shutdown hooks, then
 * halts, so a hook ({@link Main}) calls {@link #interrupted}. It stops the progress display where
 * it is, ends the line and says what the next run will do; the exit code is the JVM's, 128 plus
 * the signal's number (130 for Ctrl-C).
 */
final class Interruption {
    private final PrintWriter err;
    private final boolean terminal;
    private LayerProgress progress;
    private String next;
    private boolean over;

    Interruption(CliContext context) {
        this.err = context.err();
        this.terminal = context.terminal();
    }

    /**
     * A transfer is under way.
     *
     * @param progress its display, stopped when the process is
     * @param next what the next run does with what this one leaves, e.g. {@code the next pull resumes …}
     */
    synchronized void transfer(LayerProgress progress, String next) {
        this.progress = progress;
        this.next = next;
    }

    /** The command ended by itself: the shutdown that follows (System.exit) is no interruption. */
    synchronized void over() {
        over = true;
    }

    /**
     * Whether the JVM is being stopped: then its shutdown hooks run, this one's line among them,
     * and a failure the stop caused (an unpack's streams made to fail) needs no line of its own.
     */
    static boolean stopping() {
        Thread probe = new Thread(() -> { }, "jreg-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
        } catch (IllegalStateException shuttingDown) {
            return true;
        }
        Runtime.getRuntime().removeShutdownHook(probe);
        return false;
    }

    /** Says, once, that the command was interrupted; the display drawn so far stays as it is. */
    synchronized void interrupted() {
        if (over) {
            return;
        }
        over = true;
        if (progress != null) {
            progress.freeze();
        }
        // On a terminal the cursor is below the progress block, where the terminal echoes ^C: a
        // new line keeps the message off it.
        err.print((terminal ? "\n" : "") + "jreg: interrupted" + (next == null ? "" : "; " + next) + "\n");
        err.flush();
    }
}
