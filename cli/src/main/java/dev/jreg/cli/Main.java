package dev.jreg.cli;

/** The {@code jreg} command's entry point. */
public final class Main {
    private Main() {
    }

    /** Runs jreg and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(JregCommand.run(CliContext.system(), args));
    }
}
