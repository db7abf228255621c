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
        for (String option : new String[] {"--platform", "--all-platforms", "--quiet", "--debug", "--insecure-registry"}) {
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
        assertEquals("jreg: --format must be table or json, not \"xml\"\n", run("images", "--format", "xml").err());
        assertEquals("jreg: --jobs must be at least 1\n", run("copy", "-j", "0", "a", "b").err());
        assertEquals("jreg: --retries must not be negative and --timeout must be at least 1 second\n",
                run("--timeout", "0", "images").err());
        assertEquals("jreg: --retries must not be negative and --timeout must be at least 1 second\n",
                run("images", "--retries", "-1").err());
        assertEquals("jreg: --platform and --all-platforms cannot be used together\n",
                run("pull", "-a", "--platform", "linux/amd64", "x").err());
    }

    /** The launcher picks JIT options by command name, so it must know the same names and options. */
    @Test
    void theLauncherKnowsWhichCommandsMoveBlobsAndWhichGlobalOptionsTakeAValue() throws Exception {
        String launcher = Files.readString(Path.of("..", "jreg"));
        Set<String> movers = new TreeSet<>();
        JregCommand root = new JregCommand(CliContext.system());
        JregCommand.COMMANDS.forEach((name, command) -> {
            if (command.apply(root).userObject() instanceof MovesBlobs) {
                movers.add(name);
            }
        });
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
        assertEquals("jreg: Unknown option: '--bogus'\nSee 'jreg pull --help'.\n", result.err());
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
    }

    @Test
    void emptyStoreListsOnlyTheHeader() {
        Cli.Result result = run("images");
        assertEquals(0, result.exitCode());
        assertEquals("REPOSITORY   TAG   IMAGE ID   CREATED   SIZE\n", result.out());
        assertEquals("", run("images", "-q").out());
    }

    @Test
    void imagesRejectsUnknownFormat() {
        Cli.Result result = run("images", "--format", "yaml");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().startsWith("jreg: --format must be table or json"), result::toString);
    }

    @Test
    void completionScriptMentionsTheCommands() {
        Cli.Result result = run("generate-completion");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().contains("complete") && result.out().contains("pull"), "bash completion script");
    }
}
