package dev.jreg.cli;

/** The {@code jreg} command's entry point. */
public final class Main {
    private Main() {
    }

    /** Runs jreg and exits with its exit code. */
    public static void main(String[] args) {
        // Start-up: no command is a Groovy closure, and no option takes a java.sql or java.time
        // value, so picocli need not look for Groovy nor load and initialise those classes
        // for converters nobody uses (~20 ms together).
        System.setProperty("picocli.disable.closures", "true");
        System.setProperty("picocli.converters.excludes", "java\\.(sql|time)\\..*");
        CliContext context = CliContext.system();
        Interruption interruption = new Interruption(context);
        Runtime.getRuntime().addShutdownHook(new Thread(interruption::interrupted, "jreg-interrupted"));
        int code = JregCommand.run(context, interruption, args);
        interruption.over();
        System.exit(code);
    }
}
