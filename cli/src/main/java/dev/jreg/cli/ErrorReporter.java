package dev.jreg.cli;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Turns any failure into one line {@code jreg: …} on stderr (and a stack trace with --debug). */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

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

    /**
     * Prints the one line for any failure, an {@link Error} escaping a command included; returns the
     * exit code. None once stdout's reader went away: that ended the command, as SIGPIPE would have;
     * none when the process is being stopped: {@link Interruption} says so.
     */
    int report(Throwable ex) {
        if (context.stdoutClosed()) {
            return ExitCodes.STDOUT_CLOSED;
        }
        if (Interruption.stopping()) {
            return ExitCodes.of(ex);
        }
        boolean hint = internalError(ex) != null && !root.debug();
        context.err().println("jreg: " + printable(message(ex)) + (hint ? " (--debug prints the stack trace)" : ""));
        if (root.debug()) {
            ex.printStackTrace(context.err());
        }
        context.err().flush();
        return ExitCodes.of(ex);
    }

    /**
     * The message with its control characters escaped ({@code \u001b}), since a message may quote
     * what a registry sent, and an escape sequence or a new line from there must not reach the
     * terminal.
     */
    static String printable(String message) {
        return CONTROL.matcher(message).replaceAll(m -> String.format("\\\\u%04x", (int) m.group().charAt(0)));
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

    /**
     * A command line picocli cannot parse: one line, as every error, that says what is wrong and
     * where help is, exit 2. An argument too many or a missing one is said against the command's
     * arguments; a second name to {@code push} points to the commands that take two.
     */
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandSpec command = ex.getCommandLine().getCommandSpec();
        String help = "; see '" + command.qualifiedName() + " --help'";
        String line;
        if (notACommand(ex)) {
            line = notACommandMessage((CommandLine.UnmatchedArgumentException) ex);
            line += line.endsWith("?") ? "" : help;
        } else if (ex instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.isUnknownOption()) {
            line = unexpected(unmatched.getUnmatched(), command, help);
        } else if (ex instanceof CommandLine.MissingParameterException missing
                && missing.getMissing().stream().allMatch(ArgSpec::isPositional)) {
            // picocli names the first missing one: those after it are missing too.
            int first = ((PositionalParamSpec) missing.getMissing().get(0)).index().min();
            String labels = String.join(" ", command.positionalParameters().stream()
                    .filter(p -> p.required() && p.index().min() >= first).map(ErrorReporter::label).toList());
            // All of them missing: the command's arguments would say the same again.
            line = "missing " + labels + (labels.equals(arguments(command)) ? ""
                    : ": " + command.name() + " takes " + arguments(command)) + help;
        } else {
            String message = ex.getMessage();
            line = Character.toLowerCase(message.charAt(0)) + message.substring(1) + help;
        }
        context.err().println("jreg: " + printable(line));
        context.err().flush();
        return ExitCodes.USAGE;
    }

    /** Words after a command's last argument. */
    private static String unexpected(List<String> words, CommandSpec command, String help) {
        String quoted = String.join(" ", words.stream().map(word -> "'" + word + "'").toList());
        String line = "unexpected argument" + (words.size() == 1 ? " " : "s ") + quoted + ": " + command.name()
                + " takes " + arguments(command);
        if (command.name().equals("push") && words.size() == 1) {
            // docker's push has no target either: what takes one is a retag, or a copy.
            String image = command.positionalParameters().get(0).getValue();
            return line + "; to push " + image + " as " + words.get(0) + ", run 'jreg tag " + image + " "
                    + words.get(0) + "' then 'jreg push " + words.get(0) + "', or 'jreg copy local:" + image + " "
                    + words.get(0) + "'";
        }
        return line + help;
    }

    /** The command's positional arguments as its synopsis shows them, or "no arguments". */
    private static String arguments(CommandSpec command) {
        List<String> labels = command.positionalParameters().stream().map(ErrorReporter::label).toList();
        return labels.isEmpty() ? "no arguments" : String.join(" ", labels);
    }

    /** An argument's label, with {@code ...} when it takes several, and in brackets when optional. */
    private static String label(ArgSpec argument) {
        String label = argument.paramLabel() + (argument.isMultiValue() && !argument.hideParamSyntax() ? "..." : "");
        return argument.required() || argument.hideParamSyntax() ? label : "[" + label + "]";
    }

    /** A word where the command's name should be: picocli calls it an unmatched argument. */
    private boolean notACommand(CommandLine.ParameterException ex) {
        return ex instanceof CommandLine.UnmatchedArgumentException unmatched
                && ex.getCommandLine().getCommandSpec() == root.spec() && !unmatched.getUnmatched().isEmpty()
                && !unmatched.getUnmatched().get(0).startsWith("-");
    }

    private String notACommandMessage(CommandLine.UnmatchedArgumentException ex) {
        String word = ex.getUnmatched().get(0);
        String guess = closest(word, root.spec().subcommands().entrySet().stream()
                .filter(command -> !command.getValue().getCommandSpec().usageMessage().hidden())
                .map(java.util.Map.Entry::getKey).toList());
        return "'" + word + "' is not a jreg command" + (guess == null ? "" : "; did you mean '" + guess + "'?");
    }

    /**
     * The name a typo most likely meant, as git and docker guess: the fewest edits (at most a third
     * of the name, and at least 2 allowed), then the longest common start; or a name the word begins.
     */
    static String closest(String word, java.util.Collection<String> names) {
        String best = null;
        int bestEdits = Integer.MAX_VALUE;
        int bestPrefix = -1;
        for (String name : names) {
            int edits = name.startsWith(word) || word.startsWith(name) ? 0 : editDistance(word, name);
            int mismatch = Arrays.mismatch(word.toCharArray(), name.toCharArray());
            int prefix = mismatch < 0 ? word.length() : mismatch;
            if (edits <= Math.max(2, name.length() / 3) && (edits < bestEdits || edits == bestEdits && prefix > bestPrefix)) {
                best = name;
                bestEdits = edits;
                bestPrefix = prefix;
            }
        }
        return best;
    }

    /** Levenshtein distance, with a swap of two neighbours counted as one edit. */
    private static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    static String message(Throwable ex) {
        Error internal = internalError(ex);
        if (internal != null) {
            String detail = internal.getMessage() == null || internal.getMessage().isBlank() ? ""
                    : ": " + firstLine(internal.getMessage());
            return "internal error: " + internal.getClass().getName() + detail;
        }
        if (ex instanceof HintedException hinted) {
            return message(hinted.getCause()) + "; " + hinted.hint();
        }
        Throwable e = ex instanceof UncheckedIOException && ex.getCause() != null ? ex.getCause() : ex;
        String message = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                String hint = "; a slow registry may need a larger --timeout";
                return e instanceof dev.jreg.error.UnreachableException ? firstLine(message) + hint
                        : "timed out waiting for the registry (" + message + ")" + hint;
            }
        }
        if (e instanceof UnknownHostException) {
            return "cannot resolve host " + message;
        }
        if (e instanceof ConnectException) {
            return "cannot connect: " + message;
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + message;
        }
        if (e instanceof FileSystemException fs && fs.getReason() == null) {
            return fileProblem(fs);
        }
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return firstLine(message);
    }

    /** The JDK's file errors without a reason say only the path: the sentence the C library would. */
    private static String fileProblem(FileSystemException e) {
        String file = e.getFile() + (e.getOtherFile() == null ? "" : " -> " + e.getOtherFile());
        if (e instanceof NoSuchFileException) {
            return "no such file or directory: " + file;
        }
        if (e instanceof FileAlreadyExistsException) {
            return "cannot create " + file + ": a file of that name is in the way";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory: " + file;
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty: " + file;
        }
        return "cannot use " + file;
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline >= 0 ? message.substring(0, newline) : message;
    }
}
