package dev.jreg.cli;

import dev.jreg.model.Json;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code jreg catalog}: a registry's repositories. */
@Command(name = "catalog", mixinStandardHelpOptions = true,
        description = {"List the repositories of a registry (/v2/_catalog), following its pagination.",
            "Many registries refuse this (Docker Hub, GHCR); jreg then says so."})
final class CatalogCommand implements Callable<Integer> {
    @ParentCommand
    private JregCommand root;

    @Parameters(index = "0", paramLabel = "REGISTRY", description = "e.g. localhost:5000")
    private String registry;

    @Option(names = "--limit", paramLabel = "N", description = "At most N repositories.")
    private int limit;

    @Mixin
    private FormatMixin format;

    @Override
    public Integer call() throws Exception {
        boolean json = format.json();
        List<String> repositories = root.open().catalog(registry, limit);
        if (json) {
            root.context().out().println(Json.write(Map.of("repositories", repositories)));
        } else {
            repositories.forEach(root.context().out()::println);
        }
        return ExitCodes.OK;
    }
}
