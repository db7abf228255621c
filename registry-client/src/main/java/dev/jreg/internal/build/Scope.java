package dev.jreg.internal.build;

import dev.jreg.error.DockerfileException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The variables an instruction's words are expanded with (Dockerfile reference, "ARG": "Scope",
 * "Using ARG variables"; "Understand how ARG and FROM interact").
 *
 * <p>The global scope ({@link BuildArgs#global}) holds the predefined arguments and the global
 * {@code ARG}s, and serves {@code FROM} lines alone. A stage's scope ({@link #stage}) starts
 * empty of arguments: an {@code ARG} is in scope from its line on, with the user's value, else its
 * default, else, when it names a global argument, the global value; the stage's environment (its
 * base image's {@code ENV}, then its own, as its config holds them) wins over its arguments, and
 * before its declaration an argument is unset. A stage built on another stage ({@link #derive})
 * inherits that stage's arguments.
 */
final class Scope {
    private final BuildArgs args;
    private final Dockerfile dockerfile;
    private final Map<String, String> globals;
    /** The stage's arguments, in declaration order; a null value for one declared without any. */
    private final Map<String, String> declared;
    /** The stage's environment; null for the global scope. */
    private final UnaryOperator<String> environment;

    /** The global scope. */
    Scope(BuildArgs args, Dockerfile dockerfile, Map<String, String> globals) {
        this(args, dockerfile, globals, new LinkedHashMap<>(), null);
    }

    private Scope(BuildArgs args, Dockerfile dockerfile, Map<String, String> globals, Map<String, String> declared,
            UnaryOperator<String> environment) {
        this.args = args;
        this.dockerfile = dockerfile;
        this.globals = globals;
        this.declared = declared;
        this.environment = environment;
    }

    /**
     * The scope of a stage built on an image, from this global scope.
     *
     * @param environment a variable of the stage's environment as its config holds it, or null
     */
    Scope stage(UnaryOperator<String> environment) {
        return new Scope(args, dockerfile, globals, new LinkedHashMap<>(), environment);
    }

    /** The scope of a stage built on this stage: its arguments so far, and the new stage's environment. */
    Scope derive(UnaryOperator<String> environment) {
        return new Scope(args, dockerfile, globals, new LinkedHashMap<>(declared), environment);
    }

    /** A variable's value in this scope, or null when it is not set. */
    String variable(String name) {
        if (environment == null) {
            return globals.get(name);
        }
        String value = environment.apply(name);
        return value != null ? value : declared.get(name);
    }

    /** A declared argument's value, or null when it has none or is not declared. */
    String argument(String name) {
        return declared.get(name);
    }

    /**
     * The instruction with its variables replaced.
     *
     * @throws DockerfileException naming the instruction's line, for words whose variables cannot
     *     be replaced
     */
    Instruction expand(Instruction instruction) {
        try {
            return instruction.expand(expander());
        } catch (IllegalArgumentException e) {
            throw new DockerfileException(dockerfile.name(), instruction.span().first(), e.getMessage(), e);
        }
    }

    /**
     * Declares a stage's {@code ARG}s, one after the other.
     *
     * @throws DockerfileException for a default whose variables cannot be replaced
     */
    void declare(Instruction.Arg arg) {
        for (Instruction.Arg.Declaration declaration : arg.declarations()) {
            String value = args.value(declaration, expander(), dockerfile.name(), arg.span());
            if (value == null) {
                value = globals.get(declaration.name());
            }
            // Declared again without a value, an argument keeps the one it has.
            if (value != null || !declared.containsKey(declaration.name())) {
                declared.put(declaration.name(), value);
            }
        }
    }

    /**
     * What {@code RUN} gets besides the environment: the stage's arguments that have a value and
     * that the environment does not override, then the proxy arguments the user gave that the
     * stage does not declare.
     */
    Map<String, String> runArguments() {
        Map<String, String> run = new LinkedHashMap<>();
        declared.forEach((name, value) -> {
            if (value != null && (environment == null || environment.apply(name) == null)) {
                run.put(name, value);
            }
        });
        args.proxies().forEach(run::putIfAbsent);
        return run;
    }

    private Expander expander() {
        return new Expander(dockerfile.escape(), this::variable);
    }
}
