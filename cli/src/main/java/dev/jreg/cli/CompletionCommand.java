package dev.jreg.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Range;

/**
 * {@code jreg generate-completion}: picocli's bash (and zsh, through bashcompinit) completion
 * script, with what a static script cannot know: the images in the local store, listed by
 * {@code jreg images} when an argument that names one is completed (those the commands' models
 * mark with {@link CommandModel#storedImage()}), files and directories for the arguments marked
 * {@link CommandModel#file()}, and the values of options that take one of a few.
 */
final class CompletionCommand extends Subcommand {
    /**
     * The values offered after these options; other options offer the lower-case words of their
     * label ({@code table|json|TEMPLATE}: table, json; {@code oci|docker}: oci, docker).
     */
    static final Map<String, List<String>> VALUES = Map.of(
            "--platform", List.of("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386",
                    "linux/ppc64le", "linux/s390x", "linux/riscv64", "windows/amd64"));
    /**
     * Defined in the script: completes the word being typed when it is an argument the commands'
     * models mark, from the store's names ({@code images}) or the files and directories
     * ({@code files}, as docker's script completes {@code save -o} and {@code load -i}), and
     * otherwise returns 1 for picocli's completion to go on. picocli counts positional arguments by
     * bash's words, which bash splits at {@code :} (COMP_WORDBREAKS), so the words are read from the
     * line itself, split at blanks; each match is offered from after the word's last {@code :}, as
     * bash-completion's {@code __ltrim_colon_completions} does.
     */
    private static final String MARKED_ARGUMENTS = """

            # Completes the word being typed as $1 says (images: from the images in the local store;
            # files: files and directories) when it is the value of an option in $3, or a positional
            # argument whose index (from 0) is in a range of $5... (MIN-MAX, MAX empty for no end).
            # Arguments are counted in the line split at blanks from the command $2 on, skipping
            # options and the values of those in $4 (the quoted arg_opts). Returns 1 for any other word.
            function _jreg_complete_marked() {
              local line=${COMP_LINE:0:COMP_POINT}
              local word=${line##*[[:space:]]}
              local rest=${line%"$word"} arg option= index=-1 range found=
              while [[ $rest == *[![:space:]]* ]]; do
                rest=${rest#"${rest%%[![:space:]]*}"}
                arg=${rest%%[[:space:]]*}
                rest=${rest#"$arg"}
                if (( index < 0 )); then
                  [[ $arg == "$2" ]] && index=0
                elif [[ -n $option ]]; then
                  option=
                elif [[ $arg == -* ]]; then
                  [[ $arg != *=* && $4 == *"'$arg'"* ]] && option=$arg
                else
                  index=$((index + 1))
                fi
              done
              if [[ -n $option ]]; then
                [[ " $3 " == *" $option "* ]] || return 1
              else
                [[ $word != -* ]] || return 1
                for range in "${@:5}"; do
                  (( index >= ${range%-*} )) && { [[ -z ${range#*-} ]] || (( index <= ${range#*-} )); } && found=1
                done
                [[ -n $found ]] || return 1
              fi
              local IFS=$'\n'
              if [[ $1 == files ]]; then
                type compopt &>/dev/null && compopt -o filenames
                COMPREPLY=( $(compgen -f -- "$word") )
              else
                type compopt &>/dev/null && compopt +o default
                COMPREPLY=( $(compgen -W "$("${COMP_WORDS[0]}" images --filter dangling=false --format '{{.Repository}}:{{.Tag}}' 2>/dev/null)" -- "$word") )
              fi
              if [[ $word == *:* && $COMP_WORDBREAKS == *:* ]]; then
                local before=${word%"${word##*:}"}
                COMPREPLY=( "${COMPREPLY[@]#"$before"}" )
              fi
              return 0
            }
            """;

    private final CommandLine commandLine;

    /** @param commandLine the whole command line, every command added */
    CompletionCommand(CommandLine commandLine) {
        this.commandLine = commandLine;
    }

    @Override
    CommandModel model() {
        return CommandModel.of("generate-completion", this,
                        "Print a bash/zsh completion script: source <(jreg generate-completion).",
                        "It completes commands, options and their values, and the names of images in the local store"
                                + " for rm, tag, push, save, inspect, history, unpack, commit --base, export and"
                                + " squash, and files and directories for unpack's DIR, commit's DIR and --add,"
                                + " and the -o and -i of save, export, blob and load.");
    }

    @Override
    public Integer call() {
        // An alias shares its command's model: the marks are read once per model, for every name.
        Map<CommandSpec, String> marked = new IdentityHashMap<>();
        Map<String, String> markedCalls = new LinkedHashMap<>();
        commandLine.getSubcommands().forEach((name, command) -> {
            CommandSpec spec = command.getCommandSpec();
            if (!marked.containsKey(spec)) {
                String images = markedArguments(spec, CommandModel.STORED_IMAGES);
                String files = markedArguments(spec, CommandModel.FILES);
                marked.put(spec, (images == null ? "" : call("images", images))
                        + (files == null ? "" : call("files", files)));
                offerValues(spec);
            }
            if (!marked.get(spec).isEmpty()) {
                markedCalls.put(name, marked.get(spec).replace(" COMMAND ", " " + name + " "));
            }
        });
        root.context().out().print(withMarkedArguments(AutoComplete.bash("jreg", commandLine), markedCalls));
        return ExitCodes.OK;
    }

    /** A line of a command's function that completes the arguments {@code marked} gives, with COMMAND for its name. */
    private static String call(String kind, String marked) {
        return "  _jreg_complete_marked " + kind + " COMMAND " + marked + " && return\n";
    }

    /**
     * The arguments after the command's name that {@code _jreg_complete_marked} takes for the
     * arguments the model marks with {@code mark}, or null when it marks none; the marks are taken
     * off, so that picocli's script offers nothing of its own for them. Of positional arguments
     * that are files, the first is ({@code commit}'s {@code [DIR] NEWNAME}).
     */
    private static String markedArguments(CommandSpec command, Iterable<String> mark) {
        List<String> options = new ArrayList<>();
        List<String> ranges = new ArrayList<>();
        for (OptionSpec option : List.copyOf(command.options())) {
            if (option.completionCandidates() == mark) {
                options.addAll(Arrays.asList(option.names()));
                command.remove(option);
                command.addOption(option.toBuilder().completionCandidates(null).build());
            }
        }
        for (PositionalParamSpec positional : List.copyOf(command.positionalParameters())) {
            if (positional.completionCandidates() == mark) {
                Range index = positional.index();
                int max = mark == CommandModel.FILES ? index.min() : index.max();
                ranges.add(index.min() + "-" + (max == Integer.MAX_VALUE ? "" : max));
                command.remove(positional);
                command.addPositional(positional.toBuilder().completionCandidates(null).build());
            }
        }
        return options.isEmpty() && ranges.isEmpty() ? null
                : "'" + String.join(" ", options) + "' \"${arg_opts}\"" + String.join("", ranges.stream()
                        .map(range -> " " + range).toList());
    }

    /** The choices a label such as {@code oci|docker} lists; none for a placeholder such as {@code SIZE}. */
    private static List<String> labelWords(String label) {
        return label.contains("|") ? Arrays.stream(label.split("\\|")).filter(w -> w.matches("[a-z]+")).toList() : List.of();
    }

    private static void offerValues(CommandSpec command) {
        for (OptionSpec option : List.copyOf(command.options())) {
            List<String> values = VALUES.getOrDefault(option.longestName(), labelWords(option.paramLabel()));
            if (!values.isEmpty()) {
                command.remove(option);
                command.addOption(option.toBuilder().completionCandidates(values).build());
            }
        }
    }

    /**
     * Lets each command whose arguments name local images or files offer the store's names or the
     * files for them: its completion function first calls the script's function with what the
     * command marks.
     *
     * @param calls per command name (aliases too), the calls to add to its function
     */
    private static String withMarkedArguments(String script, Map<String, String> calls) {
        for (Map.Entry<String, String> call : calls.entrySet()) {
            String function = "function _picocli_jreg_" + call.getKey() + "() {";
            int start = script.indexOf(function);
            int options = start < 0 ? -1 : script.indexOf("\n  local arg_opts=", start);
            int after = options < 0 ? -1 : script.indexOf('\n', options + 1) + 1;
            if (after <= 0 || after > script.indexOf("\n}\n", start)) {
                throw new IllegalStateException("picocli's completion script has no options line for " + call.getKey());
            }
            script = script.substring(0, after) + call.getValue() + script.substring(after);
        }
        return script + MARKED_ARGUMENTS;
    }
}
