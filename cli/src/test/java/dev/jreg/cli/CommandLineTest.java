package dev.jreg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.Model.CommandSpec;

/** Help, usage errors and exit codes that need no registry. */
class CommandLineTest {
    @TempDir
    Path home;
    @TempDir
    Path store;

    Cli.Result run(String... args) {
        return new Cli(home, store).run(args);
    }

    @Test
    void bareCommandPrintsUsage() {
        Cli.Result result = run();
        assertEquals(0, result.exitCode());
        assertTrue(result.out().startsWith("Usage: jreg"), result::toString);
        assertTrue(result.out().contains("pull") && result.out().contains("images"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pull", "images", "generate-completion"})
    void everyCommandHasHelp(String command) {
        Cli.Result result = run(command, "--help");
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.out().startsWith("Usage: jreg " + command), result::toString);
    }

    @Test
    void pullHelpListsItsOptions() {
        String help = run("pull", "--help").out();
        for (String option : new String[] {"--platform", "-a, --all-tags", "--all-platforms", "--quiet", "--debug",
            "--insecure-registry"}) {
            assertTrue(help.contains(option), option + " missing from:\n" + help);
        }
    }

    @Test
    void commandTableMatchesTheCommandsOwnNames() {
        JregCommand root = new JregCommand(CliContext.system());
        java.util.Map<String, String> declared = new java.util.TreeMap<>();
        java.util.Map<String, String> listed = new java.util.TreeMap<>();
        for (var command : new java.util.LinkedHashSet<>(JregCommand.COMMANDS.values())) {
            CommandSpec spec = command.apply(root);
            declared.put(spec.name(), spec.name());
            for (String alias : spec.aliases()) {
                declared.put(alias, spec.name());
            }
        }
        JregCommand.COMMANDS.forEach((name, command) -> listed.put(name, command.apply(root).name()));
        assertEquals(declared, listed);
    }

    /** Every option and parameter reaches its command: the commands and values here parse into what they print. */
    @Test
    void declaredOptionsAreBoundToTheirCommands() {
        assertEquals("jreg: --format must be table or json, not \"xml\"\n", run("catalog", "--format", "xml", "localhost:1").err());
        assertEquals("jreg: --jobs must be at least 1\n", run("copy", "-j", "0", "a", "b").err());
        assertEquals("jreg: --timeout must be at least 1 second\n", run("--timeout", "0", "images").err());
        assertEquals("jreg: --retries must not be negative\n", run("tags", "--retries", "-1", "x").err());
        assertEquals("jreg: --platform and --all-platforms cannot be used together\n",
                run("pull", "--all-platforms", "--platform", "linux/amd64", "x").err());
        assertEquals("jreg: --all-tags takes a repository without a tag: x:1\n", run("pull", "-a", "x:1").err());
    }

    /**
     * The launcher picks JIT options by command name, so it must know the same names and options:
     * the commands that hash or encrypt whole blobs keep C2 (docs/PERFORMANCE.md).
     */
    @Test
    void theLauncherKnowsWhichCommandsMoveBlobsAndWhichGlobalOptionsTakeAValue() throws Exception {
        String launcher = Files.readString(Path.of("..", "jreg"));
        Set<String> movers = new TreeSet<>(Set.of("pull", "push", "copy", "mirror", "sync", "blob", "verify", "unpack", "commit",
                "build", "export", "squash", "save", "load"));
        assertTrue(JregCommand.COMMANDS.keySet().containsAll(movers));
        assertEquals(movers, caseLabels(launcher, "case $command in"));
        assertEquals(new TreeSet<>(JregCommand.VALUED_OPTIONS), caseLabels(launcher, "case $arg in"));
    }

    /** The labels of the first branch of a shell {@code case}. */
    private static Set<String> caseLabels(String script, String caseLine) {
        int start = script.indexOf(caseLine);
        assertTrue(start >= 0, "no '" + caseLine + "' in the launcher");
        String branch = script.substring(start + caseLine.length()).strip().lines().findFirst().orElseThrow();
        return new TreeSet<>(List.of(branch.substring(0, branch.indexOf(')')).split("\\|")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "pull --version", "images -V"})
    void versionNamesJregAndJava(String args) {
        Cli.Result result = run(args.split(" "));
        assertEquals(0, result.exitCode());
        assertTrue(result.out().startsWith("jreg "), result.out());
        assertTrue(result.out().contains("\nJava "), result.out());
    }

    @Test
    void unknownOptionIsAUsageError() {
        Cli.Result result = run("pull", "--bogus", "nginx");
        assertEquals(2, result.exitCode());
        assertEquals("jreg: unknown option: '--bogus'; see 'jreg pull --help'\n", result.err());
    }

    /** docker's push takes no target: a second name points to the commands that take one. */
    @Test
    void pushWithTwoNamesPointsToTagAndCopy() {
        Cli.Result result = run("push", "app:1", "localhost:5000/app:1");
        assertEquals(ExitCodes.USAGE, result.exitCode(), result::toString);
        assertEquals("jreg: unexpected argument 'localhost:5000/app:1': push takes NAME[:TAG]; to push app:1 as"
                + " localhost:5000/app:1, run 'jreg tag app:1 localhost:5000/app:1' then 'jreg push"
                + " localhost:5000/app:1', or 'jreg copy local:app:1 localhost:5000/app:1'\n", result.err());
        assertEquals("", result.out());
    }

    @Test
    void argumentsTooManyOrMissingAreOneLineAgainstTheCommandsArguments() {
        assertEquals("jreg: unexpected argument 'c': commit takes [DIR] NEWNAME; see 'jreg commit --help'\n",
                run("commit", "rootfs", "app:1", "c").err());
        assertEquals("jreg: unexpected arguments 'x' 'y': history takes IMAGE; see 'jreg history --help'\n",
                run("history", "app:1", "x", "y").err());
        assertEquals("jreg: unexpected argument 'x': load takes no arguments; see 'jreg load --help'\n",
                run("load", "x").err());
        assertEquals("jreg: missing DIR: unpack takes IMAGE DIR; see 'jreg unpack --help'\n",
                run("unpack", "app:1").err());
        assertEquals("jreg: missing IMAGE NEWNAME; see 'jreg squash --help'\n", run("squash").err());
        assertEquals("jreg: missing required parameter for option '--platform' (OS/ARCH[/VARIANT]); see 'jreg"
                + " export --help'\n", run("export", "app:1", "--platform").err());
    }

    /**
     * Every command's usage errors are one line {@code jreg: …}, exit 2: no arguments where some
     * are required, one more than the command takes.
     */
    @Test
    void everyCommandsUsageErrorIsOneLine() {
        // Without arguments, the line fits 80 columns.
        for (CommandSpec spec : everyCommand()) {
            List<List<String>> wrong = new java.util.ArrayList<>();
            if (spec.positionalParameters().stream().anyMatch(p -> p.required())) {
                wrong.add(List.of(spec.name()));
            }
            int most = spec.positionalParameters().stream().mapToInt(p -> p.arity().max()).sum();
            if (spec.positionalParameters().stream().allMatch(p -> p.index().max() < Integer.MAX_VALUE)) {
                List<String> args = new java.util.ArrayList<>(List.of(spec.name()));
                for (int i = 0; i <= most; i++) {
                    args.add("word" + i);
                }
                wrong.add(args);
            }
            for (List<String> args : wrong) {
                Cli.Result result = run(args.toArray(String[]::new));
                assertEquals(ExitCodes.USAGE, result.exitCode(), () -> args + ": " + result);
                assertEquals(1, result.err().lines().count(), () -> args + ": " + result);
                assertTrue(result.err().matches("jreg: (missing|unexpected argument) .*\n"),
                        () -> args + ": " + result);
                assertTrue(args.size() > 1 || result.err().length() <= 81, () -> args + " is wider than 80: " + result);
            }
        }
    }

    /** commit's two forms: DIR with an optional base, or a base with files added (or none); one new name. */
    @Test
    void commitHelpShowsItsTwoForms() {
        String help = run("commit", "--help").out();
        assertTrue(help.startsWith("""
                Usage: jreg commit [OPTIONS] [--base IMAGE] DIR NEWNAME
                       jreg commit [OPTIONS] --base IMAGE [--add SRC[:DEST]]... NEWNAME
                """), help);
        assertTrue(!help.contains("NEWNAME..."), help);
    }

    /** The commands that make and carry images show examples (history's include a template, as its --format says). */
    @ParameterizedTest
    @ValueSource(strings = {"unpack", "commit", "export", "squash", "save", "load", "history"})
    void imageCommandsShowExamples(String command) {
        String help = run(command, "--help").out();
        assertTrue(help.contains("\nExamples:\n") && help.contains("\n  jreg " + command + " "), help);
        assertTrue(!help.contains("examples below") || help.contains("--format '{{"), help);
    }

    @Test
    void malformedReferenceIsAUsageErrorOnOneLine() {
        Cli.Result result = run("pull", "Nginx:latest");
        assertEquals(2, result.exitCode());
        assertEquals("jreg: invalid reference format: repository name (library/Nginx) must be lowercase\n", result.err());
        assertEquals("", result.out());
    }

    @Test
    void malformedPlatformIsAUsageError() {
        Cli.Result result = run("pull", "--platform", "linux", "nginx");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().startsWith("jreg: invalid platform \"linux\""), result::toString);
    }

    @Test
    void platformAndAllPlatformsConflict() {
        Cli.Result result = run("pull", "--platform", "linux/amd64", "--all-platforms", "nginx");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("cannot be used together"), result::toString);
    }

    @Test
    void unreachableRegistryIsANetworkError() {
        Cli.Result result = run("--retries", "0", "pull", "-q", "127.0.0.1:1/app:1");
        assertEquals(5, result.exitCode(), result::toString);
        assertEquals("jreg: cannot reach registry 127.0.0.1:1: Connection refused\n", result.err());
        Cli.Result retried = run("pull", "-q", "127.0.0.1:1/app:1");
        assertEquals("jreg: cannot reach registry 127.0.0.1:1: Connection refused (2 attempts)\n", retried.err());
        Cli.Result unquiet = run("pull", "127.0.0.1:1/app:1");
        assertEquals("jreg: cannot reach registry 127.0.0.1:1: Connection refused (2 attempts)\n", unquiet.err(),
                "docker's Pulling from line comes once the registry has answered");
    }

    @Test
    void emptyStoreListsOnlyTheHeader() {
        Cli.Result result = run("images");
        assertEquals(0, result.exitCode());
        assertEquals("REPOSITORY   TAG   IMAGE ID   CREATED   SIZE\n", result.out());
        assertEquals("", run("images", "-q").out());
    }

    @Test
    void commandsWithoutTemplatesRejectUnknownFormat() {
        Cli.Result result = run("tags", "--format", "yaml", "localhost:1/app");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().startsWith("jreg: --format must be table or json"), result::toString);
    }

    @Test
    void completionScriptMentionsTheCommands() {
        Cli.Result result = run("generate-completion");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().contains("complete") && result.out().contains("pull"), "bash completion script");
    }

    private static List<CommandSpec> everyCommand() {
        JregCommand root = new JregCommand(CliContext.system());
        return new java.util.LinkedHashSet<>(JregCommand.COMMANDS.values()).stream().map(command -> command.apply(root))
                .filter(spec -> !spec.usageMessage().hidden()).toList();
    }

    /**
     * The list of commands shows each description's first element: a whole sentence. Every other
     * element is a paragraph picocli wraps, so none may end mid-sentence either.
     */
    @Test
    void descriptionsAreWholeSentences() {
        for (CommandSpec spec : everyCommand()) {
            for (String paragraph : spec.usageMessage().description()) {
                assertTrue(paragraph.endsWith("."), spec.name() + ": '" + paragraph + "' ends mid-sentence");
            }
            String summary = spec.usageMessage().description()[0];
            String list = run("--help").out().replaceAll("\\s+", " ");
            assertTrue(list.contains(summary), spec.name() + "'s summary is not whole in jreg --help: " + summary);
        }
    }

    /** At 80 columns no help line is wider than the terminal and no footer line is wrapped by picocli. */
    @Test
    void helpFitsEightyColumns() {
        List<String> commands = new java.util.ArrayList<>(everyCommand().stream().map(CommandSpec::name).toList());
        for (String command : commands) {
            Cli.Result result = run(command, "--help");
            for (String line : result.out().lines().toList()) {
                assertTrue(line.length() <= 80, command + ": " + line.length() + " columns: " + line);
            }
        }
        for (CommandSpec spec : everyCommand()) {
            for (String line : spec.usageMessage().footer()) {
                assertTrue(line.length() <= 80, spec.name() + "'s footer line would wrap: " + line);
            }
        }
        for (String line : run("--help").out().lines().toList()) {
            assertTrue(line.length() <= 80, line);
        }
    }

    /** Usage lines break between options, never inside one ({@code [--dns=SERVER[:} then {@code PORT]]...}). */
    @Test
    void usageLinesBreakOnlyBetweenOptions() {
        List<String> commands = new java.util.ArrayList<>(everyCommand().stream().map(CommandSpec::name).toList());
        commands.add("");
        for (String command : commands) {
            List<String> lines = (command.isEmpty() ? run("--help") : run(command, "--help")).out().lines().toList();
            for (String line : lines.subList(0, lines.indexOf(lines.stream()
                    .filter(l -> !l.startsWith("Usage:") && !l.startsWith(" ")).findFirst().orElseThrow()))) {
                long open = line.chars().filter(c -> c == '[').count();
                long close = line.chars().filter(c -> c == ']').count();
                assertEquals(open, close, command + ": a usage line ends inside an option: " + line);
            }
        }
    }

    /** Registry options are for commands that reach registries, before or after the command's name. */
    @Test
    void networkOptionsOnlyWhereARegistryIsReached() {
        for (String local : new String[] {"images", "rm", "tag", "prune", "verify", "logout"}) {
            assertTrue(!run(local, "--help").out().contains("--insecure-registry"), local);
        }
        for (String remote : new String[] {"pull", "push", "copy", "inspect", "tags", "digest", "manifest", "config",
            "blob", "catalog", "delete", "login"}) {
            String help = run(remote, "--help").out();
            assertTrue(help.contains("--insecure-registry") && help.contains("--timeout"), remote);
        }
        Cli.Result local = run("images", "--timeout", "5");
        assertEquals(ExitCodes.USAGE, local.exitCode(), local::toString);
        assertEquals(0, run("--timeout", "5", "images").exitCode());
    }

    @Test
    void aMistypedCommandGetsTheClosestName() {
        Cli.Result result = run("pul", "nginx");
        assertEquals(ExitCodes.USAGE, result.exitCode());
        assertEquals("jreg: 'pul' is not a jreg command; did you mean 'pull'?\n", result.err());
        assertEquals("jreg: 'imgs' is not a jreg command; did you mean 'images'?\n", run("imgs").err());
        assertEquals("jreg: 'xyzzy' is not a jreg command; see 'jreg --help'\n", run("xyzzy").err());
        assertEquals("inspect", ErrorReporter.closest("inpsect", JregCommand.COMMANDS.keySet()), "a swap is one edit");
        assertEquals("jreg: '__trai' is not a jreg command; see 'jreg --help'\n", run("__trai").err(),
                "hidden commands are not offered");
    }
}
