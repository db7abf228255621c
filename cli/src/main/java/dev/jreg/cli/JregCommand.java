package dev.jreg.cli;

import dev.jreg.Jreg;
import dev.jreg.JregConfig;
import dev.jreg.auth.DockerConfigKeychain;
import dev.jreg.copy.CopyOptions;
import dev.jreg.registry.RegistryOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top-level {@code jreg} command: global options and the list of subcommands. */
@Command(name = "jreg",
        mixinStandardHelpOptions = true,
        versionProvider = JregCommand.Version.class,
        description = "Pull, inspect and manage container images without a Docker daemon.",
        subcommands = {PullCommand.class, PushCommand.class, TagCommand.class, CopyCommand.class, ImagesCommand.class,
            RmCommand.class, PruneCommand.class, InspectCommand.class, TagsCommand.class, DigestCommand.class,
            ManifestCommand.class, ConfigCommand.class, BlobCommand.class, CatalogCommand.class, DeleteCommand.class,
            CommandLine.HelpCommand.class,
            AutoComplete.GenerateCompletion.class},
        footer = {"", "Environment:",
            "  JREG_HOME      the local store (default ~/.local/share/jreg)",
            "  DOCKER_CONFIG  directory of docker's config.json, for credentials",
            "", "Run 'jreg COMMAND --help' for more information on a command."})
final class JregCommand implements Runnable {
    private final CliContext context;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print HTTP exchanges (no secrets) and stack traces on stderr.")
    private boolean debug;

    @Option(names = "--insecure-registry", scope = ScopeType.INHERIT, paramLabel = "HOST[:PORT]",
            description = "Allow plain HTTP and unverified TLS for this registry (repeatable).")
    private List<String> insecureRegistries = new ArrayList<>();

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    JregCommand(CliContext context) {
        this.context = context;
    }

    /** Parses and runs a command line, returning the exit code. */
    static int run(CliContext context, String... args) {
        JregCommand root = new JregCommand(context);
        ErrorReporter reporter = new ErrorReporter(context, root);
        CommandLine commandLine = new CommandLine(root)
                .setOut(context.out())
                .setErr(context.err())
                .setExecutionExceptionHandler(reporter)
                .setParameterExceptionHandler(reporter);
        commandLine.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        int code = commandLine.execute(args);
        context.out().flush();
        context.err().flush();
        return code;
    }

    @Override
    public void run() {
        spec.commandLine().usage(context.out());
    }

    CliContext context() {
        return context;
    }

    boolean debug() {
        return debug;
    }

    /** Opens the library with the global options and the environment. */
    Jreg open() throws IOException {
        RegistryOptions registry = new RegistryOptions(
                DockerConfigKeychain.fromEnvironment(context.env(), context.home()),
                Set.copyOf(insecureRegistries),
                "jreg/" + Version.number(),
                null,
                null,
                debug ? line -> context.err().println("debug: " + line) : null);
        return Jreg.open(new JregConfig(JregConfig.defaultStore(context.env(), context.home()), registry,
                CopyOptions.DEFAULT_CONCURRENCY));
    }

    /** Prints the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        static String number() {
            String version = JregCommand.class.getPackage().getImplementationVersion();
            return version != null ? version : "dev";
        }

        @Override
        public String[] getVersion() {
            return new String[] {"jreg " + number(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
