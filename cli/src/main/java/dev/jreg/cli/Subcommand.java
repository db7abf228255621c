package dev.jreg.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A jreg command: picocli runs it by calling it, once its options have set its fields. It reaches
 * the global options, the context and the library through the top-level command.
 */
abstract class Subcommand implements Callable<Integer> {
    /** The top-level {@code jreg} command, set before the model is built. */
    JregCommand root;

    /** The command's model: name, help, and its options and parameters bound to its fields. */
    abstract CommandModel model();

    /** The command's picocli model, the command running under {@code root}. */
    final CommandSpec spec(JregCommand root) {
        this.root = root;
        return model().spec();
    }
}
