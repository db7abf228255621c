package dev.jreg.cli;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/** Turns any failure into one line {@code jreg: …} on stderr (and a stack trace with --debug). */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    private final CliContext context;
    private final JregCommand root;

    ErrorReporter(CliContext context, JregCommand root) {
        this.context = context;
        this.root = root;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        return report(ex);
    }

    /** Prints the one line for any failure, an {@link Error} escaping a command included; returns the exit code. */
    int report(Throwable ex) {
        boolean hint = internalError(ex) != null && !root.debug();
        context.err().println("jreg: " + message(ex) + (hint ? " (--debug prints the stack trace)" : ""));
        if (root.debug()) {
            ex.printStackTrace(context.err());
        }
        context.err().flush();
        return ExitCodes.of(ex);
    }

    /** The {@link Error} behind a failure (itself, or a cause a worker thread wrapped), or null. */
    static Error internalError(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof Error error) {
                return error;
            }
        }
        return null;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        context.err().println("jreg: " + ex.getMessage());
        context.err().println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
        context.err().flush();
        return ExitCodes.USAGE;
    }

    static String message(Throwable ex) {
        Error internal = internalError(ex);
        if (internal != null) {
            String detail = internal.getMessage() == null || internal.getMessage().isBlank() ? ""
                    : ": " + firstLine(internal.getMessage());
            return "internal error: " + internal.getClass().getName() + detail;
        }
        Throwable e = ex instanceof UncheckedIOException && ex.getCause() != null ? ex.getCause() : ex;
        String message = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return "timed out waiting for the registry (" + message + "); a slow registry may need a larger --timeout";
            }
        }
        if (e instanceof UnknownHostException) {
            return "cannot resolve host " + message;
        }
        if (e instanceof ConnectException) {
            return "cannot connect: " + message;
        }
        if (e instanceof NoSuchFileException) {
            return e.getMessage();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + message;
        }
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return firstLine(message);
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline >= 0 ? message.substring(0, newline) : message;
    }
}
