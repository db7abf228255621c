package dev.jreg.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jreg catalog}: a registry's repositories. */
final class CatalogCommand implements Callable<Integer> {
    private final JregCommand root;
    private String registry;
    private int limit;
    private final FormatMixin format = new FormatMixin();

    private CatalogCommand(JregCommand root) {
        this.root = root;
    }

    static CommandSpec spec(JregCommand root) {
        CatalogCommand command = new CatalogCommand(root);
        return CommandModel.of("catalog", command,
                        "List the repositories of a registry (/v2/_catalog).",
                        "Many registries refuse this (Docker Hub, GHCR); jreg then says so.")
                .parameter("REGISTRY", "e.g. localhost:5000", v -> command.registry = v)
                .option("--limit", "N", "At most N repositories.", Integer.class, v -> command.limit = v)
                .with(command.format::declare)
                .with(root::networkOptions)
                .spec();
    }

    @Override
    public Integer call() throws Exception {
        boolean json = format.json();
        List<String> repositories = root.open().catalog(registry, limit);
        if (json) {
            root.context().out().println(JsonOutput.write(Map.of("repositories", repositories)));
        } else {
            repositories.forEach(root.context().out()::println);
        }
        return ExitCodes.OK;
    }
}
