package dev.jreg.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code jreg generate-completion}: picocli's bash (and zsh, through bashcompinit) completion
 * script, with what a static script cannot know: the images in the local store, listed by
 * {@code jreg images} when a command that names one is completed, and the values of options that
 * take one of a few.
 */
final class CompletionCommand extends Subcommand {
    /** Commands whose arguments name images in the local store. */
    static final Set<String> LOCAL_IMAGE_COMMANDS = Set.of("rm", "rmi", "tag", "push", "save", "inspect", "history",
            "export", "squash");
    /**
     * The values offered after these options; other options offer the lower-case words of their
     * label ({@code table|json|TEMPLATE}: table, json; {@code oci|docker}: oci, docker).
     */
    static final Map<String, List<String>> VALUES = Map.of(
            "--platform", List.of("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386",
                    "linux/ppc64le", "linux/s390x", "linux/riscv64", "windows/amd64"));
    /**
     * Defined in the script: completes the word being typed from the store's names. bash splits
     * words at {@code :} (COMP_WORDBREAKS), so the word is read from the line itself and each match
     * is offered from after the word's last {@code :}, as bash-completion's
     * {@code __ltrim_colon_completions} does.
     */
    private static final String LOCAL_IMAGES = """

            # Completes the word being typed from the images in the local store.
            function _jreg_complete_local_images() {
              local line=${COMP_LINE:0:COMP_POINT}
              local word=${line##*[[:space:]]}
              local IFS=$'\\n'
              COMPREPLY=( $(compgen -W "$("${COMP_WORDS[0]}" images --filter dangling=false --format '{{.Repository}}:{{.Tag}}' 2>/dev/null)" -- "$word") )
              if [[ $word == *:* && $COMP_WORDBREAKS == *:* ]]; then
                local before=${word%"${word##*:}"}
                COMPREPLY=( "${COMPREPLY[@]#"$before"}" )
              fi
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
                                + " for rm, tag, push, save, inspect, history, export and squash.");
    }

    @Override
    public Integer call() {
        commandLine.getSubcommands().values().forEach(command -> offerValues(command.getCommandSpec()));
        root.context().out().print(withLocalImages(AutoComplete.bash("jreg", commandLine)));
        return ExitCodes.OK;
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

    /** Lets each command that names a local image offer the store's names for its arguments. */
    static String withLocalImages(String script) {
        for (String command : LOCAL_IMAGE_COMMANDS) {
            String function = "function _picocli_jreg_" + command + "() {";
            int start = script.indexOf(function);
            int end = start < 0 ? -1 : script.indexOf("\n}\n", start);
            String body = end < 0 ? "" : script.substring(start, end);
            String completed = body.replace("local positionals=\"\"", "_jreg_complete_local_images; return");
            if (completed.equals(body)) {
                throw new IllegalStateException("picocli's completion script has no arguments to complete for " + command);
            }
            script = script.substring(0, start) + completed + script.substring(end);
        }
        return script + LOCAL_IMAGES;
    }
}
