package dev.jreg.cli;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ScopeType;

/**
 * A command's picocli model, declared in code. picocli could read it from annotations, but the JDK
 * then generates a proxy class per annotation type on every run, which no class archive keeps:
 * about 50 ms of every command's start. Option names are given as in help, e.g. {@code "-q, --quiet"}.
 */
final class CommandModel {
    /**
     * The completion candidates of an argument that names an image of the local store: no words
     * of its own, but a mark that {@link CompletionCommand} replaces with the store's names.
     */
    static final Iterable<String> STORED_IMAGES = new NoWords();
    /** The mark of an argument that names a file or directory: {@link CompletionCommand} offers the files. */
    static final Iterable<String> FILES = new NoWords();

    private final CommandSpec spec;
    private ScopeType scope = ScopeType.LOCAL;
    private int nextIndex;
    /** The mark of the next argument declared, or null. */
    private Iterable<String> nextMark;

    private CommandModel(CommandSpec spec) {
        this.spec = spec;
    }

    /** A command that picocli runs by calling {@code command}, with {@code -h/--help} and {@code -V/--version}. */
    static CommandModel of(String name, Object command, String... description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name(name).versionProvider(new JregCommand.Version());
        spec.usageMessage().description(description);
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        return new CommandModel(spec);
    }

    CommandModel aliases(String... aliases) {
        spec.aliases(aliases);
        return this;
    }

    CommandModel footer(String... lines) {
        spec.usageMessage().footer(lines);
        return this;
    }

    /**
     * The usage lines instead of picocli's synopsis (the first follows "Usage: ", the others are
     * indented to match), for a command whose forms one synopsis cannot show.
     */
    CommandModel synopsis(String... lines) {
        String[] usage = lines.clone();
        for (int i = 1; i < usage.length; i++) {
            usage[i] = " ".repeat("Usage: ".length()) + usage[i];
        }
        spec.usageMessage().customSynopsis(usage);
        return this;
    }

    /** The next argument declared names an image of the local store: shell completion offers the store's names. */
    CommandModel storedImage() {
        nextMark = STORED_IMAGES;
        return this;
    }

    /** The next argument declared names a file or directory: shell completion offers the files. */
    CommandModel file() {
        nextMark = FILES;
        return this;
    }

    CommandModel hidden() {
        spec.usageMessage().hidden(true);
        return this;
    }

    /** Declares options that several commands share. */
    CommandModel with(Consumer<CommandModel> options) {
        options.accept(this);
        return this;
    }

    /** Options declared after this call are the subcommands' too. */
    CommandModel inheritedOptions() {
        scope = ScopeType.INHERIT;
        return this;
    }

    /** The next positional parameter, required. */
    CommandModel parameter(String label, String description, Consumer<String> target) {
        return positional(String.valueOf(nextIndex++), "1", String.class, label, description,
                new Binding<>(target, null), false);
    }

    /** The next positional parameter, optional. */
    CommandModel optionalParameter(String label, String description, Consumer<String> target) {
        return positional(String.valueOf(nextIndex++), "0..1", String.class, label, description,
                new Binding<>(target, null), false);
    }

    /** One or more positional parameters, the last ones. */
    CommandModel parameters(String label, String description, Consumer<List<String>> target) {
        return positional(nextIndex + "..*", "1..*", List.class, label, description, new Binding<>(target, null),
                false);
    }

    /**
     * The last positional parameters, at least one and at most {@code max}: more are unexpected
     * arguments. The label is shown as given ({@code [DIR] NEWNAME}), without picocli's {@code ...}.
     */
    CommandModel parameters(String label, int max, String description, Consumer<List<String>> target) {
        return positional(nextIndex + ".." + (nextIndex + max - 1), "1.." + max, List.class, label, description,
                new Binding<>(target, null), true);
    }

    private CommandModel positional(String index, String arity, Class<?> type, String label, String description,
            Binding<?> binding, boolean labelAsGiven) {
        spec.addPositional(PositionalParamSpec.builder().index(index).arity(arity).required(!arity.startsWith("0"))
                .paramLabel(label).hideParamSyntax(labelAsGiven).type(type).auxiliaryTypes(String.class)
                .description(description).completionCandidates(completion()).hasInitialValue(false).setter(binding)
                .getter(binding).build());
        return this;
    }

    CommandModel flag(String names, String description, Consumer<Boolean> target) {
        spec.addOption(flagSpec(names, description, target));
        return this;
    }

    /** Flags of which at most one may be given. */
    CommandModel oneOf(OptionSpec... flags) {
        ArgGroupSpec.Builder group = ArgGroupSpec.builder().exclusive(true).multiplicity("0..1");
        Arrays.stream(flags).forEach(group::addArg);
        spec.addArgGroup(group.build());
        return this;
    }

    /** A flag for {@link #oneOf}. */
    OptionSpec flagSpec(String names, String description, Consumer<Boolean> target) {
        return withBinding(OptionSpec.builder(names(names)).type(boolean.class).description(description),
                new Binding<>(target, false));
    }

    /** A flag that also has a {@code --no-} form, with the value it has when neither is given. */
    CommandModel negatableFlag(String name, String description, boolean unset, Consumer<Boolean> target) {
        spec.addOption(withBinding(OptionSpec.builder(name).type(boolean.class).negatable(true)
                .defaultValue(String.valueOf(unset)).fallbackValue("true").description(description),
                new Binding<>(target, unset)));
        return this;
    }

    CommandModel option(String names, String label, String description, Consumer<String> target) {
        return option(names, label, description, String.class, target);
    }

    <T> CommandModel option(String names, String label, String description, Class<T> type, Consumer<T> target) {
        spec.addOption(withBinding(OptionSpec.builder(names(names)).type(type).paramLabel(label).description(description),
                new Binding<>(target, null)));
        return this;
    }

    /** An option whose text {@code converter} turns into its value. */
    <T> CommandModel option(String names, String label, String description, Class<T> type, ITypeConverter<T> converter,
            Consumer<T> target) {
        spec.addOption(withBinding(OptionSpec.builder(names(names)).type(type).converters(converter).paramLabel(label)
                .description(description), new Binding<>(target, null)));
        return this;
    }

    /** An option that may be given many times, collecting its values. */
    CommandModel repeatable(String names, String label, String description, Consumer<List<String>> target) {
        spec.addOption(withBinding(OptionSpec.builder(names(names)).type(List.class).auxiliaryTypes(String.class)
                .paramLabel(label).description(description), new Binding<>(target, null)));
        return this;
    }

    CommandSpec spec() {
        return spec;
    }

    private OptionSpec withBinding(OptionSpec.Builder option, Binding<?> binding) {
        // No initial value: picocli would set it before parsing, and the command's field has it already.
        return option.scopeType(scope).completionCandidates(completion()).hasInitialValue(false).setter(binding)
                .getter(binding).build();
    }

    /** The mark {@link #storedImage()} or {@link #file()} announced for this argument, else none. */
    private Iterable<String> completion() {
        Iterable<String> candidates = nextMark;
        nextMark = null;
        return candidates;
    }

    /** A mark for completion: no words of its own, told apart from the others by identity. */
    private static final class NoWords implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Collections.emptyIterator();
        }
    }

    private static String[] names(String names) {
        return names.split(", ");
    }

    /**
     * Hands each parsed value to the command. picocli's setter and getter declare generic methods,
     * which no lambda can implement; the getter gives back what was set (picocli appends the values
     * of a repeated option to the list it got).
     */
    private static final class Binding<T> implements ISetter, IGetter {
        private final Consumer<T> target;
        private Object value;

        Binding(Consumer<T> target, Object initial) {
            this.target = target;
            this.value = initial;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V get() {
            return (V) value;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V set(V newValue) {
            V old = (V) value;
            value = newValue;
            target.accept((T) newValue);
            return old;
        }
    }
}
