package dev.jreg.cli;

import dev.jreg.CopyOptions;
import dev.jreg.DnsServer;
import dev.jreg.Jreg;
import dev.jreg.JregOptions;
import dev.jreg.Mirror;
import dev.jreg.RegistryOptions;
import dev.jreg.RegistrySettings;
import dev.jreg.UnpackLimits;
import dev.jreg.model.Reference;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine;

/** The top-level {@code jreg} command: global options and the list of subcommands. */
final class JregCommand implements Runnable {
    /**
     * Every command by the names and aliases its model gives (a test holds the two together).
     * Building picocli's model of a command costs, so a run builds only the command it invokes
     * (all of them, with help and completion, otherwise).
     */
    static final Map<String, Function<JregCommand, CommandSpec>> COMMANDS = commands();
    /** Global options that take a value, to find the command name among the arguments (the launcher does too). */
    static final Set<String> VALUED_OPTIONS = Set.of("--insecure-registry", "--registry-mirror", "--retries",
            "--timeout", "--dns");

    private static final int DEFAULT_TIMEOUT_SECONDS = 60;

    private final CliContext context;
    private final Interruption interruption;
    /** The transfer's progress display, once one is made: library lines are printed above it. */
    private volatile LayerProgress progress;
    private final CommandSpec spec;
    private boolean debug;
    /** In the order given; picocli hands a repeated option's whole list at each occurrence. */
    private final Set<String> insecureRegistries = new LinkedHashSet<>();
    private final Set<String> registryMirrors = new LinkedHashSet<>();
    private final Set<String> dnsServers = new LinkedHashSet<>();
    private Integer retries;
    private int timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;

    JregCommand(CliContext context) {
        this(context, new Interruption(context));
    }

    /** @param interruption what a shutdown hook tells when the process is stopped */
    JregCommand(CliContext context, Interruption interruption) {
        this.context = context;
        this.interruption = interruption;
        this.spec = CommandModel.of("jreg", this,
                        "Pull, inspect and manage container images without a Docker daemon.")
                .footer("", "Environment:",
                        "  JREG_HOME             the local store (default ~/.local/share/jreg)",
                        "  DOCKER_CONFIG         directory of docker's config.json, for credentials",
                        "  JREG_CONFIG           jreg's config file: mirrors, insecure registries",
                        "                        (default $XDG_CONFIG_HOME/jreg/config.json, else",
                        "                        ~/.config/jreg/config.json)",
                        "  JREG_REGISTRY_MIRROR  Docker Hub mirrors, comma-separated",
                        "  JREG_DNS              DNS servers for registries, comma-separated",
                        "  HTTPS_PROXY, HTTP_PROXY, NO_PROXY  proxies",
                        "", "Run 'jreg COMMAND --help' for more information on a command.")
                .with(this::networkOptions)
                .inheritedOptions()
                .flag("--debug", "Print HTTP exchanges (no secrets) and stack traces on stderr.", v -> debug = v)
                .spec();
    }

    /**
     * The options of commands that reach registries, given before the command or after it. The
     * local ones (images, rm, tag…) neither list nor take them. Each occurrence adds to what the
     * other place gave.
     */
    void networkOptions(CommandModel model) {
        model.repeatable("--insecure-registry", "HOST[:PORT]",
                        "Allow plain HTTP and unverified TLS for this registry (repeatable).", insecureRegistries::addAll)
                .repeatable("--registry-mirror", "URL",
                        "A Docker Hub mirror to try first (repeatable; also JREG_REGISTRY_MIRROR, comma-separated).",
                        registryMirrors::addAll)
                .repeatable("--dns", "SERVER[:PORT]", "A DNS server for registry hosts, its IP address, tried in order (repeatable;"
                        + " also JREG_DNS, comma-separated; replaces the config file's \"dns\"). DNS over HTTPS: a URL,"
                        + " https://HOST/PATH (HOST an IP address or a name the system resolves, :PORT after it"
                        + " if not 443).",
                        dnsServers::addAll)
                .option("--retries", "N", "Retries of a failed request (connection failures, 408, 429, 5xx), with"
                        + " backoff (default: \"retries\" in the config file, else 4).", Integer.class, v -> retries = v)
                .option("--timeout", "SECONDS", "Longest wait to connect or for the next bytes of an answer"
                        + " (default: " + DEFAULT_TIMEOUT_SECONDS + ").", Integer.class, v -> timeoutSeconds = v);
    }

    /** Parses and runs a command line, returning the exit code. */
    static int run(CliContext context, String... args) {
        return run(context, new Interruption(context), args);
    }

    /** {@link #run(CliContext, String...)}, telling {@code interruption} of each transfer. */
    static int run(CliContext context, Interruption interruption, String... args) {
        JregCommand root = new JregCommand(context, interruption);
        ErrorReporter reporter = new ErrorReporter(context, root);
        Function<JregCommand, CommandSpec> invoked = invokedCommand(args);
        CommandLine commandLine = new CommandLine(root.spec);
        if (invoked != null) {
            commandLine.addSubcommand(invoked.apply(root));
        } else {
            new LinkedHashSet<>(COMMANDS.values()).forEach(command -> commandLine.addSubcommand(command.apply(root)));
            commandLine.addSubcommand(new CommandLine.HelpCommand());
            commandLine.addSubcommand(new CompletionCommand(commandLine).spec(root));
        }
        Synopsis.install(commandLine);
        commandLine
                .setOut(context.out())
                .setErr(context.err())
                .setExecutionExceptionHandler(reporter)
                .setParameterExceptionHandler(reporter);
        int code;
        try {
            code = commandLine.execute(args);
        } catch (Error e) {
            // picocli hands only Exceptions to the handler; an Error (a class missing from the
            // runtime, out of memory) still gets the one line and a documented exit code.
            code = reporter.report(e);
        }
        context.out().flush();
        if (code == ExitCodes.OK && !context.stdoutClosed() && context.stdoutFailure() != null) {
            // The command's text went to a printer that swallowed the failure: its result is lost.
            code = reporter.report(context.stdoutFailure());
        }
        context.err().flush();
        return context.stdoutClosed() ? ExitCodes.STDOUT_CLOSED : code;
    }

    /** The command the arguments name, or null when they name none of ours (help, usage, a typo). */
    private static Function<JregCommand, CommandSpec> invokedCommand(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (VALUED_OPTIONS.contains(args[i])) {
                i++;
            } else if (!args[i].startsWith("-")) {
                return COMMANDS.get(args[i]);
            }
        }
        return null;
    }

    private static Map<String, Function<JregCommand, CommandSpec>> commands() {
        Map<String, Function<JregCommand, CommandSpec>> commands = new LinkedHashMap<>();
        add(commands, PullCommand::new, "pull");
        add(commands, PushCommand::new, "push");
        add(commands, TagCommand::new, "tag");
        add(commands, CopyCommand::new, "copy", "mirror");
        add(commands, SyncCommand::new, "sync");
        add(commands, ImagesCommand::new, "images", "ls");
        add(commands, RmCommand::new, "rm", "rmi");
        add(commands, PruneCommand::new, "prune");
        add(commands, SaveCommand::new, "save");
        add(commands, LoadCommand::new, "load");
        add(commands, HistoryCommand::new, "history");
        add(commands, InspectCommand::new, "inspect");
        add(commands, UnpackCommand::new, "unpack");
        add(commands, CommitCommand::new, "commit");
        add(commands, BuildCommand::new, "build");
        add(commands, ExportCommand::new, "export");
        add(commands, SquashCommand::new, "squash");
        add(commands, TagsCommand::new, "tags");
        add(commands, DigestCommand::new, "digest");
        add(commands, ManifestCommand::new, "manifest");
        add(commands, ConfigCommand::new, "config");
        add(commands, BlobCommand::new, "blob");
        add(commands, CatalogCommand::new, "catalog");
        add(commands, ReferrersCommand::new, "referrers");
        add(commands, DeleteCommand::new, "delete");
        add(commands, LoginCommand::new, "login");
        add(commands, LogoutCommand::new, "logout");
        add(commands, VerifyCommand::new, "verify");
        add(commands, TrainCommand::new, "__train-cds");
        return Collections.unmodifiableMap(commands);
    }

    private static void add(Map<String, Function<JregCommand, CommandSpec>> commands, Supplier<Subcommand> command,
            String... names) {
        Function<JregCommand, CommandSpec> spec = root -> command.get().spec(root);
        for (String name : names) {
            commands.put(name, spec);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(context.out());
    }

    CommandSpec spec() {
        return spec;
    }

    CliContext context() {
        return context;
    }

    boolean debug() {
        return debug;
    }

    /**
     * The progress display of a transfer on stderr (silent with {@code quiet}); an interruption
     * stops it and says what the next run of the command does.
     */
    LayerProgress progress(boolean quiet, LayerProgress.Verbs verbs) {
        LayerProgress progress = LayerProgress.of(context, quiet, verbs);
        interruption.transfer(progress, verbs.next());
        this.progress = progress;
        return progress;
    }

    /**
     * Prints a line of the library's (a warning, a retry, which mirror serves) on stderr: above the
     * progress display while one is drawn, which would otherwise draw over it; a note or warning
     * wrapped to 80 columns.
     */
    void say(String text) {
        // Wrapped to fit a terminal's 80 columns; piped, one line each, as scripts grep them.
        String line = context.terminal() ? Notes.wrapped(text) : text;
        LayerProgress shown = progress;
        if (shown != null) {
            shown.print(line);
        } else {
            context.err().println(line);
        }
    }

    /** Opens the library with the global options, the config files and the environment. */
    Jreg open() throws IOException {
        return open(false);
    }

    /**
     * {@link #open()} for a command that may be quiet: then the status lines the library prints
     * (which mirror serves) are left out; warnings stay.
     */
    Jreg open(boolean quiet) throws IOException {
        if (retries != null && retries < 0) {
            throw new IllegalArgumentException("--retries must not be negative");
        }
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout must be at least 1 second");
        }
        RegistrySettings settings = settings();
        RegistryOptions fromEnvironment = RegistryOptions.fromEnvironment(context.env(), context.home(), this::say);
        int retryCount = retries != null ? retries
                : settings.retries() != null ? settings.retries() : fromEnvironment.retry().maxAttempts() - 1;
        RegistryOptions registry = fromEnvironment
                .withInsecure(insecureRegistries)
                .withInsecure(settings.insecureRegistries())
                .withUserAgent("jreg/" + Version.number())
                .withTimeouts(Duration.ofSeconds(Math.min(timeoutSeconds, 30)), Duration.ofSeconds(timeoutSeconds))
                .withDebug(debug ? line -> say("debug: " + line) : null)
                .withRetry(fromEnvironment.retry().withAttempts(retryCount + 1).withNotices(line -> say("jreg: " + line)));
        registry = withDns(registry, settings);
        return Jreg.open(new JregOptions(JregOptions.defaultStore(context.env(), context.home()), registry,
                CopyOptions.DEFAULT_CONCURRENCY, settings, this::say, quiet ? null : this::say, unpackLimits()));
    }

    /**
     * The DNS servers of registries: {@code --dns} and {@code JREG_DNS}, in that order, for every
     * registry; else each registry's {@code "dns"} in the config file.
     */
    private RegistryOptions withDns(RegistryOptions registry, RegistrySettings settings) {
        String fromEnv = context.env().getOrDefault("JREG_DNS", "");
        List<DnsServer> every = Stream.concat(dnsServers.stream().map(server -> dnsServer("--dns", server)),
                Arrays.stream(fromEnv.split(",")).filter(s -> !s.isBlank()).map(server -> dnsServer("JREG_DNS", server)))
                .toList();
        if (!every.isEmpty()) {
            return registry.withDns(RegistryOptions.EVERY_REGISTRY, every);
        }
        RegistryOptions configured = registry;
        for (Map.Entry<String, List<DnsServer>> entry : settings.dns().entrySet()) {
            configured = configured.withDns(entry.getKey(), entry.getValue());
        }
        return configured;
    }

    /** A DNS server as {@link DnsServer#parse} reads it, an error naming where it was given. */
    private static DnsServer dnsServer(String source, String text) {
        try {
            return DnsServer.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * The limits of what an image's layers may hold when unpacked or flattened:
     * {@code JREG_MAX_UNPACK_BYTES} (a size, {@code 10GiB}) and {@code JREG_MAX_UNPACK_ENTRIES}, each
     * the default where unset.
     */
    private UnpackLimits unpackLimits() {
        String bytes = context.env().getOrDefault("JREG_MAX_UNPACK_BYTES", "");
        String entries = context.env().getOrDefault("JREG_MAX_UNPACK_ENTRIES", "");
        long maxBytes = UnpackLimits.DEFAULT.maxBytes();
        long maxEntries = UnpackLimits.DEFAULT.maxEntries();
        try {
            maxBytes = bytes.isEmpty() ? maxBytes : new SizeConverter().convert(bytes);
        } catch (CommandLine.TypeConversionException e) {
            throw new IllegalArgumentException("JREG_MAX_UNPACK_BYTES takes a size (10GiB, 512MB, 1048576), not \""
                    + bytes + "\"");
        }
        if (!entries.isEmpty()) {
            maxEntries = entries.matches("[0-9]{1,18}") ? Long.parseLong(entries) : 0;
        }
        if (maxBytes < 1 || maxEntries < 1) {
            throw new IllegalArgumentException(maxBytes < 1
                    ? "JREG_MAX_UNPACK_BYTES takes a size of at least 1 byte, not \"" + bytes + "\""
                    : "JREG_MAX_UNPACK_ENTRIES takes a number of entries of at least 1, not \"" + entries + "\"");
        }
        return new UnpackLimits(maxBytes, maxEntries);
    }

    /**
     * jreg's config file, then Docker Hub mirrors: flags and {@code JREG_REGISTRY_MIRROR} first,
     * docker's {@code daemon.json} last.
     */
    private RegistrySettings settings() throws IOException {
        String file = context.env().get("JREG_CONFIG");
        RegistrySettings settings = RegistrySettings.read(file != null && !file.isEmpty() ? Path.of(file)
                : JregOptions.configDirectory(context.env(), context.home()).resolve("config.json"));
        String fromEnv = context.env().getOrDefault("JREG_REGISTRY_MIRROR", "");
        List<Mirror> first = Stream.concat(registryMirrors.stream(),
                Arrays.stream(fromEnv.split(",")).filter(m -> !m.isBlank())).map(Mirror::parse).toList();
        return settings.withMirrorsFirst(Reference.DOCKER_HUB, first)
                .withMirrorsLast(Reference.DOCKER_HUB, RegistrySettings.dockerDaemonMirrors(Path.of("/etc/docker/daemon.json")));
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
